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
async function runWorker(file: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(BENCH, file), '--size', String(SIZE), ...args], { timeout: 60_000 });
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

  it('the production stores run imports, re-runs, asks the register and rebuilds it (on the modelled stores here)', async () => {
    const created = importableSerials().size;
    const run = (await runWorker('production-stores.worker.js', '--stores', 'modelled', '--requests', '3')) as {
      stores: string; first: { counts: { created: number }; ms: number }; rerun: { counts: { unchanged: number; created: number } };
      queries: Record<string, { p50: number; p99: number }>; rebuild: { events: number }; register: unknown;
    };
    expect(run.stores).to.equal('modelled');
    expect(run.first.counts.created).to.equal(created);
    expect(run.rerun.counts).to.include({ unchanged: created, created: 0 });
    expect(Object.keys(run.queries)).to.deep.equal(['lookupBySerial', 'deepPage', 'deepPageByKeyset', 'textSearch']);
    for (const timing of Object.values(run.queries)) expect(timing.p99).to.be.a('number').at.least(timing.p50);
    expect(run.rebuild.events).to.be.above(created);
    expect(run.register, 'no MongoDB server to ask what it keeps on disk').to.equal(null);
  });

  it('the production stores run, without servers, says which variables to set and measures nothing', async () => {
    const env = { ...process.env };
    delete env.EVENTSTORE_CONNECTION_STRING;
    delete env.MONGODB_URI;
    const failed = await promisify(execFile)(process.execPath, [join(BENCH, 'production-stores.worker.js'), '--size', String(SIZE)], { env, timeout: 60_000 }).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed, 'the worker exits with an error').to.not.equal(null);
    expect(failed!.code).to.equal(2);
    expect(failed!.stdout).to.equal('');
    expect(failed!.stderr).to.match(/^not run: EVENTSTORE_CONNECTION_STRING and MONGODB_URI are not set — .*GitHub workflow's bench job runs it\n$/);
  });
});
