import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run bench` — medians over repeated runs, each in a fresh process and a fresh store.
 * Targets (embedded store): first run ≥ 5,000 devices/s, unchanged re-run ≥ 20,000 devices/s,
 * peak RSS < 300 MB at 50,000 devices.
 */
const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, repeat: { type: 'string', default: '3' } } });
const here = dirname(fileURLToPath(import.meta.url));
const repeat = Math.max(1, Number(values.repeat));

interface Sample {
  size: number;
  first: { devicesPerSecond: number; ms: number };
  rerun: { devicesPerSecond: number; ms: number };
  peakRssMb: number;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function measure(size: number): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i < repeat; i += 1) {
    const out = execFileSync(process.execPath, [join(here, 'embedded-import.worker.js'), '--size', String(size)], { encoding: 'utf8' });
    samples.push(JSON.parse(out.trim().split('\n').at(-1)!));
    if (!values.json) process.stderr.write('.');
  }
  return samples;
}

const report = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  repeat,
  embedded: [3000, 50000].map((size) => {
    const samples = measure(size);
    return {
      size,
      firstRunDevicesPerSecond: median(samples.map((s) => s.first.devicesPerSecond)),
      unchangedRerunDevicesPerSecond: median(samples.map((s) => s.rerun.devicesPerSecond)),
      peakRssMb: median(samples.map((s) => s.peakRssMb)),
      samples: samples.map((s) => ({ first: s.first.devicesPerSecond, rerun: s.rerun.devicesPerSecond, rssMb: s.peakRssMb })),
    };
  }),
};

if (values.json) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} else {
  process.stderr.write('\n');
  console.log(`Embedded store, median of ${repeat} (Node ${report.machine.node}, ${report.machine.cpus} cores)`);
  console.log('devices   first run (dev/s)   unchanged re-run (dev/s)   peak RSS (MB)');
  for (const r of report.embedded) {
    console.log(`${String(r.size).padStart(7)}   ${String(r.firstRunDevicesPerSecond).padStart(17)}   ${String(r.unchangedRerunDevicesPerSecond).padStart(24)}   ${String(r.peakRssMb).padStart(13)}`);
  }
  console.log('targets: first ≥ 5000, re-run ≥ 20000, RSS < 300 MB at 50000');
}
