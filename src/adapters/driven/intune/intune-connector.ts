import { createRequire } from 'node:module';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici';
import type { IntuneSettings } from '../../../domain/connectors/connector-settings.js';
import type { MdmDevice } from '../../../domain/hardware/mdm-device.js';
import type { ConnectionCheck, MdmConnector } from '../../../application/ports/mdm-connector.js';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import type { MdmPage } from '../../../application/ports/mdm-source.js';
import { outboundDispatcher, transportLimits, type OutboundOptions, type TransportLimits } from '../http/outbound.js';
import { fetchWithinBound } from '../http/unpacked-bound.js';
import { graphFetchHandler } from '../http/graph-fetch-handler.js';
import { NO_OUTBOUND_METRICS, type OutboundMetrics } from '../http/outbound-metrics.js';
import { SessionCache } from '../http/session-cache.js';
import { classifyTransportError } from '../http/outbound-failure.js';
import { causeChain } from '../http/error-chain.js';
import { isBearerToken } from '../http/bearer-token.js';
import { entraHttpClient } from './entra-http-client.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, RetriesExhausted, withRetries, type RetryPolicy, type RetryVerdict } from '../http/retry.js';
import { startPrefetch } from '../http/prefetch.js';
import { mapEntries, pagesById } from '../mdm-entries.js';
import { DEFAULT_MAX_PAGES, PagingGuard } from '../paging-guard.js';
import { fromManagedDevice, MANAGED_DEVICE_FIELDS } from './graph-managed-device.js';
import { readGraphPage, type GraphPage } from './graph-page.js';
import { describeIntuneFailure } from './intune-failures.js';

const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
const PUBLIC_GRAPH = 'https://graph.microsoft.com';
const KNOWN_AUTHORITIES = new Set([PUBLIC_AUTHORITY, 'https://login.microsoftonline.us', 'https://login.chinacloudapi.cn']);
/** Graph's largest page of managed devices. */
const PAGE_SIZE = 1000;
const THROTTLED = new Set([429, 503, 504]);

export interface IntuneConnectorOptions extends OutboundOptions {
  retry?: RetryPolicy;
  /** Pages one listing may have before the run is stopped as endless. */
  maxPages?: number;
}

/**
 * The Microsoft SDKs, from their CommonJS builds: Node 20's ESM loader took 270–290 ms over the
 * hundreds of modules of `@azure/identity` and its dependencies, where `require` takes 160 ms. Every use
 * of the SDKs goes through here, so there is one copy of each. `require` loads them in one piece, holding
 * the event loop for about 0.1 s: the server has them loaded at start-up when Intune is enabled
 * (`prepare`); otherwise the first use loads them (a process that never uses Intune never does).
 */
const requireSdk = createRequire(import.meta.url);
async function loadSdks() {
  const identity = requireSdk('@azure/identity') as typeof import('@azure/identity');
  const graph = requireSdk('@microsoft/microsoft-graph-client') as typeof import('@microsoft/microsoft-graph-client');
  const provider = requireSdk('@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js') as typeof import('@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js');
  const pipeline = requireSdk('@azure/core-rest-pipeline') as typeof import('@azure/core-rest-pipeline');
  return {
    ClientSecretCredential: identity.ClientSecretCredential,
    Client: graph.Client,
    GraphError: graph.GraphError,
    GraphClientError: graph.GraphClientError,
    AuthenticationHandler: graph.AuthenticationHandler,
    TokenCredentialAuthenticationProvider: provider.TokenCredentialAuthenticationProvider,
    createHttpHeaders: pipeline.createHttpHeaders,
  };
}
type Sdks = Awaited<ReturnType<typeof loadSdks>>;
let sdks: Promise<Sdks> | null = null;
const microsoftSdks = (): Promise<Sdks> => (sdks ??= loadSdks());

/** A token from Entra ID goes into an Authorization header only when it is a bearer token. */
function bearerOnly(token: AccessToken | null): AccessToken | null {
  if (token && !isBearerToken(token.token)) {
    throw new MdmSourceFailure(
      'intune',
      'Entra ID answered with an access token that is not a bearer token; it was not used.',
      "Check the authority host in Settings → Integrations: it must be Entra ID itself (leave it empty for the public cloud, or your national cloud's).",
    );
  }
  return token;
}

/** One credential and Graph client for one run; renewed once when Graph says the token is no longer valid. */
class GraphSession {
  client!: Client;
  readonly origin: string;

  constructor(
    readonly sdk: Sdks,
    private readonly settings: IntuneSettings,
    private readonly dispatcher: Dispatcher,
    private readonly limits: TransportLimits,
    private readonly metrics: OutboundMetrics,
  ) {
    this.origin = settings.graphBaseUrl ?? PUBLIC_GRAPH;
    this.renew();
  }

  credential!: TokenCredential;
  /** Set when the transport refused to send the secret where the authority's metadata pointed. */
  refusal: MdmSourceFailure | null = null;

  get scope(): string {
    return `${this.origin}/.default`;
  }

  /** A fresh credential drops MSAL's cached token, so the next call asks Entra for a new one. */
  renew(): void {
    const authorityHost = this.settings.authorityHost ?? PUBLIC_AUTHORITY;
    const { ClientSecretCredential, Client, TokenCredentialAuthenticationProvider, AuthenticationHandler, GraphClientError } = this.sdk;
    this.refusal = null;
    const credential = new ClientSecretCredential(this.settings.tenantId, this.settings.clientId, this.settings.clientSecret ?? '', {
      authorityHost,
      disableInstanceDiscovery: !KNOWN_AUTHORITIES.has(authorityHost),
      httpClient: entraHttpClient(this.dispatcher, this.sdk.createHttpHeaders, this.limits, (status) => this.metrics.answered('entra', status), new URL(authorityHost).origin, (refusal) => (this.refusal = refusal)),
      retryOptions: { maxRetries: 2 },
    });
    this.credential = { getToken: async (scopes, options) => bearerOnly(await credential.getToken(scopes, options)) };
    // Our own chain: the bearer, then one fetch. No redirect or retry handler of the SDK's: a redirect is
    // never followed, and retries are the run's (bounded wait, renewal on 401).
    const chain = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(this.credential, { scopes: [this.scope] }));
    chain.setNext(graphFetchHandler(this.dispatcher, this.limits, GraphClientError, (status) => this.metrics.answered('graph', status)));
    this.client = Client.initWithMiddleware({
      middleware: chain,
      baseUrl: `${this.origin}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(this.origin).hostname]),
    });
  }
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
      // Graph ignores a filter it cannot apply and returns every device: keep only true matches.
      const wanted = serial.trim().toUpperCase();
      return mapEntries(page.value, 0, fromManagedDevice, 'the Microsoft Graph answer')
        .devices.filter((device) => device.serialNumber?.trim().toUpperCase() === wanted);
    } catch (error) {
      throw await this.failure(error, settings, session);
    }
  }
}
