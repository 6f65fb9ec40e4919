import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateFleet } from '../../src/adapters/driven/synthetic/fleet-generator.js';
import { screenDevice } from '../../src/domain/hardware/screening.js';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');
const SIZE = 1500;

/** The last line a bench worker prints: its measurement, as JSON. */
async function runWorker(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(BENCH, file), '--size', String(SIZE)], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** The serials of the synthetic fleet that a first import creates records for. */
function importableSerials(): Set<string> {
  const serials = new Set<string>();
  for (const device of generateFleet({ source: 'intune', size: SIZE, seed: 42 })) {
    try {
      const screened = screenDevice(device);
      if (screened.kind === 'importable') serials.add(screened.serial);
    } catch {
      // An unreadable serial is that device's error; it creates no record.
    }
  }
  return serials;
}

// The bench's figures are only worth quoting if its workers still write what the import writes:
// the floor broke unnoticed once when the register changed shape.
describe('The benchmark workers, on a small fleet', function () {
  this.timeout(90_000);

  it('the store floor writes one event and one register row per importable serial', async () => {
    const floor = await runWorker('store-floor.worker.js');
    expect(floor).to.include({ size: SIZE, written: importableSerials().size });
    expect(floor.devicesPerSecond).to.be.a('number').above(0);
  });

  it('the embedded import creates every importable serial, then finds them all unchanged, then rebuilds from the events', async () => {
    const created = importableSerials().size;
    const run = (await runWorker('embedded-import.worker.js')) as {
      first: { counts: { created: number } }; rerun: { counts: { unchanged: number; created: number } }; rebuild: { events: number }; peakRssMb: number;
    };
    expect(run.first.counts.created).to.equal(created);
    expect(run.rerun.counts).to.include({ unchanged: created, created: 0 });
    expect(run.rebuild.events).to.be.above(created);
    expect(run.peakRssMb).to.be.above(0);
  });
});
