import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { mintTls, type EmulatorTls } from '../tls.js';
import { delay, startHttpsServer, type Reply, type RunningServer } from '../https-server.js';
import { BAD_ENTRIES, HostileHost, htmlReply, oversizedReply, gzipBombReply, nestedJson, never, stalledReply, tricklingReply, startForeignListener, throttleNow, withInvisible, type ForeignListener } from '../hostile.js';
import type { JamfRecord } from './apple-fleet.js';

export interface JamfApiClient {
  clientId: string;
  secret: string;
  privileges?: Array<'Read Computers' | 'Read Mobile Devices'>;
}

export interface JamfFaults {
  /** Which computers-inventory versions exist (default: all of v1–v4). */
  computerVersions?: Array<'v1' | 'v2' | 'v3' | 'v4'>;
  /** Only the unversioned /api/oauth/token path exists (an older server). */
  legacyTokenPathOnly?: boolean;
  tokenLifetimeSeconds?: number;
  /** Tokens stop working after this many API calls each. */
  tokenExpiresAfterCalls?: number;
  /** Request number (counting inventory calls from 1) → status to answer once. */
  failCalls?: Map<number, 429 | 500 | 502 | 503>;
  slowPageMs?: number;
}

interface Issued {
  clientId: string;
  expiresAt: number;
  calls: number;
}

const MAX_PAGE_SIZE = 2000;
const ALL_SECTIONS: Record<string, string> = {
  GENERAL: 'general', HARDWARE: 'hardware', OPERATING_SYSTEM: 'operatingSystem', USER_AND_LOCATION: 'userAndLocation', STORAGE: 'storage',
};
const COMPUTER_SECTION_KEYS = ['general', 'diskEncryption', 'purchasing', 'applications', 'storage', 'userAndLocation', 'configurationProfiles', 'printers', 'services', 'hardware', 'localUserAccounts', 'certificates', 'attachments', 'packageReceipts', 'security', 'operatingSystem', 'licensedSoftware', 'ibeacons', 'softwareUpdates', 'extensionAttributes', 'contentCaching', 'groupMemberships'];

function apiError(status: number, code: string, description: string): Reply {
  return { status, pretty: true, body: { httpStatus: status, errors: [{ code, description, id: '0', field: null }] } };
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description, error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#section-5.2' } };
}

function get(record: JamfRecord, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), record);
}

/** The RSQL this module sends: field=="value" with \\" and \\\\ escapes. */
function rsqlEquals(filter: string): { field: string; value: string } | null {
  const match = /^([\w.]+)=="((?:[^"\\]|\\.)*)"$/.exec(filter.trim());
  return match ? { field: match[1]!, value: match[2]!.replace(/\\(.)/g, '$1') } : null;
}

/**
 * Jamf Pro's API as the connector meets it: both OAuth token paths, computers-inventory v1–v4,
 * mobile-devices/detail, RSQL serial filters, page-size clamped at 2000, ApiError and OAuth bodies,
 * token expiry, privileges, sticky-session cookies, and a count of concurrent requests.
 */
export class JamfEmulator extends HostileHost {
  computers: JamfRecord[] = [];
  mobiles: JamfRecord[] = [];
  readonly clients = new Map<string, JamfApiClient>();
  faults: JamfFaults = {};
  readonly stats = { tokenRequests: 0, inventoryCalls: 0, detailCalls: 0, withStickyCookie: 0, mostCookiesSent: 0, inFlight: 0, maxInFlight: 0, versionsAsked: [] as string[] };
  private readonly tokens = new Map<string, Issued>();

  private constructor(server: RunningServer, tls: EmulatorTls, foreign: ForeignListener) {
    super(server, tls, foreign);
  }

  static async start(port = 0): Promise<JamfEmulator> {
    const tls = await mintTls('Jamf Pro');
    let emulator: JamfEmulator | null = null;
    const server = await startHttpsServer(tls, (request, url, body) => emulator!.handle(request, url, body), port);
    const foreign = await startForeignListener(tls, () => ({ status: 200, body: { totalCount: 1, results: [{ id: '1', hardware: { serialNumber: 'FOREIGN-1' } }] } }));
    emulator = new JamfEmulator(server, tls, foreign);
    return emulator;
  }

  private async handle(request: IncomingMessage, url: URL, body: string): Promise<Reply> {
    const path = url.pathname;
    const control = await this.control(request.method, path, body);
    if (control) return control;
    if (request.method === 'POST' && (path === '/api/v1/oauth/token' || path === '/api/oauth/token')) {
      if (path === '/api/v1/oauth/token' && this.faults.legacyTokenPathOnly) return apiError(404, 'NOT_FOUND', 'Not Found');
      return this.token(new URLSearchParams(body));
    }
    const computers = /^\/api\/(v[1-4])\/computers-inventory$/.exec(path);
    if (request.method === 'GET' && computers) {
      const version = computers[1] as 'v1' | 'v2' | 'v3' | 'v4';
      this.stats.versionsAsked.push(version);
      if (!(this.faults.computerVersions ?? ['v1', 'v2', 'v3', 'v4']).includes(version)) return apiError(404, 'NOT_FOUND', 'Not Found');
      return this.inventory(request, url, 'Read Computers', this.computers, (c) => this.computerView(c, version, url), 'id', (c) => c);
    }
    const computer = /^\/api\/(v[1-4])\/computers-inventory\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && computer) {
      const version = computer[1]!;
      if (!(this.faults.computerVersions ?? ['v1', 'v2', 'v3', 'v4']).includes(version as 'v1')) return apiError(404, 'NOT_FOUND', 'Not Found');
      const denied = this.refused(request, 'Read Computers');
      if (denied) return denied;
      this.stats.detailCalls += 1;
      const record = this.listed(this.computers, (r) => get(r, 'hardware.serialNumber')).find((c) => String(c.id) === decodeURIComponent(computer[2]!));
      return record ? { status: 200, pretty: true, body: this.computerView(record, version, url) } : apiError(404, 'NOT_FOUND', `Computer ${computer[2]} not found`);
    }
    if (request.method === 'GET' && path === '/api/v2/mobile-devices/detail') {
      // Mobile-device filters use flat names (serialNumber), computers' dotted ones (hardware.serialNumber).
      return this.inventory(request, url, 'Read Mobile Devices', this.mobiles, (m) => this.sectionsOnly(m, url, ['mobileDeviceId', 'deviceType']), 'mobileDeviceId', (m) => ({ ...m, serialNumber: get(m, 'hardware.serialNumber') }));
    }
    return apiError(404, 'NOT_FOUND', 'Not Found');
  }

  private token(form: URLSearchParams): Reply {
    this.stats.tokenRequests += 1;
    const client = this.clients.get(form.get('client_id') ?? '');
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'OAuth 2.0 Parameter: grant_type');
    if (!client || client.secret !== form.get('client_secret')) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const lifetime = this.faults.tokenLifetimeSeconds ?? 599;
    const value = Buffer.from(randomUUID()).toString('base64url');
    this.tokens.set(value, { clientId: client.clientId, expiresAt: Date.now() + lifetime * 1000, calls: 0 });
    return {
      status: 200,
      headers: { 'Set-Cookie': `APIBALANCEID=api.node${1 + (this.stats.tokenRequests % 3)}; Path=/; Secure; HttpOnly` },
      body: { access_token: this.hostile.tokenNotBearer ? `${value}\r\nX-Injected: yes` : value, scope: 'api-role:2', token_type: 'Bearer', expires_in: lifetime },
    };
  }

  private sectionsOnly(record: JamfRecord, url: URL, always: string[]): JamfRecord {
    const asked = new Set(url.searchParams.getAll('section').map((s) => ALL_SECTIONS[s]).filter(Boolean));
    if (asked.size === 0) asked.add('general');
    const view: JamfRecord = {};
    for (const key of always) view[key] = record[key];
    for (const key of Object.keys(record)) if (!always.includes(key)) view[key] = asked.has(key) ? record[key] : null;
    return view;
  }

  private computerView(record: JamfRecord, version: string, url: URL): JamfRecord {
    const view = this.sectionsOnly(record, url, ['id', 'udid']);
    for (const key of COMPUTER_SECTION_KEYS) if (!(key in view)) view[key] = null;
    const general = view.general as Record<string, unknown> | null;
    if (general) {
      // v4 renamed lastContactTime to lastContact.
      const { lastContact, lastContactTime, ...rest } = general;
      view.general = version === 'v4' ? { ...rest, lastContact } : { ...rest, lastContactTime };
    }
    return view;
  }

  /** The bearer and privilege check every API route makes; null when the call may go on. */
  private refused(request: IncomingMessage, privilege: string): Reply | null {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token) return apiError(401, 'INVALID_TOKEN', 'Unauthorized');
    token.calls += 1;
    if (Date.now() > token.expiresAt || (this.faults.tokenExpiresAfterCalls !== undefined && token.calls > this.faults.tokenExpiresAfterCalls)) {
      return apiError(401, 'INVALID_TOKEN', 'Unauthorized');
    }
    const client = this.clients.get(token.clientId)!;
    if (!(client.privileges ?? ['Read Computers', 'Read Mobile Devices']).includes(privilege as never)) {
      return apiError(403, 'INVALID_PRIVILEGE', `Forbidden: requires privilege ${privilege}`);
    }
    return null;
  }

  private async inventory(
    request: IncomingMessage,
    url: URL,
    privilege: string,
    records: JamfRecord[],
    view: (record: JamfRecord) => JamfRecord,
    idField: string,
    filterable: (record: JamfRecord) => JamfRecord,
  ): Promise<Reply> {
    this.stats.inFlight += 1;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
    try {
      const call = ++this.stats.inventoryCalls;
      if ((request.headers.cookie ?? '').includes('APIBALANCEID=')) this.stats.withStickyCookie += 1;
      this.stats.mostCookiesSent = Math.max(this.stats.mostCookiesSent, (request.headers.cookie ?? '').split(';').filter((c) => c.includes('=')).length);
      const denied = this.refused(request, privilege);
      if (denied) return denied;
      if (this.faults.slowPageMs) await delay(this.faults.slowPageMs);
      const injected = this.faults.failCalls?.get(call);
      if (injected) return injected === 429 ? { ...apiError(429, 'TOO_MANY_REQUESTS', 'Too Many Requests'), headers: { 'Retry-After': '0' } } : apiError(injected, 'SERVER_ERROR', 'Server error');

      let items = this.listed(records, (r) => get(r, 'hardware.serialNumber'));
      const filter = url.searchParams.get('filter');
      if (filter && !this.hostile.ignoresFilter) {
        const rsql = rsqlEquals(filter);
        if (!rsql) return apiError(400, 'INVALID_RSQL_FILTER', `Invalid filter: ${filter}`);
        items = items.filter((item) => String(get(filterable(item), rsql.field) ?? '') === rsql.value);
      }
      const sort = url.searchParams.get('sort') ?? '';
      if (sort.startsWith(`${idField}:`)) {
        const direction = sort.endsWith(':desc') ? -1 : 1;
        items = [...items].sort((a, b) => (Number(a[idField]) - Number(b[idField])) * direction);
      }
      const page = Math.max(0, Number(url.searchParams.get('page') ?? 0));
      const size = Math.min(Math.max(1, Number(url.searchParams.get('page-size') ?? 100)), MAX_PAGE_SIZE);
      const hostile = this.hostilePage(page, url);
      if (hostile) return hostile;
      const h = this.hostile;
      const garbled = new Set(h.garbledSerialIds ?? []);
      const garble = (record: JamfRecord): JamfRecord => {
        const id = record.mobileDeviceId !== undefined ? `mobile-${record.mobileDeviceId}` : `computer-${record.id}`;
        if (!garbled.has(id) || !record.hardware) return record;
        return { ...record, hardware: { ...(record.hardware as object), serialNumber: `${get(record, 'hardware.serialNumber')}\u0007` } };
      };
      let results: unknown[] = items.slice(page * size, page * size + size).map(view).map(garble);
      if (h.badEntries && page === 0 && records === this.computers) results = [...BAD_ENTRIES, ...results];
      if (h.floodEntries && page === 0 && records === this.computers) results = new Array<number>(h.floodEntries).fill(0);
      if (h.unreadablePages && records === this.computers) results = new Array<number>(h.unreadablePages).fill(0);
      if (h.longModel && page === 0 && records === this.computers && results[0]) {
        const first = results[0] as JamfRecord;
        results[0] = { ...first, hardware: { ...(first.hardware as object), model: 'M'.repeat(h.longModel) } };
      }
      if (h.halfCharacterIn && page === 0 && records === this.computers && results[0]) {
        const first = results[0] as JamfRecord;
        const cut = (field: 'serialNumber' | 'id', value: unknown) => (h.halfCharacterIn!.includes(field) ? `${String(value)}\ud800` : value);
        results[0] = { ...first, id: cut('id', first.id), hardware: { ...(first.hardware as object), serialNumber: cut('serialNumber', get(first, 'hardware.serialNumber')) } };
      }
      if (h.controlsInName && page === 0 && records === this.computers && results[0]) {
        const first = results[0] as JamfRecord;
        const named = (text: unknown) => `${h.controlsInName}${String(text)}`;
        results[0] = { ...first, general: { ...(first.general as object), name: named(get(first, 'general.name')) }, hardware: { ...(first.hardware as object), model: named(get(first, 'hardware.model')) } };
      }
      if (h.invisibleInSerial && page === 0 && records === this.computers && results[0]) {
        const first = results[0] as JamfRecord;
        results[0] = { ...first, hardware: { ...(first.hardware as object), serialNumber: withInvisible(String(get(first, 'hardware.serialNumber')), h.invisibleInSerial) } };
      }
      if (h.oddlyTypedTwin && page === 0 && records === this.computers && results[0]) {
        const first = results[0] as JamfRecord;
        const storage = first.storage as { disks?: unknown[] } | undefined;
        results = [...results];
        results.splice(1, 0, {
          ...first,
          id: '999999',
          general: { ...(first.general as object), lastContact: h.oddlyTypedTwin, lastContactTime: h.oddlyTypedTwin, reportDate: h.oddlyTypedTwin },
          storage: { ...storage, disks: [null, ...(storage?.disks ?? [])] },
        });
      }
      const totalCount = h.totalCount ?? items.length;
      if (h.oddJson === 'cut-short') return { status: 200, body: JSON.stringify({ totalCount, results }).slice(0, 200) };
      if (h.totalCountDepth) return { status: 200, body: `{"totalCount":${nestedJson(h.totalCountDepth)},"results":${JSON.stringify(results)}}` };
      if (h.oddJson === 'no-array') return { status: 200, pretty: true, body: { totalCount, result: results } };
      const flood: Record<string, string[]> = h.cookieFlood ? { 'Set-Cookie': Array.from({ length: h.cookieFlood }, (_, i) => `flood-${call}-${i}=${'c'.repeat(64)}; Path=/`) } : {};
      return { status: 200, pretty: true, gzip: !!h.compressPages, headers: flood, body: { totalCount, results: h.oddJson === 'object-for-array' ? { computers: results } : results } };
    } finally {
      this.stats.inFlight -= 1;
    }
  }

  private hostilePage(page: number, url: URL): Promise<Reply> | Reply | null {
    const h = this.hostile;
    if (h.hangPage === page) return never();
    if (h.stallBodyPage === page) return stalledReply();
    if (h.tricklePage === page) return tricklingReply();
    if (throttleNow(h)) return { ...apiError(429, 'TOO_MANY_REQUESTS', 'Too Many Requests'), headers: { 'Retry-After': '0' } };
    if (h.retryAfterSeconds !== undefined) return { ...apiError(429, 'TOO_MANY_REQUESTS', 'Too Many Requests'), headers: { 'Retry-After': String(h.retryAfterSeconds) } };
    if (h.htmlPage) return htmlReply();
    if (h.oversizedPageBytes) return oversizedReply(h.oversizedPageBytes);
    if (h.gzipBombPageBytes) return gzipBombReply(h.gzipBombPageBytes);
    if (h.errorAnswer) return { status: h.errorAnswer.status, body: h.errorAnswer.text };
    if (h.redirectToForeign) return { status: 302, headers: { location: `${this.foreign.url}${url.pathname}${url.search}` }, body: '' };
    return null;
  }
}
