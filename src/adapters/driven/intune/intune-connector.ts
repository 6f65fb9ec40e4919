import type { ClientSecretCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici';
import type { IntuneSettings } from '../../../domain/connectors/connector-settings.js';
import type { MdmDevice } from '../../../domain/hardware/mdm-device.js';
import type { ConnectionCheck, MdmConnector } from '../../../application/ports/mdm-connector.js';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import { outboundDispatcher, type OutboundOptions } from '../http/outbound.js';
import { entraHttpClient } from './entra-http-client.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, RetriesExhausted, withRetries, type RetryPolicy, type RetryVerdict } from '../http/retry.js';
import { startPrefetch } from '../http/prefetch.js';
import { fromManagedDevice, MANAGED_DEVICE_FIELDS } from './graph-managed-device.js';
import { describeIntuneFailure } from './intune-failures.js';

const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
const PUBLIC_GRAPH = 'https://graph.microsoft.com';
const KNOWN_AUTHORITIES = new Set([PUBLIC_AUTHORITY, 'https://login.microsoftonline.us', 'https://login.chinacloudapi.cn']);
/** Graph's largest page of managed devices. */
const PAGE_SIZE = 1000;
const THROTTLED = new Set([429, 503, 504]);

export interface IntuneConnectorOptions extends OutboundOptions {
  retry?: RetryPolicy;
}

/** The Microsoft SDKs, loaded when the Intune connector is first used rather than at start-up. */
async function loadSdks() {
  const [identity, graph, provider, pipeline] = await Promise.all([
    import('@azure/identity'),
    import('@microsoft/microsoft-graph-client'),
    import('@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js'),
    import('@azure/core-rest-pipeline'),
  ]);
  return {
    ClientSecretCredential: identity.ClientSecretCredential,
    Client: graph.Client,
    GraphError: graph.GraphError,
    RetryHandlerOptions: graph.RetryHandlerOptions,
    TokenCredentialAuthenticationProvider: provider.TokenCredentialAuthenticationProvider,
    createHttpHeaders: pipeline.createHttpHeaders,
  };
}
type Sdks = Awaited<ReturnType<typeof loadSdks>>;
let sdks: Promise<Sdks> | null = null;

interface GraphPage {
  value?: unknown[];
  '@odata.nextLink'?: string;
}

/** One credential and Graph client for one run; renewed once when Graph says the token is no longer valid. */
class GraphSession {
  client!: Client;
  readonly origin: string;

  constructor(
    readonly sdk: Sdks,
    private readonly settings: IntuneSettings,
    private readonly dispatcher: Dispatcher,
  ) {
    this.origin = settings.graphBaseUrl ?? PUBLIC_GRAPH;
    this.renew();
  }

  credential!: ClientSecretCredential;

  get scope(): string {
    return `${this.origin}/.default`;
  }

  /** A fresh credential drops MSAL's cached token, so the next call asks Entra for a new one. */
  renew(): void {
    const authorityHost = this.settings.authorityHost ?? PUBLIC_AUTHORITY;
    const { ClientSecretCredential, Client, TokenCredentialAuthenticationProvider } = this.sdk;
    this.credential = new ClientSecretCredential(this.settings.tenantId, this.settings.clientId, this.settings.clientSecret ?? '', {
      authorityHost,
      disableInstanceDiscovery: !KNOWN_AUTHORITIES.has(authorityHost),
      httpClient: entraHttpClient(this.dispatcher, this.sdk.createHttpHeaders),
      retryOptions: { maxRetries: 2 },
    });
    this.client = Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(this.credential, { scopes: [this.scope] }),
      baseUrl: `${this.origin}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(this.origin).hostname]),
      fetchOptions: { dispatcher: this.dispatcher } as never,
    });
  }
}

/** Microsoft Intune through Microsoft Graph: every managed device, page by page. */
export class IntuneConnector implements MdmConnector<'intune'> {
  readonly source = 'intune' as const;
  private readonly dispatcher: Dispatcher;
  private readonly retry: RetryPolicy;

  constructor(options: IntuneConnectorOptions = {}) {
    this.dispatcher = outboundDispatcher(options);
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  private async session(settings: IntuneSettings): Promise<GraphSession> {
    sdks ??= loadSdks();
    return new GraphSession(await sdks, settings, this.dispatcher);
  }

  /** One GET with the run's retry policy: throttling and gateway errors wait, an expired token is renewed once. */
  private async get(session: GraphSession, path: string): Promise<GraphPage> {
    let renewed = false;
    const { GraphError, RetryHandlerOptions } = session.sdk;
    const verdict = (error: unknown): RetryVerdict => {
      if (!(error instanceof GraphError)) return { retry: false };
      if (THROTTLED.has(error.statusCode)) {
        return { retry: true, retryAfterMs: parseRetryAfter(error.headers?.get('retry-after')), reason: `Microsoft Graph answered ${error.statusCode}` };
      }
      if (error.statusCode === 401 && !renewed) {
        renewed = true;
        session.renew();
        return { retry: true, retryAfterMs: 0, reason: 'Microsoft Graph answered 401' };
      }
      return { retry: false };
    };
    // Retries are ours (bounded total wait, renewal on 401), so the Graph client's own handler is off.
    return withRetries(() => session.client.api(path).middlewareOptions([new RetryHandlerOptions(0, 0, () => false)]).get(), verdict, this.retry);
  }

  private async failure(error: unknown, settings: IntuneSettings): Promise<MdmSourceFailure> {
    const exhausted = error instanceof RetriesExhausted;
    let described = describeIntuneFailure(exhausted ? error.cause : error);
    // MSAL says only "endpoints_resolution_error": ask the authority directly which it was.
    if (described.cause === 'unknown-tenant') described = ((await this.probeAuthority(settings)) as typeof described | null) ?? described;
    const message = exhausted && described.cause === 'throttled' ? `Microsoft Graph kept throttling: ${error.message}` : described.message;
    return new MdmSourceFailure('intune', message, described.fix, error);
  }

  async *devices(settings: IntuneSettings): AsyncIterable<MdmDevice[]> {
    const session = await this.session(settings);
    let pending: Promise<GraphPage> | null = this.get(session, `/deviceManagement/managedDevices?$select=${MANAGED_DEVICE_FIELDS.join(',')}&$top=${PAGE_SIZE}`);
    while (pending) {
      let page: GraphPage;
      try {
        page = await pending;
      } catch (error) {
        throw await this.failure(error, settings);
      }
      const next = page['@odata.nextLink'];
      // Fetch the next page while this one is imported.
      pending = next ? (await startPrefetch(() => this.get(session, next))).pending : null;
      yield (page.value ?? []).map((raw) => fromManagedDevice(raw as Record<string, unknown>));
    }
  }

  /**
   * MSAL reports every failure to reach the tenant's metadata as "endpoints_resolution_error"; asking
   * for it directly tells a wrong tenant from a network or certificate problem.
   */
  private async probeAuthority(settings: IntuneSettings): Promise<ConnectionCheck | null> {
    const authority = settings.authorityHost ?? PUBLIC_AUTHORITY;
    try {
      const response = await fetch(`${authority}/${encodeURIComponent(settings.tenantId)}/v2.0/.well-known/openid-configuration`, {
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(15_000),
      } as RequestInit);
      if (response.ok) return null;
      return describeIntuneFailure(new Error(await response.text()));
    } catch (error) {
      return describeIntuneFailure(error);
    }
  }

  async testConnection(settings: IntuneSettings): Promise<ConnectionCheck> {
    const unreachable = await this.probeAuthority(settings);
    if (unreachable) return unreachable;
    const session = await this.session(settings);
    try {
      await session.credential.getToken(session.scope);
      await this.get(session, '/deviceManagement/managedDevices?$top=1&$select=id');
    } catch (error) {
      return describeIntuneFailure(error instanceof RetriesExhausted ? error.cause : error);
    }
    return { ok: true, message: `Connected to Microsoft Intune: the app registration can read managed devices (${PUBLIC_GRAPH === session.origin ? 'public cloud' : session.origin}).` };
  }

  async lookupBySerial(settings: IntuneSettings, serial: string): Promise<MdmDevice[]> {
    const session = await this.session(settings);
    const quoted = serial.trim().replace(/'/g, "''");
    try {
      const page = await this.get(session, `/deviceManagement/managedDevices?$filter=${encodeURIComponent(`serialNumber eq '${quoted}'`)}&$select=${MANAGED_DEVICE_FIELDS.join(',')}`);
      // Graph ignores a filter it cannot apply and returns every device: keep only true matches.
      const wanted = serial.trim().toUpperCase();
      return (page.value ?? [])
        .map((raw) => fromManagedDevice(raw as Record<string, unknown>))
        .filter((device) => device.serialNumber?.trim().toUpperCase() === wanted);
    } catch (error) {
      throw await this.failure(error, settings);
    }
  }
}
