import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ImportFromMdm } from '../src/application/commands/import-from-mdm.js';
import type { ConnectorSettingsStore } from '../src/application/ports/connector-settings-store.js';
import { loadConfig } from '../src/infrastructure/config.js';
import { buildContainer, closeContainer } from '../src/infrastructure/container.js';
import { TOKENS } from '../src/application/tokens.js';
import { spawnEmulators } from '../test/emulators/spawn.js';
import { plainFetchIntune, plainFetchJamf } from './plain-fetch.js';
import { boundHeapGrowth } from '../src/infrastructure/heap-growth.js';

// The process's heap policy, as the server and the CLI set it.
boundHeapGrowth();

/**
 * One connector measurement: the emulators in a child process with a fleet of --size devices;
 * a plain fetch of the same pages, the import end to end, then the plain fetch again.
 */
const { values } = parseArgs({ options: { source: { type: 'string' }, size: { type: 'string' }, 'page-latency-ms': { type: 'string', default: '0' } } });
const pageLatencyMs = Number(values['page-latency-ms']);
const source = values.source as 'intune' | 'jamf';
const size = Number(values.size);
const dir = mkdtempSync(join(tmpdir(), 'ontrackio-bench-'));
const computers = Math.round(size * 0.7);
const emulators = await spawnEmulators([
  '--clean',
  '--page-latency-ms', String(pageLatencyMs),
  '--ca-file', join(dir, 'ca.pem'),
  '--intune-devices', String(source === 'intune' ? size : 1),
  '--jamf-computers', String(source === 'jamf' ? computers : 1),
  '--jamf-mobiles', String(source === 'jamf' ? size - computers : 1),
]);
const caPem = readFileSync(emulators.served.caFile, 'utf8');
const container = buildContainer(loadConfig({ DATA_FILE: join(dir, 'bench.sqlite') }), { connectors: { extraCaPem: [caPem] } });

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

try {
  const { served } = emulators;
  const settings = container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings);
  if (source === 'intune') {
    await settings.save('intune', { enabled: true, tenantId: served.intune.tenantId, clientId: served.intune.clientId, clientSecret: served.intune.clientSecret, authorityHost: served.intune.url, graphBaseUrl: served.intune.url });
  } else {
    await settings.save('jamf', { enabled: true, tenantUrl: served.jamf.url, clientId: served.jamf.clientId, clientSecret: served.jamf.clientSecret });
  }
  const plain = () => (source === 'intune' ? plainFetchIntune(served, caPem) : plainFetchJamf(served, caPem));
  if (pageLatencyMs === 0) await plain(); // warm both sides up: TLS sessions, JIT
  const before = await time(plain);
  const importer = container.get<ImportFromMdm>(TOKENS.ImportFromMdm);
  const run = await time(() => importer.execute({ source, triggeredBy: 'bench' }));
  const after = await time(plain);
  const plainMs = (before.ms + after.ms) / 2;
  process.stdout.write(JSON.stringify({
    source, size, pageLatencyMs, importMs: Math.round(run.ms), plainFetchMs: Math.round(plainMs), ratio: Number((run.ms / plainMs).toFixed(2)),
    devicesPerSecond: Math.round(size / (run.ms / 1000)), counts: run.value.counts,
  }) + '\n');
} finally {
  await closeContainer(container);
  await emulators.stop();
  rmSync(dir, { recursive: true, force: true });
}
