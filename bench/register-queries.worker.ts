import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFleet } from '../src/adapters/driven/synthetic/fleet-generator.js';
import { InMemoryMdmSource } from '../src/adapters/driven/synthetic/in-memory-mdm-source.js';
import type { ImportFromMdm } from '../src/application/commands/import-from-mdm.js';
import { TOKENS } from '../src/application/tokens.js';
import { loadConfig } from '../src/infrastructure/config.js';
import { startServer } from '../src/infrastructure/server-main.js';
import { boundHeapGrowth } from '../src/infrastructure/heap-growth.js';
import { percentile, timeRegisterQueries } from './register-query-timings.js';

// The process's heap policy, as the server and the CLI set it.
boundHeapGrowth();

/**
 * Register queries through HTTP on an N-record register: lookup by serial, a deep page and a text
 * search, each asked `--requests` times one after the other; p50 and p99 in milliseconds. Then the
 * detail of the run that imported them, five times whole and five times its problems only.
 */
const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' }, requests: { type: 'string', default: '200' } } });
const size = Number(values.size);
const requests = Number(values.requests);
const dir = mkdtempSync(join(tmpdir(), 'ontrackio-queries-'));
const token = 'bench-token-0123456789abcdef0123456789';
// The emulated MDM makes its fleet as it is read, as the import worker's does: held whole, its 48 MB
// at 100,000 devices sat in the server's heap, which a production server never holds, and every
// major collection marked it.
const fleet = () => generateFleet({ source: 'intune', size, seed: 42 });
const source = new InMemoryMdmSource('intune', fleet, 1000);
const server = await startServer(
  loadConfig({ DATA_FILE: join(dir, 'queries.sqlite'), PORT: '0', API_TOKENS: `${token}=bench@acme.example:admin`, SCHEDULE_CHECK_SECONDS: '0' }),
  { mdmSources: { open: async () => source } },
);

/**
 * One run's detail, asked `times` times: its p50, the bytes of one answer, and the process's peak
 * RSS meanwhile (the client reads the body as it comes, so the peak is the server's holding).
 */
async function timeRunDetail(path: string, times: number): Promise<{ p50: number; bytes: number; peakRssMb: number }> {
  const ms: number[] = [];
  let bytes = 0;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    for (let i = 0; i < times; i += 1) {
      const started = process.hrtime.bigint();
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      bytes = 0;
      for await (const chunk of response.body!) bytes += (chunk as Uint8Array).byteLength;
      ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    clearInterval(sampler);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), bytes, peakRssMb: Math.round(peak / 1e6) };
}

try {
  const run = await server.container.get<ImportFromMdm>(TOKENS.ImportFromMdm).execute({ source: 'intune', triggeredBy: 'bench' });
  const serials = Array.from(fleet(), (d) => d.serialNumber).filter((serial): serial is string => Boolean(serial));
  const report = {
    size,
    requests,
    ...(await timeRegisterQueries({ url: server.url, token }, size, serials, requests)),
    // The first run's detail: every device's outcome, then its problems only (what the History screen asks).
    runDetail: {
      every: await timeRunDetail(`/api/admin/bulk-import/mdm/runs/${run.runId}`, 5),
      problems: await timeRunDetail(`/api/admin/bulk-import/mdm/runs/${run.runId}?outcome=skipped,error`, 5),
    },
  };
  process.stdout.write(JSON.stringify(report) + '\n');
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
