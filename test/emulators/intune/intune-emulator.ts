import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { mintTls, type EmulatorTls } from '../tls.js';
import { delay, startHttpsServer, type Reply, type RunningServer } from '../https-server.js';
import { BAD_ENTRIES, HostileHost, htmlReply, oversizedReply, gzipBombReply, never, stalledReply, tricklingReply, startForeignListener, throttleNow, withInvisible, type ForeignListener } from '../hostile.js';
import type { GraphDevice } from './graph-fleet.js';

export interface EmulatedClient {
  clientId: string;
  secret: string;
  secretExpired?: boolean;
  /** Admin consent for DeviceManagementManagedDevices.Read.All; without it tokens carry no roles. */
  consented?: boolean;
  hasServicePrincipal?: boolean;
}

export interface EmulatedTenant {
  tenantId: string;
  clients: EmulatedClient[];
  devices: GraphDevice[];
}

export interface IntuneFaults {
  /** Page index (0-based) → how many times to answer 429 and with which Retry-After (null: none). */
  throttle?: Map<number, { times: number; retryAfter: string | null }>;
  /** Page index → how many times to answer this 5xx status. */
  serverErrors?: Map<number, { times: number; status: 500 | 502 | 503 | 504 }>;
  /** Every page answers this much later. */
  slowPageMs?: number;
  /** expires_in of new tokens. */
  tokenLifetimeSeconds?: number;
  /** Tokens stop working after this many Graph calls each (an expiry the client did not foresee). */
  tokenExpiresAfterCalls?: number;
}

interface IssuedToken {
  tenantId: string;
  clientId: string;
  roles: string[];
  expiresAt: number;
  calls: number;
}

const PERMISSION = 'DeviceManagementManagedDevices.Read.All';
const DEFAULT_TOP = 1000;

function aadError(status: number, error: string, code: number, description: string): Reply {
  const trace = randomUUID();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: trace,
      correlation_id: randomUUID(),
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function graphError(status: number, code: string, message: string, extraHeaders: Record<string, string> = {}): Reply {
  const date = new Date().toISOString().slice(0, 19);
  return { status, headers: extraHeaders, body: { error: { code, message, innerError: { date, 'request-id': randomUUID(), 'client-request-id': randomUUID() } } } };
}

function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.${Buffer.from(randomUUID()).toString('base64url')}`;
}

function project(device: GraphDevice, select: string[] | null): GraphDevice {
  if (!select) return device;
  return Object.fromEntries(select.map((f) => [f, device[f] ?? null]));
}

/**
 * Entra ID (openid-configuration, client-credentials token) and Microsoft Graph managedDevices, over
 * TLS with a CA minted at start, answering as the real services do — including their errors.
 */
export class IntuneEmulator extends HostileHost {
  readonly tenants = new Map<string, EmulatedTenant>();
  private currentFaults: IntuneFaults = {};
  readonly stats = { tokenRequests: 0, metadataRequests: 0, graphRequests: 0, throttled: 0 };
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly pageHits = new Map<string, number>();

  private constructor(server: RunningServer, tls: EmulatorTls, foreign: ForeignListener) {
    super(server, tls, foreign);
  }

  static async start(tenants: EmulatedTenant[] = [], port = 0): Promise<IntuneEmulator> {
    const tls = await mintTls('Intune');
    let emulator: IntuneEmulator | null = null;
    const server = await startHttpsServer(tls, (request, url, body) => emulator!.handle(request, url, body), port);
    // Another origin on this machine that serves devices to anyone who asks, and notes who did.
    const foreign = await startForeignListener(tls, () => ({
      status: 200,
      body: { value: [{ id: 'f0000000-0000-4000-8000-000000000001', serialNumber: 'FOREIGN-1', deviceName: 'Foreign', operatingSystem: 'Windows' }] },
    }));
    emulator = new IntuneEmulator(server, tls, foreign);
    for (const tenant of tenants) emulator.tenants.set(tenant.tenantId, tenant);
    return emulator;
  }

  get faults(): IntuneFaults {
    return this.currentFaults;
  }

  /** New fault switches start counting page hits afresh. */
  set faults(faults: IntuneFaults) {
    this.currentFaults = faults;
    this.pageHits.clear();
  }

  protected override hostileChanged(): void {
    this.pageHits.clear();
  }

  private async handle(request: IncomingMessage, url: URL, body: string): Promise<Reply> {
    const control = await this.control(request.method, url.pathname, body);
    if (control) return control;
    const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (metadata && request.method === 'GET') return this.openidConfiguration(metadata[1]!);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && request.method === 'POST') {
      if (this.hostile.tokenAnswer === 'stalls') return stalledReply();
      if (this.hostile.tokenAnswer === 'trickles') return tricklingReply();
      if (this.hostile.tokenAnswer === 'unpacks-too-large') return gzipBombReply(9 * 1024 * 1024);
      return this.token(token[1]!, new URLSearchParams(body));
    }
    if (url.pathname === '/v1.0/deviceManagement/managedDevices' && request.method === 'GET') return this.managedDevices(request, url);
    const one = /^\/v1\.0\/deviceManagement\/managedDevices\/([^/]+)$/.exec(url.pathname);
    if (one && request.method === 'GET') return this.managedDevice(request, decodeURIComponent(one[1]!), url);
    return graphError(404, 'ResourceNotFound', `Resource not found for the segment '${url.pathname}'.`);
  }

  private openidConfiguration(tenantId: string): Reply {
    this.stats.metadataRequests += 1;
    if (this.hostile.metadataUnpacksTooLarge) return { ...gzipBombReply(9 * 1024 * 1024), status: 400 };
    if (!this.tenants.has(tenantId)) return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const base = `${this.url}/${tenantId}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${this.hostile.foreignTokenEndpoint ? `${this.foreign.url}/${tenantId}` : base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      },
    };
  }

  private token(tenantId: string, form: URLSearchParams): Reply {
    this.stats.tokenRequests += 1;
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    if (form.get('grant_type') !== 'client_credentials') return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const clientId = form.get('client_id') ?? '';
    const client = tenant.clients.find((c) => c.clientId === clientId);
    if (!client) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`);
    if (client.hasServicePrincipal === false) return aadError(401, 'invalid_client', 7000229, `The client application ${clientId} is missing service principal in the tenant ${tenantId}.`);
    if (form.get('client_secret') !== client.secret) return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.');
    if (client.secretExpired) return aadError(401, 'invalid_client', 7000222, `The provided client secret keys for app '${clientId}' are expired.`);
    const lifetime = this.faults.tokenLifetimeSeconds ?? 3599;
    const roles = client.consented === false ? [] : [PERMISSION];
    const accessToken = fakeJwt({ aud: 'https://graph.microsoft.com', tid: tenantId, appid: clientId, roles, exp: Math.floor(Date.now() / 1000) + lifetime });
    this.tokens.set(accessToken, { tenantId, clientId, roles, expiresAt: Date.now() + lifetime * 1000, calls: 0 });
    const sent = this.hostile.tokenNotBearer ? `${accessToken}\r\nX-Injected: yes` : accessToken;
    return { status: 200, body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: sent } };
  }

  /** The bearer and permission check of every Graph call: the caller's token, or the refusal. */
  private signedIn(request: IncomingMessage): { token: IssuedToken } | { refused: Reply } {
    this.stats.graphRequests += 1;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token) return { refused: graphError(401, 'InvalidAuthenticationToken', bearer ? 'Invalid JWT token.' : 'Access token is empty.') };
    token.calls += 1;
    const expiredByCalls = this.faults.tokenExpiresAfterCalls !== undefined && token.calls > this.faults.tokenExpiresAfterCalls;
    if (Date.now() > token.expiresAt || expiredByCalls) return { refused: graphError(401, 'InvalidAuthenticationToken', 'Access token has expired.') };
    if (!token.roles.includes(PERMISSION)) {
      const inner = JSON.stringify({ _version: 3, Message: `Application is not authorized to perform this operation. Application must have one of the following scopes: ${PERMISSION}, DeviceManagementManagedDevices.ReadWrite.All - Operation ID (for customer support): ${randomUUID()}` });
      return { refused: graphError(403, 'Forbidden', inner) };
    }
    return { token };
  }

  /** GET managedDevices/{id}: one device, or 404 once it was wiped and removed. */
  private managedDevice(request: IncomingMessage, id: string, url: URL): Reply {
    const signed = this.signedIn(request);
    if ('refused' in signed) return signed.refused;
    const tenant = this.tenants.get(signed.token.tenantId)!;
    const device = this.listed(tenant.devices, (d) => d.serialNumber).find((d) => d.id === id);
    if (!device) return graphError(404, 'ResourceNotFound', `The requested resource does not exist. managedDevices('${id}')`);
    const select = url.searchParams.get('$select')?.split(',').map((f) => f.trim()) ?? null;
    return { status: 200, body: { '@odata.context': `${this.url}/v1.0/$metadata#deviceManagement/managedDevices/$entity`, ...project(device, select) } };
  }

  private async managedDevices(request: IncomingMessage, url: URL): Promise<Reply> {
    const signed = this.signedIn(request);
    if ('refused' in signed) return signed.refused;
    const token = signed.token;
    const tenant = this.tenants.get(token.tenantId)!;
    const skip = url.searchParams.get('$skiptoken');
    const state = skip ? (JSON.parse(Buffer.from(skip, 'base64url').toString()) as { offset: number; select: string[] | null; filter: string | null }) : null;
    const top = Math.min(Math.max(1, Number(url.searchParams.get('$top') ?? DEFAULT_TOP) || DEFAULT_TOP), DEFAULT_TOP);
    const select = state ? state.select : url.searchParams.get('$select')?.split(',').map((s) => s.trim()) ?? null;
    const filter = state ? state.filter : url.searchParams.get('$filter');
    const offset = state?.offset ?? 0;
    const pageIndex = Math.floor(offset / top);

    const fault = await this.pageFault(token.clientId, pageIndex);
    if (fault) return fault;
    const hostile = this.hostilePage(pageIndex, url);
    if (hostile) return hostile;
    const h = this.hostile;

    // Graph honours this one filter on managed devices; other filters are silently ignored.
    const serial = filter && !this.hostile.ignoresFilter ? /^serialNumber eq '((?:[^']|'')*)'$/.exec(filter.trim())?.[1]?.replace(/''/g, "'") : undefined;
    const listed = this.listed(tenant.devices, (d) => d.serialNumber);
    const matching = serial !== undefined ? listed.filter((d) => String(d.serialNumber ?? '').toLowerCase() === serial.toLowerCase()) : listed;
    const garbled = new Set(h.garbledSerialIds ?? []);
    let value: unknown[] = h.emptyPagesForever ? [] : matching.slice(offset, offset + top).map((d) => project(garbled.has(String(d.id)) ? { ...d, serialNumber: `${d.serialNumber}\u0007` } : d, select));
    if (h.badEntries && pageIndex === 0) value = [...BAD_ENTRIES, ...value];
    if (h.floodEntries && pageIndex === 0) value = new Array<number>(h.floodEntries).fill(0);
    if (h.unreadablePages) value = new Array<number>(h.unreadablePages).fill(0);
    if (h.modelLength) value = value.map((device) => ({ ...(device as object), model: `${String((device as { model?: unknown }).model ?? '')} `.padEnd(h.modelLength!, 'x') }));
    if (h.longModel && pageIndex === 0 && value[0]) value[0] = { ...(value[0] as object), model: 'M'.repeat(h.longModel) };
    if (h.halfCharacterIn && pageIndex === 0 && value[0]) {
      const first = value[0] as Record<string, unknown>;
      value[0] = { ...first, ...Object.fromEntries(h.halfCharacterIn.map((field) => [field, `${String(first[field])}\ud800`])) };
    }
    if (h.controlsInName && pageIndex === 0 && value[0]) {
      const first = value[0] as Record<string, unknown>;
      value[0] = { ...first, deviceName: `${h.controlsInName}${String(first.deviceName)}`, model: `${h.controlsInName}${String(first.model)}` };
    }
    if (h.invisibleInSerial && pageIndex === 0 && value[0]) {
      const first = value[0] as { serialNumber: string };
      value[0] = { ...first, serialNumber: withInvisible(first.serialNumber, h.invisibleInSerial) };
    }
    if (h.oddlyTypedTwin && pageIndex === 0 && value[0]) {
      const first = value[0] as { id: string };
      value.splice(1, 0, { ...first, id: `${first.id}-twin`, lastSyncDateTime: h.oddlyTypedTwin });
    }
    const context = `${this.url}/v1.0/$metadata#deviceManagement/managedDevices${select ? `(${select.join(',')})` : ''}`;
    const body: Record<string, unknown> = { '@odata.context': context, '@odata.count': value.length };
    if (offset + top < matching.length || h.emptyPagesForever || h.nextLinkLoop) {
      const next = Buffer.from(JSON.stringify({ offset: offset + top, select, filter })).toString('base64url');
      const path = `/v1.0/deviceManagement/managedDevices?$top=${top}&$skiptoken=${next}`;
      const foreignOrigin = h.foreignNextLink === 'other-port' ? this.foreign.url : h.foreignNextLink === 'other-host' ? `https://localhost:${this.foreign.port}` : null;
      if (h.nextLinkLoop) body['@odata.nextLink'] = `${this.url}${url.pathname}${url.search}`;
      else body['@odata.nextLink'] = `${foreignOrigin && pageIndex === 0 ? foreignOrigin : this.url}${path}`;
      if (h.longNextLink && pageIndex === 0) body['@odata.nextLink'] = `${this.url}${path}&$filler=${'x'.repeat(Math.max(0, h.longNextLink - this.url.length - path.length - 9))}`;
    }
    if (h.oddJson === 'no-array') body.values = value;
    else body.value = h.oddJson === 'object-for-array' ? { devices: value } : value;
    if (h.oddJson === 'cut-short') return { status: 200, body: JSON.stringify(body).slice(0, 200) };
    return { status: 200, body, gzip: !!h.compressPages };
  }

  private hostilePage(pageIndex: number, url: URL): Promise<Reply> | Reply | null {
    const h = this.hostile;
    if (h.hangPage === pageIndex) return never();
    if (h.stallBodyPage === pageIndex) return stalledReply();
    if (h.tricklePage === pageIndex) return tricklingReply();
    if (throttleNow(h)) return graphError(429, 'TooManyRequests', 'Too many requests.', { 'Retry-After': '0' });
    if (h.retryAfterSeconds !== undefined) return graphError(429, 'TooManyRequests', 'Too many requests.', { 'Retry-After': String(h.retryAfterSeconds) });
    if (h.htmlPage) return htmlReply();
    if (h.oversizedPageBytes) return oversizedReply(h.oversizedPageBytes);
    if (h.gzipBombPageBytes) return gzipBombReply(h.gzipBombPageBytes);
    if (h.errorAnswer) return { status: h.errorAnswer.status, body: h.errorAnswer.text };
    if (h.redirectToForeign) return { status: 302, headers: { location: `${this.foreign.url}${url.pathname}${url.search}` }, body: '' };
    return null;
  }

  private async pageFault(clientId: string, pageIndex: number): Promise<Reply | null> {
    if (this.faults.slowPageMs) await delay(this.faults.slowPageMs);
    const key = `${clientId}:${pageIndex}`;
    const hits = (this.pageHits.get(key) ?? 0) + 1;
    this.pageHits.set(key, hits);
    const throttle = this.faults.throttle?.get(pageIndex);
    if (throttle && hits <= throttle.times) {
      this.stats.throttled += 1;
      const headers: Record<string, string> = throttle.retryAfter === null ? {} : { 'Retry-After': throttle.retryAfter };
      return graphError(429, 'TooManyRequests', 'Too many requests from Identifier:' + clientId + ' under category:throttle-intune.', headers);
    }
    const failure = this.faults.serverErrors?.get(pageIndex);
    const already = throttle ? throttle.times : 0;
    if (failure && hits - already <= failure.times) return graphError(failure.status, 'ServiceUnavailable', 'The service is temporarily unavailable.');
    return null;
  }
}
