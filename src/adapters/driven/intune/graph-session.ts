import { createRequire } from 'node:module';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici';
import type { IntuneSettings } from '../../../domain/connectors/connector-settings.js';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import type { TransportLimits } from '../http/outbound.js';
import { graphFetchHandler } from '../http/graph-fetch-handler.js';
import type { OutboundMetrics } from '../http/outbound-metrics.js';
import { isBearerToken } from '../http/bearer-token.js';
import { entraHttpClient } from './entra-http-client.js';

export const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
export const PUBLIC_GRAPH = 'https://graph.microsoft.com';
const KNOWN_AUTHORITIES = new Set([PUBLIC_AUTHORITY, 'https://login.microsoftonline.us', 'https://login.chinacloudapi.cn']);

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
export const microsoftSdks = (): Promise<Sdks> => (sdks ??= loadSdks());

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
export class GraphSession {
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
