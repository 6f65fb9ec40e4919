import { expect } from 'chai';
import type { DeviceOutcome, MissingDevice } from '../../src/domain/import-run/outcome.js';
import { RunProgress } from '../../src/application/queries/run-progress.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { macbook } from '../support/mothers.js';

/** Only the history is read once a run has ended; progress comes from the audit log, not used here. */
const endedRuns = (app: EmbeddedApp) => new RunProgress({} as never, {} as never, app.history, {} as never);

describe("An ended run's detail, handed over as it is read", () => {
  let app: EmbeddedApp;
  afterEach(() => app.close());

  // 30 devices, one a page, the last five without a serial: 36 events in the run's stream.
  const fleet = () => [
    ...Array.from({ length: 25 }, (_, i) => macbook({ sourceDeviceId: `m-${i}`, serialNumber: `C02XK1JHJ${String(i).padStart(3, '0')}` })),
    ...Array.from({ length: 5 }, (_, i) => macbook({ sourceDeviceId: `x-${i}`, serialNumber: '' })),
  ];

  it('given a run of 30 pages, when its detail is read with a receiver, then every outcome reaches it in pieces and the detail holds none; the banner is whole', async () => {
    app = new EmbeddedApp({ jamf: fleet }, {}, 1);
    const run = await app.import('jamf');
    const pieces: DeviceOutcome[][] = [];
    const ended = await endedRuns(app).ended(run.runId, { onOutcomes: async (read) => void pieces.push(read) });
    expect(pieces.flat().map((o) => o.sourceDeviceId)).to.deep.equal(fleet().map((d) => d.sourceDeviceId));
    expect(pieces.length, 'pieces').to.be.greaterThan(2);
    expect(Math.max(...pieces.map((p) => p.length)), 'outcomes in one piece').to.be.at.most(8);
    expect(ended!.detail.outcomes).to.deep.equal([]);
    expect(ended!.detail.counts).to.include({ created: 25, skipped: 5 });
    expect(ended!.banner.skippedDevices.map((o) => o.sourceDeviceId)).to.deep.equal(['x-0', 'x-1', 'x-2', 'x-3', 'x-4']);
  });

  it('hands over only the kinds asked for, and still lists the skipped devices in the banner', async () => {
    app = new EmbeddedApp({ jamf: fleet }, {}, 1);
    const run = await app.import('jamf');
    const handed: DeviceOutcome[] = [];
    const ended = await endedRuns(app).ended(run.runId, { outcomes: ['created'], onOutcomes: async (read) => void handed.push(...read) });
    expect(handed).to.have.length(25);
    expect(handed.every((o) => o.outcome === 'created')).to.equal(true);
    expect(ended!.banner.skippedDevices).to.have.length(5);
  });

  it('gives the same detail and banner without a receiver, the outcomes then in the detail', async () => {
    app = new EmbeddedApp({ jamf: fleet }, {}, 1);
    const run = await app.import('jamf');
    const handed: DeviceOutcome[] = [];
    const streamed = await endedRuns(app).ended(run.runId, { onOutcomes: async (read) => void handed.push(...read) });
    const held = await endedRuns(app).ended(run.runId);
    expect(held!.detail.outcomes).to.deep.equal(handed);
    expect(held!.banner).to.deep.equal(streamed!.banner);
    expect({ ...held!.detail, outcomes: [] }).to.deep.equal(streamed!.detail);
  });

  it('given a run that found 1,200 devices missing, hands them over as they are read, the detail holds none and the banner lists the first 1,000', async () => {
    const everyDevice = Array.from({ length: 1_250 }, (_, i) => macbook({ sourceDeviceId: `m-${i}`, serialNumber: `C02XK1JH${String(i).padStart(4, '0')}` }));
    let listed = everyDevice;
    app = new EmbeddedApp({ jamf: () => listed }, {}, 500);
    await app.import('jamf');
    listed = everyDevice.slice(0, 50);
    const run = await app.import('jamf');
    const pieces: MissingDevice[][] = [];
    const ended = await endedRuns(app).ended(run.runId, { onMissing: async (read) => void pieces.push(read) });
    expect(pieces.flat().map((d) => d.sourceDeviceId)).to.have.members(everyDevice.slice(50).map((d) => d.sourceDeviceId));
    expect(ended!.detail.missing).to.deep.equal([]);
    expect(ended!.detail.counts).to.include({ unchanged: 50, missing: 1_200 });
    expect(ended!.banner.missingDevices).to.deep.equal(pieces.flat().slice(0, 1_000));
    const held = await endedRuns(app).ended(run.runId);
    expect(held!.detail.missing).to.deep.equal(pieces.flat());
    expect(held!.banner).to.deep.equal(ended!.banner);
    expect(await endedRuns(app).banner(run.runId)).to.deep.equal(ended!.banner);
    const withoutMissing = await app.history.run(run.runId, { outcomes: ['error'], missing: false });
    expect(withoutMissing!.missing, 'a retry reads none').to.deep.equal([]);
    expect(withoutMissing!.counts.missing).to.equal(1_200);
  });
});
