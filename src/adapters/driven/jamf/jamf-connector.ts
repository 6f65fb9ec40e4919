import { AxiosError } from 'axios';
import type { Dispatcher } from 'undici';
import type { JamfSettings } from '../../../domain/connectors/connector-settings.js';
import type { MdmDevice } from '../../../domain/hardware/mdm-device.js';
import type { ConnectionCheck, MdmConnector } from '../../../application/ports/mdm-connector.js';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import { outboundDispatcher, type OutboundOptions } from '../http/outbound.js';
import { DEFAULT_RETRY_POLICY, RetriesExhausted, type RetryPolicy } from '../http/retry.js';
import { startPrefetch } from '../http/prefetch.js';
import { describeJamfFailure } from './jamf-failures.js';
import { fromComputer, fromMobileDevice } from './jamf-inventory.js';
import { JamfSession } from './jamf-session.js';

/** Jamf asks API clients to stay at or under five concurrent connections. */
const MAX_CONNECTIONS = 5;
/** The largest page Jamf serves; larger values are clamped by the server. */
const PAGE_SIZE = 2000;
const COMPUTER_VERSIONS = ['v4', 'v3', 'v2', 'v1'] as const;
const COMPUTER_SECTIONS = ['GENERAL', 'HARDWARE', 'OPERATING_SYSTEM', 'USER_AND_LOCATION', 'STORAGE'];
const MOBILE_SECTIONS = ['GENERAL', 'HARDWARE', 'USER_AND_LOCATION'];

export interface JamfConnectorOptions extends OutboundOptions {
  retry?: RetryPolicy;
}

interface SearchResults {
  totalCount: number;
  results: Array<Record<string, unknown>>;
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

  constructor(options: JamfConnectorOptions = {}) {
    this.dispatcher = outboundDispatcher({ ...options, connectionsPerOrigin: MAX_CONNECTIONS });
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  private session(settings: JamfSettings): JamfSession {
    return new JamfSession(settings, this.dispatcher, this.retry);
  }

  private failure(error: unknown): MdmSourceFailure {
    const exhausted = error instanceof RetriesExhausted;
    const described = describeJamfFailure(exhausted ? error.cause : error);
    return new MdmSourceFailure('jamf', exhausted ? `${described.message} ${error.message}` : described.message, described.fix, error);
  }

  /** The computers-inventory version to use: the newest that answers, since old ones are retired. */
  private async computersPath(session: JamfSession, probeQuery: string): Promise<{ path: string; first: SearchResults }> {
    for (const version of COMPUTER_VERSIONS) {
      const path = `/api/${version}/computers-inventory`;
      try {
        return { path, first: await session.get<SearchResults>(`${path}?${probeQuery}`) };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    throw new AxiosError('No computers-inventory API version (v4 to v1) exists on this server.', '404');
  }

  /** Streams one paged endpoint, the next page fetched while the current one is imported. */
  private async *paged(
    session: JamfSession,
    first: SearchResults,
    pageQuery: (page: number) => string,
    map: (raw: Record<string, unknown>) => MdmDevice,
  ): AsyncIterable<MdmDevice[]> {
    const served = first.results.length;
    const pages = served === 0 ? 1 : Math.ceil(first.totalCount / served);
    let current: Promise<SearchResults> = Promise.resolve(first);
    for (let page = 0; page < pages; page += 1) {
      const results = await current;
      if (page + 1 < pages) current = (await startPrefetch(() => session.get<SearchResults>(pageQuery(page + 1)))).pending;
      if (results.results.length > 0) yield results.results.map(map);
    }
  }

  async *devices(settings: JamfSettings): AsyncIterable<MdmDevice[]> {
    const session = this.session(settings);
    try {
      const computerQuery = (page: number) => query(COMPUTER_SECTIONS, page, PAGE_SIZE, 'id:asc');
      const { path, first } = await this.computersPath(session, computerQuery(0));
      yield* this.paged(session, first, (page) => `${path}?${computerQuery(page)}`, fromComputer);
      const mobilePath = '/api/v2/mobile-devices/detail';
      const mobileQuery = (page: number) => query(MOBILE_SECTIONS, page, PAGE_SIZE, 'mobileDeviceId:asc');
      const mobileFirst = await session.get<SearchResults>(`${mobilePath}?${mobileQuery(0)}`);
      yield* this.paged(session, mobileFirst, (page) => `${mobilePath}?${mobileQuery(page)}`, fromMobileDevice);
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
      if (!(error instanceof AxiosError && error.response?.status === 403)) return describeJamfFailure(error);
      missing.push('Read Computers');
    }
    try {
      await session.get(`/api/v2/mobile-devices/detail?${query(['GENERAL'], 0, 1, 'mobileDeviceId:asc')}`);
    } catch (error) {
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
    const session = this.session(settings);
    const wanted = serial.trim();
    try {
      const { first } = await this.computersPath(session, query(COMPUTER_SECTIONS, 0, 100, 'id:asc', `hardware.serialNumber==${rsqlString(wanted)}`));
      const computers = first.results.map(fromComputer);
      const mobile = await session.get<SearchResults>(`/api/v2/mobile-devices/detail?${query(MOBILE_SECTIONS, 0, 100, 'mobileDeviceId:asc', `serialNumber==${rsqlString(wanted)}`)}`);
      return [...computers, ...mobile.results.map(fromMobileDevice)];
    } catch (error) {
      throw this.failure(error);
    }
  }
}
