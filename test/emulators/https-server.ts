import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EmulatorTls } from './tls.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Jamf pretty-prints with Jackson's "key" : value; Microsoft sends compact JSON. */
  pretty?: boolean;
  /** Send the headers and the body's start, then nothing more: an answer that stalls halfway. */
  stallBody?: boolean;
  /** Send the headers and the body's start, then one more space every `trickleMs`, never ending. */
  trickleMs?: number;
  /** Bytes sent as they are, instead of `body` (a compressed answer). */
  raw?: Buffer;
  /** Send `body` gzip-compressed, as Microsoft and Jamf Cloud do when asked. */
  gzip?: boolean;
}

export type Handler = (request: IncomingMessage, url: URL, body: string) => Promise<Reply> | Reply;

export interface RunningServer {
  url: string;
  port: number;
  /** Serves another certificate from now on; open connections are closed so clients see it. */
  setTls(tls: EmulatorTls): void;
  close(): Promise<void>;
}

function jacksonJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/"([^"]+)": /g, '"$1" : ');
}

/** How long after a certificate swap every connection made before it has been closed. */
export const SWAP_SETTLED_MS = 100;

/** A loopback HTTPS server for an emulator; it listens on 127.0.0.1 only. */
export async function startHttpsServer(tls: EmulatorTls, handler: Handler, port = 0): Promise<RunningServer> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      try {
        const url = new URL(request.url ?? '/', `https://${request.headers.host ?? '127.0.0.1'}`);
        const reply = await handler(request, url, Buffer.concat(chunks).toString('utf8'));
        const text = reply.raw ?? (reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : reply.pretty ? jacksonJson(reply.body) : JSON.stringify(reply.body));
        const payload = reply.gzip ? gzipSync(text) : text;
        const encoding = reply.gzip ? { 'content-encoding': 'gzip' } : {};
        response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...encoding, ...reply.headers });
        if (reply.stallBody) response.write(payload);
        else if (reply.trickleMs) trickle(response, payload, reply.trickleMs);
        else response.end(payload);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: String(error) }));
      }
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${bound}`,
    port: bound,
    setTls: (next) => {
      server.setSecureContext({ key: next.key, cert: next.cert });
      // After the answer to the request that asked for it has left; then every client reconnects.
      setTimeout(() => server.closeAllConnections(), SWAP_SETTLED_MS / 2).unref();
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Writes `start`, then a space every `everyMs` until the client goes away: never idle long enough to time out. */
function trickle(response: ServerResponse, start: string | Buffer, everyMs: number): void {
  response.write(start);
  const timer = setInterval(() => response.write(' '), everyMs);
  response.on('close', () => clearInterval(timer));
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
