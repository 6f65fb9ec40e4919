import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { conformance } from '../../support/openapi-conformance.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SERVER = join(ROOT, 'dist', 'src', 'infrastructure', 'server-main.js');
const CLI = join(ROOT, 'bin', 'ontrackio-mdm.js');

export const ADMIN_TOKEN = 'reliability-admin-token-0123456789';
export const MEMBER_TOKEN = 'reliability-member-token-012345678';
export const API_TOKENS = `${ADMIN_TOKEN}=ops@acme.example:admin,${MEMBER_TOKEN}=member@acme.example:member`;

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Every line the process wrote, stdout and stderr. */
  lines: string[];
  call(method: string, path: string, options?: { body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string>; token?: string | null }): Promise<Reply>;
  /** Sends the signal and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The JSON records among the lines the process wrote (its log), in order; the banner lines are not JSON. */
export function logRecords(server: Pick<ServerProcess, 'lines'>): Array<Record<string, unknown>> {
  return server.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The environment every spawned process of the suite shares: the store file and the emulators' CA. */
export function baseEnv(dataFile: string, caFile: string, extra: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(EVENTSTORE_CONNECTION_STRING|MONGODB_URI|SECRETS_KEY.*|API_TOKENS|PORT|HTTPS?_PROXY|NO_PROXY)$/i.test(k))) as Record<string, string>;
  return { ...inherited, DATA_FILE: dataFile, NODE_EXTRA_CA_CERTS: caFile, API_TOKENS, PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000', ...extra };
}

export async function call(base: string, method: string, path: string, options: Parameters<ServerProcess['call']>[2] = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: body as string | undefined, signal: AbortSignal.timeout(120_000) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  conformance(method, path, response.status, response.headers.get('content-type'), parsed);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Starts `server-main` as its own process and resolves once it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start within 20 s:\n${lines.join('\n')}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      try {
        const record = JSON.parse(line) as { message?: string; url?: string };
        if (record.message?.includes('listening') && record.url) {
          clearTimeout(timer);
          resolve(record.url);
        }
      } catch {
        /* the banner lines are not JSON */
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code}) before it listened:\n${lines.join('\n')}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    child,
    lines,
    call: (method, path, options) => call(url, method, path, options),
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface CliRun {
  code: number | null;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Signals sent to the CLI as an operator at its terminal would: each once its stderr matches `when`. */
export type CliInterrupts = ReadonlyArray<{ when: RegExp; signal: NodeJS.Signals }>;

/** Runs the CLI as an operator would, beside whatever else uses the store. */
export function runCliProcess(args: string[], env: Record<string, string>, interrupts: CliInterrupts = []): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let next = 0;
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      while (next < interrupts.length && interrupts[next]!.when.test(stderr)) child.kill(interrupts[next++]!.signal);
    });
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI into a reader that stops after its first piece of output, as `| head` does. */
export function runCliIntoHead(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.once('data', (chunk) => {
      stdout += chunk;
      child.stdout!.destroy();
    });
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI with its standard output opened on `path` (`/dev/full`: a disk with no space left). */
export function runCliInto(path: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  const output = openSync(path, 'w');
  return new Promise<CliRun>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', output, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  }).finally(() => closeSync(output));
}
