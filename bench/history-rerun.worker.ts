import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFleet } from '../src/adapters/driven/synthetic/fleet-generator.js';
import { InMemoryMdmSource } from '../src/adapters/driven/synthetic/in-memory-mdm-source.js';
import type { ImportFromMdm } from '../src/application/commands/import-from-mdm.js';
import { loadConfig } from '../src/infrastructure/config.js';
import { buildContainer, closeContainer } from '../src/infrastructure/container.js';
import { TOKENS } from '../src/application/tokens.js';
import { boundHeapGrowth } from '../src/infrastructure/heap-growth.js';

boundHeapGrowth();

/**
 * An unchanged re-run against the length of each device's history: a first import, an unchanged
 * re-run (one event per device), then --changes runs at each of which every device reports a new OS
 * version, then an unchanged re-run again. With --no-snapshots the streams are read from their start,
 * as before snapshots were kept.
 */
const { values } = parseArgs({ options: { size: { type: 'string' }, changes: { type: 'string', default: '12' }, 'no-snapshots': { type: 'boolean', default: false } } });
const size = Number(values.size);
const changes = Number(values.changes);
const dir = mkdtempSync(join(tmpdir(), 'ontrackio-history-'));
let patch = 0;
const fleet = () => {
  const devices = generateFleet({ source: 'intune', size, seed: 42 });
  return patch === 0 ? devices : (function* () {
    for (const device of devices) yield { ...device, osVersion: `${device.osVersion}.${patch}` };
  })();
};
const source = new InMemoryMdmSource('intune', fleet, 1000);
const container = buildContainer(loadConfig({ DATA_FILE: join(dir, 'history.sqlite') }), { mdmSources: { open: async () => source } });
if (values['no-snapshots']) container.rebind(TOKENS.StreamSnapshots).toConstantValue(null);
const importer = container.get<ImportFromMdm>(TOKENS.ImportFromMdm);

async function timed(expect: 'created' | 'updated' | 'unchanged'): Promise<number> {
  const started = process.hrtime.bigint();
  const { counts } = await importer.execute({ source: 'intune', triggeredBy: 'bench' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (counts[expect] !== size) throw new Error(`expected ${size} ${expect}, got ${JSON.stringify(counts)}`);
  return Math.round(size / (ms / 1000));
}

try {
  await timed('created');
  const shortHistory = await timed('unchanged');
  const changeRuns: number[] = [];
  for (patch = 1; patch <= changes; patch += 1) changeRuns.push(await timed('updated'));
  patch = changes;
  const longHistory = await timed('unchanged');
  process.stdout.write(JSON.stringify({ size, changes, snapshots: !values['no-snapshots'], shortHistory, longHistory, lastChangeRun: changeRuns.at(-1) }) + '\n');
} finally {
  await closeContainer(container);
  rmSync(dir, { recursive: true, force: true });
}
