import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { readFileSync } from 'node:fs';
import { spawnEmulators, type EmulatorProcess } from '../../emulators/spawn.js';
import type { HostileMode } from '../../emulators/hostile.js';
import { SWAP_SETTLED_MS, delay } from '../../emulators/https-server.js';
import { baseEnv, startServerProcess, type ServerProcess } from './server-process.js';

/** The emulators in a child process, a scratch folder for store files, and helpers to drive both. */
export interface ReliabilityWorld {
  emulators: EmulatorProcess;
  dir: string;
  caFile: string;
  /** A fresh store file path in the scratch folder. */
  dataFile(name: string): string;
  env(dataFile: string, extra?: Record<string, string>): Record<string, string>;
  start(dataFile: string, extra?: Record<string, string>): Promise<ServerProcess>;
  hostile(source: 'intune' | 'jamf', mode: HostileMode): Promise<void>;
  /** The MDM stops listing these serials, as if the devices were wiped and removed; [] lists all again. */
  retire(source: 'intune' | 'jamf', serials: string[]): Promise<void>;
  stats(source: 'intune' | 'jamf'): Promise<{ foreignHits: Array<{ path: string; authorization: string | null }> } & Record<string, unknown>>;
  intuneSettings(overrides?: Record<string, unknown>): Record<string, unknown>;
  jamfSettings(overrides?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startReliabilityWorld(args: string[] = []): Promise<ReliabilityWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ontrackio-reliability-'));
  const caFile = join(dir, 'emulators-ca.pem');
  const emulators = await spawnEmulators(['--ca-file', caFile, ...args]);
  const trust = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
  const served = emulators.served;
  const control = async (source: 'intune' | 'jamf', method: string, path: string, body?: unknown) => {
    const response = await fetch(`${served[source].url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), dispatcher: trust } as RequestInit);
    if (!response.ok) throw new Error(`emulator control ${path} answered ${response.status}`);
    return response.status === 204 ? null : response.json();
  };
  const servers: ServerProcess[] = [];
  let files = 0;
  return {
    emulators,
    dir,
    caFile,
    dataFile: (name) => join(dir, `${name}-${++files}`, 'ontrackio.sqlite'),
    env: (dataFile, extra) => baseEnv(dataFile, caFile, extra),
    async start(dataFile, extra) {
      const server = await startServerProcess(baseEnv(dataFile, caFile, extra));
      servers.push(server);
      return server;
    },
    // The untrusted certificate is for the app under test; the control call must still get through.
    hostile: async (source, mode) => {
      const response = await fetch(`${served[source].url}/_emulator/hostile`, { method: 'PUT', body: JSON.stringify(mode), dispatcher: new Agent({ connect: { rejectUnauthorized: false } }) } as RequestInit);
      if (response.status !== 204) throw new Error(`emulator control answered ${response.status}`);
      // Until then, the app under test may reuse a connection made with the previous certificate.
      if (response.headers.get('x-certificate-swapped')) await delay(SWAP_SETTLED_MS);
    },
    retire: async (source, serials) => void (await control(source, 'PUT', '/_emulator/retired', { serials })),
    stats: (source) => control(source, 'GET', '/_emulator/stats') as never,
    intuneSettings: (overrides = {}) => ({
      enabled: true,
      tenantId: served.intune.tenantId,
      clientId: served.intune.clientId,
      clientSecret: served.intune.clientSecret,
      authorityHost: served.intune.url,
      graphBaseUrl: served.intune.url,
      ...overrides,
    }),
    jamfSettings: (overrides = {}) => ({ enabled: true, tenantUrl: served.jamf.url, clientId: served.jamf.clientId, clientSecret: served.jamf.clientSecret, ...overrides }),
    async close() {
      await Promise.all(servers.map((s) => s.kill('SIGKILL')));
      await emulators.stop();
      await trust.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
