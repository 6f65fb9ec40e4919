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
import type { Projections } from '../src/application/ports/projections.js';
import { boundHeapGrowth } from '../src/infrastructure/heap-growth.js';

// The process's heap policy, as the server and the CLI set it.
boundHeapGrowth();

/**
 * One measurement in a process of its own, so that peak RSS belongs to this fleet size alone:
 * a first import of N devices into a fresh embedded store file, an unchanged re-run, then a rebuild
 * of the register and audit log from the events.
 */
const { values } = parseArgs({ options: { size: { type: 'string' } } });
const size = Number(values.size);
const dir = mkdtempSync(join(tmpdir(), 'ontrackio-bench-'));
const source = new InMemoryMdmSource('intune', () => generateFleet({ source: 'intune', size, seed: 42 }), 1000);
const container = buildContainer(loadConfig({ DATA_FILE: join(dir, 'bench.sqlite') }), { mdmSources: { open: async () => source } });
const importer = container.get<ImportFromMdm>(TOKENS.ImportFromMdm);

async function timed(): Promise<{ devicesPerSecond: number; ms: number; counts: unknown }> {
  const started = process.hrtime.bigint();
  const result = await importer.execute({ source: 'intune', triggeredBy: 'bench' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { devicesPerSecond: Math.round(size / (ms / 1000)), ms: Math.round(ms), counts: result.counts };
}

try {
  const first = await timed();
  const rerun = await timed();
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const rebuildStarted = process.hrtime.bigint();
  const rebuilt = await container.get<Projections>(TOKENS.Projections).rebuild();
  const rebuild = { ms: Math.round(Number(process.hrtime.bigint() - rebuildStarted) / 1e6), events: rebuilt.events };
  const peakRssWithRebuildMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ size, first, rerun, peakRssMb, rebuild, peakRssWithRebuildMb }) + '\n');
} finally {
  await closeContainer(container);
  rmSync(dir, { recursive: true, force: true });
}
