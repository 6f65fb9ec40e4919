import { createServer, type Server } from 'node:https';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { mintTls, type EmulatorTls } from './tls.js';
import type { Reply, RunningServer } from './https-server.js';

/**
 * How an emulated MDM misbehaves, switched at run time through `PUT /_emulator/hostile` (loopback,
 * test use only), so one emulator process serves every case of the reliability suite.
 */
export interface HostileMode {
  /** Graph: the second page's nextLink points at another origin (same host name, other port; or another host name). */
  foreignNextLink?: 'other-port' | 'other-host';
  /** Graph: the first page's nextLink, on the right origin, is this many characters long. */
  longNextLink?: number;
  /** Graph: every page links to itself. */
  nextLinkLoop?: boolean;
  /** Graph: empty pages, each with a link to one more. */
  emptyPagesForever?: boolean;
  /** Jamf: the totalCount announced on every page (a string here is a lie of another type). */
  totalCount?: number | string;
  /** Jamf: the totalCount announced on every page is an array nested this deep. */
  totalCountDepth?: number;
  /** The data pages answer 200 with an HTML sign-in page. */
  htmlPage?: boolean;
  /** The data pages answer JSON of the wrong shape. */
  oddJson?: 'no-array' | 'object-for-array' | 'cut-short';
  /** Some entries of the first page are not device records (null, a number, a wrong-typed id). */
  badEntries?: boolean;
  /** The first page holds this many entries, each the number 0. */
  floodEntries?: number;
  /** Every page of the listing (Jamf: of computers) holds this many entries, each the number 0, and paging goes on as usual. */
  unreadablePages?: number;
  /**
   * The first device of the first page is listed again right after itself, under another id, with this
   * as its check-in time (one that is not an ISO 8601 time); from Jamf that twin also lists a disk that is null.
   */
  oddlyTypedTwin?: string;
  /** The first device of the first page reports these fields ending in half of a character (a lone surrogate, `\ud800` in the JSON). */
  halfCharacterIn?: Array<'serialNumber' | 'id'>;
  /** The first device of the first page reports its device name and its model starting with this text (a terminal's escape sequences, say). */
  controlsInName?: string;
  /** The first device of the first page reports its serial with this (invisible) character after the third: it looks as before. */
  invisibleInSerial?: string;
  /** Listings ignore their filter (a serial lookup's) and answer every device, as Graph does with a filter it cannot apply. */
  ignoresFilter?: boolean;
  /** The first device of the first page reports a model this many characters long. */
  longModel?: number;
  /** Intune: every device reports a model this many characters long (a register whose CSV outgrows a socket's buffers). */
  modelLength?: number;
  /** The page with this 0-based index never answers. */
  hangPage?: number;
  /** The page with this 0-based index sends its headers and the start of its body, then stalls. */
  stallBodyPage?: number;
  /** The page with this 0-based index sends its headers and the start of its body, then a byte every 300 ms, never ending. */
  tricklePage?: number;
  /** Intune: Entra ID's token answer stalls after its headers and first bytes, trickles as `tricklePage` does, or is gzip that unpacks past the bound (9 MiB). */
  tokenAnswer?: 'stalls' | 'trickles' | 'unpacks-too-large';
  /** The token answer's access_token is not a bearer token: a line break and a header follow the token. */
  tokenNotBearer?: boolean;
  /** Intune: the authority's metadata names a token endpoint on the foreign listener. */
  foreignTokenEndpoint?: boolean;
  /** Intune: the authority's metadata answers 400 with gzip that unpacks past the bound (9 MiB). */
  metadataUnpacksTooLarge?: boolean;
  /** Serve a certificate from a CA nobody trusts. */
  untrustedCertificate?: boolean;
  /** Every data page answers 429 with this Retry-After (seconds). */
  retryAfterSeconds?: number;
  /** The next this-many data page requests answer 429 with Retry-After: 0, then pages are served. */
  throttleTimes?: number;
  /** The data pages answer this many bytes of JSON: more than the client reads of one answer. */
  oversizedPageBytes?: number;
  /** Not hostile: the data pages are sent gzip-compressed, as Microsoft and Jamf Cloud send them. */
  compressPages?: boolean;
  /** The data pages answer gzip that unpacks to this many bytes of JSON: small on the wire, large once read. */
  gzipBombPageBytes?: number;
  /** The data pages answer with this status and this text as the body, sent as it is (JSON an MDM might send on a failure). */
  errorAnswer?: { status: number; text: string };
  /** Jamf: every inventory answer sets this many new cookies (Set-Cookie), each under a name not used before. */
  cookieFlood?: number;
  /** The data pages redirect to the foreign listener. */
  redirectToForeign?: boolean;
  /** In listings (not when fetched by id), these devices' serial numbers arrive garbled, so they fail (Graph ids; Jamf computer-N / mobile-N). */
  garbledSerialIds?: string[];
}

/** A second HTTPS listener on another port that records who called it and with which bearer. */
export interface ForeignListener {
  url: string;
  port: number;
  hits: Array<{ path: string; authorization: string | null }>;
  close(): Promise<void>;
}

export async function startForeignListener(tls: EmulatorTls, reply: (url: URL) => Reply): Promise<ForeignListener> {
  const hits: ForeignListener['hits'] = [];
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (request: IncomingMessage, response) => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    hits.push({ path: url.pathname + url.search, authorization: request.headers.authorization ?? null });
    const answer = reply(url);
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A serial with `character` after its third character. */
export function withInvisible(serial: string, character: string): string {
  return `${serial.slice(0, 3)}${character}${serial.slice(3)}`;
}

export const HTML_SIGN_IN = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>';

export function htmlReply(): Reply {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML_SIGN_IN };
}

/** A 200 answer of `bytes` bytes of well-formed JSON, mostly one long string. */
export function oversizedReply(bytes: number): Reply {
  const open = '{"padding":"';
  return { status: 200, body: `${open}${'x'.repeat(Math.max(0, bytes - open.length - 2))}"}` };
}

/** A 200 answer, gzip-compressed, that unpacks to `bytes` bytes of well-formed JSON. */
export function gzipBombReply(bytes: number): Reply {
  return { status: 200, headers: { 'content-encoding': 'gzip' }, raw: gzipSync(oversizedReply(bytes).body as string) };
}

/** JSON text of an array nested `depth` deep: cheap to send, and more than a recursive walk of it survives. */
export function nestedJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A 200 answer whose body stops after its first bytes. */
export function stalledReply(): Reply {
  return { status: 200, body: '{"value":[{"id":"', stallBody: true };
}

/** A 200 answer that sends its first bytes, then a space every 300 ms for as long as the client listens. */
export function tricklingReply(): Reply {
  return { status: 200, body: '{"value":[', trickleMs: 300 };
}

/** A page that never answers: the request stays open until the client gives up. */
export function never(): Promise<Reply> {
  return new Promise<Reply>(() => undefined);
}

/** Entries a broken MDM might put in a page besides real devices. */
export const BAD_ENTRIES: unknown[] = [null, 42, 'device', { id: { nested: true }, serialNumber: 'X' }];

/** A TLS identity signed by a CA that no client was told to trust. */
export function untrustedTls(): Promise<EmulatorTls> {
  return mintTls('Untrusted');
}

/** Counts down a throttleTimes switch: true while the request should be throttled. */
export function throttleNow(mode: HostileMode): boolean {
  if (!mode.throttleTimes || mode.throttleTimes <= 0) return false;
  mode.throttleTimes -= 1;
  return true;
}

export function hostileFromBody(body: string): HostileMode {
  const parsed = body.trim() === '' ? {} : (JSON.parse(body) as HostileMode);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('hostile mode must be a JSON object');
  return parsed;
}

/**
 * What both emulators share to misbehave on request: the switch, the certificate swap, the foreign
 * origin beside them, and the control routes (PUT /_emulator/hostile, GET /_emulator/stats).
 */
export abstract class HostileHost {
  hostile: HostileMode = {};
  /** Serials (upper case) the MDM no longer lists, as if wiped and removed: `PUT /_emulator/retired`. */
  retired = new Set<string>();
  abstract readonly stats: object;

  protected constructor(
    protected readonly server: RunningServer,
    protected readonly tls: EmulatorTls,
    readonly foreign: ForeignListener,
  ) {}

  get caPem(): string {
    return this.tls.caPem;
  }

  get url(): string {
    return this.server.url;
  }

  stop(): Promise<void> {
    return Promise.all([this.server.close(), this.foreign.close()]).then(() => undefined);
  }

  /** Switches misbehaviour on or off; a certificate nobody trusts is served while asked for. True when the certificate changed. */
  async setHostile(mode: HostileMode): Promise<boolean> {
    const swapCertificate = !!mode.untrustedCertificate !== !!this.hostile.untrustedCertificate;
    this.hostile = mode;
    this.hostileChanged();
    if (swapCertificate) this.server.setTls(mode.untrustedCertificate ? await untrustedTls() : this.tls);
    return swapCertificate;
  }

  /** The devices the MDM still lists. */
  protected listed<T>(devices: T[], serialOf: (device: T) => unknown): T[] {
    return this.retired.size === 0 ? devices : devices.filter((d) => !this.retired.has(String(serialOf(d) ?? '').toUpperCase()));
  }

  /** Counters a subclass resets when the switch changes. */
  protected hostileChanged(): void {}

  /** Answers the control routes; null for every other request. */
  protected async control(method: string | undefined, path: string, body: string): Promise<Reply | null> {
    if (path === '/_emulator/hostile' && method === 'PUT') {
      // A client's kept-alive connection still speaks the old certificate until SWAP_SETTLED_MS have passed.
      const swapped = await this.setHostile(hostileFromBody(body));
      return { status: 204, headers: swapped ? { 'x-certificate-swapped': 'true' } : {} };
    }
    if (path === '/_emulator/retired' && method === 'PUT') {
      const serials = body.trim() ? (JSON.parse(body) as { serials?: unknown }).serials : [];
      if (!Array.isArray(serials)) throw new Error('retired needs {"serials": [...]}');
      this.retired = new Set(serials.map((s) => String(s).toUpperCase()));
      return { status: 204 };
    }
    if (path === '/_emulator/stats' && method === 'GET') return { status: 200, body: { ...this.stats, foreignUrl: this.foreign.url, foreignHits: this.foreign.hits } };
    return null;
  }
}
