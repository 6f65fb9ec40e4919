import { AxiosError } from 'axios';
import type { Dispatcher } from 'undici';
import type { JamfSettings } from '../../../domain/connectors/connector-settings.js';
import type { MdmDevice } from '../../../domain/hardware/mdm-device.js';
import type { ConnectionCheck, MdmConnector } from '../../../application/ports/mdm-connector.js';
import { MdmSourceFailure, type MdmPage } from '../../../application/ports/mdm-source.js';
import { outboundDispatcher, transportLimits, type OutboundOptions, type TransportLimits } from '../http/outbound.js';
import { DEFAULT_RETRY_POLICY, RetriesExhausted, type RetryPolicy } from '../http/retry.js';
import { startPrefetch } from '../http/prefetch.js';
import { NO_OUTBOUND_METRICS, type OutboundMetrics } from '../http/outbound-metrics.js';
import { SessionCache } from '../http/session-cache.js';
import { mapEntries, pagesById } from '../mdm-entries.js';
import { DEFAULT_MAX_PAGES, PagingGuard } from '../paging-guard.js';
import { describeJamfFailure } from './jamf-failures.js';
import { fromComputer, fromMobileDevice } from './jamf-inventory.js';
import { readJamfPage, totalWarning, type SearchResults } from './jamf-page.js';
import { JamfSession } from './jamf-session.js';

/** Jamf asks API clients to stay at or under five concurrent connections. */
const MAX_CONNECTIONS = 5;
/** Beyond any real fleet: a larger total is not shown as progress. */
const MAX_PLAUSIBLE_TOTAL = 10_000_000;
/** The largest page Jamf serves; larger values are clamped by the server. */
const PAGE_SIZE = 2000;
const COMPUTER_VERSIONS = ['v4', 'v3', 'v2', 'v1'] as const;
const COMPUTER_SECTIONS = ['GENERAL', 'HARDWARE', 'OPERATING_SYSTEM', 'USER_AND_LOCATION', 'STORAGE'];
const MOBILE_SECTIONS = ['GENERAL', 'HARDWARE', 'USER_AND_LOCATION'];

export interface JamfConnectorOptions extends OutboundOptions {
  retry?: RetryPolicy;
  /** Pages one listing may have before the run is stopped as endless. */
  maxPages?: number;
}

/** A page as read: how many entries it had, and the devices mapped from them. */
interface ReadPage {
  count: number;
  page: MdmPage;
}

interface Listing {
  what: string;
  first: SearchResults;
  /** The total as the server sent it, for the warning when it lies. */
  announced: unknown;
  pageQuery: (page: number) => string;
  map: (raw: Record<string, unknown>) => MdmDevice;
  /** Starts fetching what follows this listing, once its last page is known: it then arrives while that page is imported. */
  prefetchNext?: () => Promise<void>;
}

function query(sections: string[], page: number, pageSize: number, sort: string, filter?: string): string {
  const params = new URLSearchParams();
  for (const s of sections) params.append('section', s);
  params.set('page', String(page));
  params.set('page-size', String(pageSize));
  params.set('sort', sort);
  if (filter) params.set('filter', filter);
  return params.toString();
}

function rsqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const isNotFound = (error: unknown) => error instanceof AxiosError && error.response?.status === 404;

/** Jamf Pro: computers (newest inventory API the server offers) and mobile devices, page by page. */
export class JamfConnector implements MdmConnector<'jamf'> {
  readonly source = 'jamf' as const;
  private readonly dispatcher: Dispatcher;
  private readonly retry: RetryPolicy;
  private readonly limits: TransportLimits;
  private readonly maxPages: number;
  private readonly metrics: OutboundMetrics;
  /** Look up by serial reuses one session and its bearer (renewed when due). */
  private readonly lookups = new SessionCache<JamfSettings, JamfSession>((settings) => this.session(settings));

  constructor(options: JamfConnectorOptions = {}) {
    this.metrics = options.metrics ?? NO_OUTBOUND_METRICS;
    this.dispatcher = outboundDispatcher({ ...options, connectionsPerOrigin: MAX_CONNECTIONS });
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.limits = transportLimits(options);
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  private session(settings: JamfSettings): JamfSession {
    return new JamfSession(settings, this.dispatcher, this.retry, this.limits, this.metrics);
  }

  /** One search page, checked to be one, with the total exactly as the server announced it. */
  private async search(session: JamfSession, path: string, what: string): Promise<{ page: SearchResults; announced: unknown }> {
    const body = await session.get<unknown>(path);
    return { page: readJamfPage(body, what), announced: (body as { totalCount?: unknown }).totalCount };
  }

  private failure(error: unknown): MdmSourceFailure {
    const exhausted = error instanceof RetriesExhausted;
    const described = describeJamfFailure(exhausted ? error.cause : error);
    return new MdmSourceFailure('jamf', exhausted ? `${described.message} ${error.message}` : described.message, described.fix, error);
  }

  /** The computers-inventory version to use: the newest that answers, since old ones are retired. */
  private async computersPath(session: JamfSession, probeQuery: string): Promise<{ path: string; first: SearchResults; announced: unknown }> {
    for (const version of COMPUTER_VERSIONS) {
      const path = `/api/${version}/computers-inventory`;
      try {
        const { page, announced } = await this.search(session, `${path}?${probeQuery}`, 'the computers inventory');
        return { path, first: page, announced };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    throw new AxiosError('No computers-inventory API version (v4 to v1) exists on this server.', '404');
  }

  /**
   * Streams one paged endpoint, the next page fetched while the current one is imported. The listing
   * ends at an empty or short page, whatever total was announced, and never runs past the page bound;
   * a total that does not match what was sent is said in a warning.
   */
  private async *paged(session: JamfSession, listing: Listing, before = 0): AsyncIterable<MdmPage> {
    const guard = new PagingGuard('Jamf Pro', new URL(session.tenantUrl).origin, this.maxPages, 'jamf');
    const pageSize = listing.first.results.length;
    // Each page is mapped as soon as it arrives: its raw JSON (several times the size of the devices
    // read from it) is then garbage at once, instead of living on while the page before is imported.
    const read = ({ results }: SearchResults, servedBefore: number): ReadPage =>
      ({ count: results.length, page: mapEntries(results, servedBefore, listing.map, `the Jamf Pro ${listing.what}`) });
    let current: Promise<ReadPage> = Promise.resolve(read(listing.first, 0));
    let served = 0;
    for (let page = 0; ; page += 1) {
      const { count, page: mapped } = await current;
      if (count === 0) break;
      guard.unreadableEntries(mapped.rejected?.length ?? 0, `the ${listing.what} listing`);
      // Short of a full page, or the announced total reached: the last page, without asking for another.
      const announced = listing.first.totalCount;
      const last = count < pageSize || (announced !== null && served + count >= announced);
      if (!last) {
        guard.next();
        const servedBefore = served + count;
        current = (await startPrefetch(async () => read((await this.search(session, listing.pageQuery(page + 1), listing.what)).page, servedBefore))).pending;
      } else {
        await listing.prefetchNext?.();
      }
      // A total that the listing has already outrun says nothing; the bar then shows devices read.
      if (announced !== null && announced >= served + count && announced <= MAX_PLAUSIBLE_TOTAL) mapped.announcedTotal = before + announced;
      yield mapped;
      served += count;
      if (last) break;
    }
    const warning = totalWarning(listing.what, listing.announced, served);
    if (warning) yield { devices: [], warnings: [warning] };
  }

  async *devices(settings: JamfSettings): AsyncIterable<MdmPage> {
    const session = this.session(settings);
    try {
      const computerQuery = (page: number) => query(COMPUTER_SECTIONS, page, PAGE_SIZE, 'id:asc');
      const mobilePath = '/api/v2/mobile-devices/detail';
      const mobileQuery = (page: number) => query(MOBILE_SECTIONS, page, PAGE_SIZE, 'mobileDeviceId:asc');
      const firstMobiles = () => this.search(session, `${mobilePath}?${mobileQuery(0)}`, 'mobile devices');
      let mobilesAsked: Promise<{ page: SearchResults; announced: unknown }> | undefined;
      const computers = await this.computersPath(session, computerQuery(0));
      let computerCount = 0;
      const computerListing: Listing = {
        what: 'computers', ...computers, pageQuery: (page) => `${computers.path}?${computerQuery(page)}`, map: fromComputer,
        prefetchNext: async () => {
          mobilesAsked = (await startPrefetch(firstMobiles)).pending;
        },
      };
      for await (const page of this.paged(session, computerListing)) {
        computerCount += page.devices.length + (page.rejected?.length ?? 0);
        yield page;
      }
      const mobiles = await (mobilesAsked ?? firstMobiles());
      yield* this.paged(session, { what: 'mobile devices', first: mobiles.page, announced: mobiles.announced, pageQuery: (page) => `${mobilePath}?${mobileQuery(page)}`, map: fromMobileDevice }, computerCount);
    } catch (error) {
      throw error instanceof MdmSourceFailure ? error : this.failure(error);
    }
  }

  /**
   * Each device by its id: a computer from its inventory record (computers-inventory/{id}, on the
   * newest API version the server offers), a mobile device from the mobile-devices detail filtered to
   * its id. One Jamf no longer has is said per device.
   */
  async *devicesById(settings: JamfSettings, ids: readonly string[]): AsyncIterable<MdmPage> {
    const session = this.session(settings);
    try {
      let computersPath: Promise<string> | null = null;
      const fetchOne = async (id: string): Promise<unknown | null> => {
        const computer = /^computer-(\d{1,18})$/.exec(id);
        const mobile = /^mobile-(\d{1,18})$/.exec(id);
        try {
          if (computer) {
            computersPath ??= this.computersPath(session, query(['GENERAL'], 0, 1, 'id:asc')).then((found) => found.path);
            const params = new URLSearchParams(COMPUTER_SECTIONS.map((section) => ['section', section]));
            return await session.get<unknown>(`${await computersPath}/${computer[1]}?${params}`);
          }
          if (mobile) {
            const { page } = await this.search(session, `/api/v2/mobile-devices/detail?${query(MOBILE_SECTIONS, 0, 1, 'mobileDeviceId:asc', `mobileDeviceId==${rsqlString(mobile[1]!)}`)}`, 'mobile devices');
            return page.results.find((r) => String((r as { mobileDeviceId?: unknown }).mobileDeviceId) === mobile[1]) ?? null;
          }
          return null;
        } catch (error) {
          if (isNotFound(error)) return null;
          throw error;
        }
      };
      const map = (entry: Record<string, unknown>) => ('mobileDeviceId' in entry ? fromMobileDevice(entry) : fromComputer(entry));
      yield* pagesById(ids, fetchOne, map, 'the Jamf Pro answer', (id) => `Jamf Pro no longer has device ${id} (wiped or removed); it was not imported again.`);
    } catch (error) {
      throw error instanceof MdmSourceFailure ? error : this.failure(error);
    }
  }

  async testConnection(settings: JamfSettings): Promise<ConnectionCheck> {
    const session = this.session(settings);
    try {
      await session.bearer();
    } catch (error) {
      return describeJamfFailure(error);
    }
    const missing: string[] = [];
    const probe = query(['GENERAL'], 0, 1, 'id:asc');
    try {
      await this.computersPath(session, probe);
    } catch (error) {
      if (error instanceof MdmSourceFailure) return { ok: false, cause: 'not-device-data', message: error.reason, fix: error.fix ?? '' };
      if (!(error instanceof AxiosError && error.response?.status === 403)) return describeJamfFailure(error);
      missing.push('Read Computers');
    }
    try {
      await this.search(session, `/api/v2/mobile-devices/detail?${query(['GENERAL'], 0, 1, 'mobileDeviceId:asc')}`, 'mobile devices');
    } catch (error) {
      if (error instanceof MdmSourceFailure) return { ok: false, cause: 'not-device-data', message: error.reason, fix: error.fix ?? '' };
      if (!(error instanceof AxiosError && error.response?.status === 403)) return describeJamfFailure(error);
      missing.push('Read Mobile Devices');
    }
    if (missing.length > 0) {
      return {
        ok: false,
        cause: 'missing-privilege',
        message: `The API client is missing the privilege${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}.`,
        fix: `In Jamf Pro, Settings → API roles and clients, add ${missing.join(' and ')} to the client's role, then test again.`,
      };
    }
    return { ok: true, message: 'Connected to Jamf Pro: the API client can read computers and mobile devices.' };
  }

  async lookupBySerial(settings: JamfSettings, serial: string): Promise<MdmDevice[]> {
    const session = await this.lookups.get(settings);
    const wanted = serial.trim();
    try {
      const { first } = await this.computersPath(session, query(COMPUTER_SECTIONS, 0, 100, 'id:asc', `hardware.serialNumber==${rsqlString(wanted)}`));
      const computers = mapEntries(first.results, 0, fromComputer, 'the Jamf Pro answer').devices;
      const mobile = await this.search(session, `/api/v2/mobile-devices/detail?${query(MOBILE_SECTIONS, 0, 100, 'mobileDeviceId:asc', `serialNumber==${rsqlString(wanted)}`)}`, 'mobile devices');
      return [...computers, ...mapEntries(mobile.page.results, 0, fromMobileDevice, 'the Jamf Pro answer').devices];
    } catch (error) {
      throw error instanceof MdmSourceFailure ? error : this.failure(error);
    }
  }
}
