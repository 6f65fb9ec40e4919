import type { Dispatcher } from 'undici';
import type { IntuneSettings } from '../../../domain/connectors/connector-settings.js';
import type { MdmDevice } from '../../../domain/hardware/mdm-device.js';
import type { ConnectionCheck, MdmConnector } from '../../../application/ports/mdm-connector.js';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import type { MdmPage } from '../../../application/ports/mdm-source.js';
import { outboundDispatcher, transportLimits, type OutboundOptions, type TransportLimits } from '../http/outbound.js';
import { fetchWithinBound } from '../http/bounded-fetch.js';
import { NO_OUTBOUND_METRICS, type OutboundMetrics } from '../http/outbound-metrics.js';
import { SessionCache } from '../http/session-cache.js';
import { classifyTransportError } from '../http/outbound-failure.js';
import { causeChain } from '../http/error-chain.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, RetriesExhausted, withRetries, type RetryPolicy, type RetryVerdict } from '../http/retry.js';
import { startPrefetch } from '../http/prefetch.js';
import { mapEntries, pagesById } from '../mdm-entries.js';
import { DEFAULT_MAX_PAGES, PagingGuard } from '../paging-guard.js';
import { fromManagedDevice, MANAGED_DEVICE_FIELDS } from './graph-managed-device.js';
import { readGraphPage, type GraphPage } from './graph-page.js';
import { describeIntuneFailure } from './intune-failures.js';
import { GraphSession, microsoftSdks, PUBLIC_AUTHORITY, PUBLIC_GRAPH } from './graph-session.js';

/** Graph's largest page of managed devices. */
const PAGE_SIZE = 1000;
const THROTTLED = new Set([429, 503, 504]);

export interface IntuneConnectorOptions extends OutboundOptions {
  retry?: RetryPolicy;
  /** Pages one listing may have before the run is stopped as endless. */
  maxPages?: number;
}

/** Microsoft Intune through Microsoft Graph: every managed device, page by page. */
export class IntuneConnector implements MdmConnector<'intune'> {
  readonly source = 'intune' as const;
  private readonly dispatcher: Dispatcher;
  private readonly retry: RetryPolicy;
  private readonly limits: TransportLimits;
  private readonly maxPages: number;
  private readonly metrics: OutboundMetrics;
  /** Look up by serial reuses one credential: its token and the authority's metadata are asked for once. */
  private readonly lookups = new SessionCache<IntuneSettings, GraphSession>((settings) => this.session(settings));

  constructor(options: IntuneConnectorOptions = {}) {
    this.metrics = options.metrics ?? NO_OUTBOUND_METRICS;
    this.dispatcher = outboundDispatcher(options);
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.limits = transportLimits(options);
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  /** Loads the Microsoft libraries now rather than inside the first run or Test connection. */
  async prepare(): Promise<void> {
    await microsoftSdks();
  }

  private async session(settings: IntuneSettings): Promise<GraphSession> {
    return new GraphSession(await microsoftSdks(), settings, this.dispatcher, this.limits, this.metrics);
  }

  /** One page, checked to be a page of managed devices. */
  private async page(session: GraphSession, path: string): Promise<GraphPage> {
    return readGraphPage(await this.get(session, path));
  }

  /** One GET with the run's retry policy: throttling and gateway errors wait, an expired token is renewed once. */
  private async get(session: GraphSession, path: string): Promise<unknown> {
    let renewed = false;
    const { GraphError } = session.sdk;
    const verdict = (error: unknown): RetryVerdict => {
      if (!(error instanceof GraphError)) return { retry: false };
      if (THROTTLED.has(error.statusCode)) {
        if (error.statusCode === 429) this.metrics.throttled('graph');
        return { retry: true, retryAfterMs: parseRetryAfter(error.headers?.get('retry-after')), reason: `Microsoft Graph answered ${error.statusCode}` };
      }
      if (error.statusCode === 401 && !renewed) {
        renewed = true;
        session.renew();
        return { retry: true, retryAfterMs: 0, reason: 'Microsoft Graph answered 401' };
      }
      return { retry: false };
    };
    return withRetries(() => session.client.api(path).get(), verdict, this.retry, (ms) => this.metrics.backedOff('graph', ms / 1000));
  }

  private async failure(error: unknown, settings: IntuneSettings, session: GraphSession | null): Promise<MdmSourceFailure> {
    if (session?.refusal) return session.refusal;
    const own = causeChain(error).find((e): e is MdmSourceFailure => e instanceof MdmSourceFailure);
    if (own) return own;
    const exhausted = error instanceof RetriesExhausted;
    let described = describeIntuneFailure(exhausted ? error.cause : error);
    // MSAL says only "endpoints_resolution_error": ask the authority directly which it was.
    if (described.cause === 'unknown-tenant') described = ((await this.probeAuthority(settings)) as typeof described | null) ?? described;
    const message = exhausted && described.cause === 'throttled' ? `Microsoft Graph kept throttling: ${error.message}` : described.message;
    return new MdmSourceFailure('intune', message, described.fix, error);
  }

  /**
   * Follows Graph's paging links, but only on the configured Graph origin, never the same link twice,
   * and never past the page bound; an empty page ends the listing.
   */
  async *devices(settings: IntuneSettings): AsyncIterable<MdmPage> {
    const session = await this.session(settings);
    const guard = new PagingGuard('Microsoft Graph', session.origin, this.maxPages, 'intune');
    let pending: Promise<GraphPage> | null = this.page(session, `/deviceManagement/managedDevices?$select=${MANAGED_DEVICE_FIELDS.join(',')}&$top=${PAGE_SIZE}`);
    let position = 0;
    while (pending) {
      let page: GraphPage;
      try {
        page = await pending;
      } catch (error) {
        throw await this.failure(error, settings, session);
      }
      const warnings: string[] = [];
      pending = null;
      if (page.nextLink !== null && page.value.length === 0) {
        warnings.push(`Microsoft Graph sent an empty page that still linked to more (page ${guard.pages + 1}); the listing was taken to end there.`);
      } else if (page.nextLink !== null) {
        const next = guard.follow(page.nextLink);
        // Fetch the next page while this one is imported.
        pending = (await startPrefetch(() => this.page(session, next))).pending;
      }
      const entries = mapEntries(page.value, position, fromManagedDevice, 'the Microsoft Graph listing');
      guard.unreadableEntries(entries.rejected.length, 'one listing');
      position += page.value.length;
      yield { ...entries, warnings };
    }
  }

  /** GET managedDevices/{id} for each: a device wiped and removed since answers 404, said per device. */
  async *devicesById(settings: IntuneSettings, ids: readonly string[]): AsyncIterable<MdmPage> {
    const session = await this.session(settings);
    const fetchOne = async (id: string): Promise<unknown | null> => {
      try {
        return await this.get(session, `/deviceManagement/managedDevices/${encodeURIComponent(id)}?$select=${MANAGED_DEVICE_FIELDS.join(',')}`);
      } catch (error) {
        if (error instanceof session.sdk.GraphError && error.statusCode === 404) return null;
        throw error;
      }
    };
    try {
      yield* pagesById(ids, fetchOne, fromManagedDevice, 'the Microsoft Graph answer', (id) => `Microsoft Intune no longer has device ${id} (wiped, retired or removed); it was not imported again.`);
    } catch (error) {
      throw await this.failure(error, settings, session);
    }
  }

  /**
   * MSAL reports every failure to reach the tenant's metadata as "endpoints_resolution_error"; asking
   * for it directly tells a wrong tenant from a network or certificate problem.
   */
  private async probeAuthority(settings: IntuneSettings): Promise<ConnectionCheck | null> {
    const authority = settings.authorityHost ?? PUBLIC_AUTHORITY;
    const url = `${authority}/${encodeURIComponent(settings.tenantId)}/v2.0/.well-known/openid-configuration`;
    try {
      const response = await fetchWithinBound(url, { dispatcher: this.dispatcher, redirect: 'manual' } as RequestInit, this.limits);
      if (response.ok) return null;
      return describeIntuneFailure(new Error(await response.text()));
    } catch (error) {
      return describeIntuneFailure(classifyTransportError(error, url, this.limits) ?? error);
    }
  }

  async testConnection(settings: IntuneSettings): Promise<ConnectionCheck> {
    const unreachable = await this.probeAuthority(settings);
    if (unreachable) return unreachable;
    const session = await this.session(settings);
    try {
      await session.credential.getToken(session.scope);
      await this.page(session, '/deviceManagement/managedDevices?$top=1&$select=id');
    } catch (error) {
      if (session.refusal) return { ok: false, cause: 'token-endpoint-elsewhere', message: session.refusal.reason, fix: session.refusal.fix ?? '' };
      return describeIntuneFailure(error instanceof RetriesExhausted ? error.cause : error);
    }
    return { ok: true, message: `Connected to Microsoft Intune: the app registration can read managed devices (${PUBLIC_GRAPH === session.origin ? 'public cloud' : session.origin}).` };
  }

  async lookupBySerial(settings: IntuneSettings, serial: string): Promise<MdmDevice[]> {
    const session = await this.lookups.get(settings);
    const quoted = serial.trim().replace(/'/g, "''");
    try {
      const page = await this.page(session, `/deviceManagement/managedDevices?$filter=${encodeURIComponent(`serialNumber eq '${quoted}'`)}&$select=${MANAGED_DEVICE_FIELDS.join(',')}`);
      return mapEntries(page.value, 0, fromManagedDevice, 'the Microsoft Graph answer').devices;
    } catch (error) {
      throw await this.failure(error, settings, session);
    }
  }
}
