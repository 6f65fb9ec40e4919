import { loadConfig } from '../../src/infrastructure/config.js';
import { jsonLogger, type Logger } from '../../src/infrastructure/logger.js';
import type { ContainerOverrides } from '../../src/infrastructure/container.js';
import { startServer, type RunningServer } from '../../src/infrastructure/server-main.js';
import { generateAppleFleet } from '../emulators/jamf/apple-fleet.js';
import { generateGraphFleet } from '../emulators/intune/graph-fleet.js';
import type { IntuneEmulator } from '../emulators/intune/intune-emulator.js';
import type { JamfEmulator } from '../emulators/jamf/jamf-emulator.js';
import { FAST_RETRY, startIntune } from './intune-world.js';
import { startJamf } from './jamf-world.js';
import { conformance } from './openapi-conformance.js';

export const TOKENS_BY_ROLE = {
  admin: 'admin-token-0123456789abcdefghij',
  'it-admin': 'it-admin-token-0123456789abcdefg',
  'super-admin': 'super-admin-token-0123456789abcd',
  member: 'member-token-0123456789abcdefghi',
} as const;
export type RoleName = keyof typeof TOKENS_BY_ROLE;

export interface HttpWorld {
  server: RunningServer;
  intune: IntuneEmulator;
  jamf: JamfEmulator;
  logLines: string[];
  call(method: string, path: string, options?: { role?: RoleName | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  stop(): Promise<void>;
}

/** Both emulators and the real server on an ephemeral port, with its log captured; `overrides` as the composition root takes them. */
export async function startHttpWorld(env: Record<string, string> = {}, overrides: ContainerOverrides = {}): Promise<HttpWorld> {
  const intune = await startIntune(generateGraphFleet({ size: 400, seed: 21, noSerial: 0.03, virtual: 0.02, duplicates: 0.01, domain: 'acme.example' }));
  const jamf = await startJamf(generateAppleFleet({ computers: 200, mobiles: 100, seed: 22, noSerial: 0.03, duplicates: 0.01 }));
  const logLines: string[] = [];
  const logger: Logger = jsonLogger((line) => logLines.push(line));
  const apiTokens = Object.entries(TOKENS_BY_ROLE).map(([role, token]) => `${token}=${role}@acme.example:${role}`).join(',');
  const server = await startServer(loadConfig({ DATA_FILE: ':memory:', PORT: '0', API_TOKENS: apiTokens, RATE_LIMIT_PER_MINUTE: '1000', ...env }), {
    connectors: { extraCaPem: [intune.caPem, jamf.caPem], retry: FAST_RETRY },
    logger,
    ...overrides,
  });
  return {
    server,
    intune,
    jamf,
    logLines,
    async call(method, path, options = {}) {
      const role = options.role === undefined ? 'admin' : options.role;
      const headers: Record<string, string> = { ...options.headers };
      if (role) headers.authorization = `Bearer ${TOKENS_BY_ROLE[role]}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${server.url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      conformance(method, path, response.status, response.headers.get('content-type'), parsed);
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    async stop() {
      await server.stop();
      await Promise.all([intune.stop(), jamf.stop()]);
    },
  };
}
