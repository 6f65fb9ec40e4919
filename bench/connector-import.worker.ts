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
import { prepareEnabledConnectors } from '../src/application/prepare-connectors.js';
import type { MdmConnectors } from '../src/application/ports/mdm-connector.js';

// The process's heap policy, as the server and the CLI set it.
boundHeapGrowth();

/**
 * One connector measurement: the emulators in a child process with a fleet of --size devices;
 * the store opened and the connector enabled and prepared as a server start does (the time its
 * libraries took to load is reported on its own, as `startupLoadMs`);
 * a plain fetch of the same pages, the import end to end, then the plain fetch again. Then the same
 * first import once more, into a second, empty store in the same process: the cost of a server that
 * has imported before (its code compiled, the Microsoft libraries loaded), as the plain fetch is
 * measured after a warm-up pass of its own.
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
const openStore = (file: string) => buildContainer(loadConfig({ DATA_FILE: join(dir, file) }), { connectors: { extraCaPem: [caPem] } });
const container = openStore('bench.sqlite');

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

try {
  const { served } = emulators;
  const configure = (store: typeof container) => {
    const settings = store.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings);
    return source === 'intune'
      ? settings.save('intune', { enabled: true, tenantId: served.intune.tenantId, clientId: served.intune.clientId, clientSecret: served.intune.clientSecret, authorityHost: served.intune.url, graphBaseUrl: served.intune.url })
      : settings.save('jamf', { enabled: true, tenantUrl: served.jamf.url, clientId: served.jamf.clientId, clientSecret: served.jamf.clientSecret });
  };
  const importInto = (store: typeof container) => time(() => store.get<ImportFromMdm>(TOKENS.ImportFromMdm).execute({ source, triggeredBy: 'bench' }));
  // What a server started with the connector enabled has done before its first request.
  const prepare = (store: typeof container) => time(() => prepareEnabledConnectors(store.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings), store.get<MdmConnectors>(TOKENS.MdmConnectors)));
  await configure(container);
  const prepared = await prepare(container);
  const plain = () => (source === 'intune' ? plainFetchIntune(served, caPem) : plainFetchJamf(served, caPem));
  if (pageLatencyMs === 0) await plain(); // the plain fetch's own warm-up pass: TLS sessions, JIT
  const before = await time(plain);
  const run = await importInto(container);
  const after = await time(plain);
  const plainMs = (before.ms + after.ms) / 2;
  const second = openStore('second.sqlite');
  let warm: Awaited<ReturnType<typeof importInto>>;
  try {
    await configure(second);
    await prepare(second);
    warm = await importInto(second);
  } finally {
    await closeContainer(second);
  }
  // A figure for fewer devices than the fleet would measure a failure, not the import.
  for (const { value } of [run, warm]) {
    if (value.counts.created !== size) throw new Error(`the import created ${value.counts.created} of ${size} devices: ${JSON.stringify(value.counts)}`);
  }
  process.stdout.write(JSON.stringify({
    source, size, pageLatencyMs, startupLoadMs: Math.round(prepared.ms), importMs: Math.round(run.ms), plainFetchMs: Math.round(plainMs), ratio: Number((run.ms / plainMs).toFixed(2)),
    devicesPerSecond: Math.round(size / (run.ms / 1000)), counts: run.value.counts,
    warmImportMs: Math.round(warm.ms), warmRatio: Number((warm.ms / plainMs).toFixed(2)), warmCounts: warm.value.counts,
  }) + '\n');
} finally {
  await closeContainer(container);
  await emulators.stop();
  rmSync(dir, { recursive: true, force: true });
}
