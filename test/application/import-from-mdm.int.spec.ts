import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import { expect } from 'chai';
import { generateFleet } from '../../src/adapters/driven/synthetic/fleet-generator.js';
import { ImportRunFailed } from '../../src/application/commands/import-result.js';
import { SourceNotConfigured, type MdmSource } from '../../src/application/ports/mdm-source.js';
import { ImportAlreadyRunning } from '../../src/domain/import-run/run.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import type { StreamAppend } from '../../src/application/ports/event-store.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { TOKENS } from '../../src/application/tokens.js';
import { latitude, macbook } from '../support/mothers.js';

const users = [
  { id: 'u-alice', email: 'alice@acme.example', displayName: 'Alice Martin', active: true },
  { id: 'u-bob', email: 'bob@acme.example', displayName: 'Bob Stone', active: false },
];

/** Shows `watch` each set of hardware appends before the store writes it; an error it returns fails that set instead. */
function watchHardwareAppends(app: EmbeddedApp, watch: (appends: readonly StreamAppend[]) => Error | void): void {
  const appendMany = app.store.appendMany.bind(app.store);
  app.store.appendMany = (appends) => {
    const failure = appends.some((a) => a.stream.startsWith('hardware-')) ? watch(appends) : undefined;
    return failure ? Promise.reject(failure) : appendMany(appends);
  };
}

describe('ImportFromMdm on the embedded store', () => {
  let app: EmbeddedApp;
  afterEach(() => app?.close());

  it('creates a record per unseen serial and reports the run as a banner', async () => {
    app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 250, seed: 1 }) });
    const result = await app.import('intune');
    expect(result.status).to.equal('completed');
    expect(result.counts).to.deep.equal({ created: 250, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 });
    expect((await app.register.search({ limit: 1 })).total).to.equal(250);
  });

  it('shows the result in the register and the audit log as soon as the command returns', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook()] });
    const result = await app.import('jamf');
    const record = await app.register.bySerial('C02XK1JHJGH5');
    expect(record).to.include({ assetTag: 'HW-00001', category: 'laptop', status: 'available', condition: 'good', macAddress: 'A4:83:E7:12:34:56' });
    const [entry] = await app.auditLog.list({});
    expect(entry).to.include({ runId: result.runId, source: 'jamf', status: 'completed', triggeredBy: 'admin@acme.example' });
    expect(entry!.counts).to.deep.equal(result.counts);
  });

  it('starts a run without reading earlier runs\' per-device outcomes', async () => {
    app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 300, seed: 4 }) });
    await app.import('intune');
    await app.import('intune');
    const store = app.store;
    const read: RecordedEvent[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = async (stream, options) => {
      const events = await readStream(stream, options);
      if (stream.startsWith('mdmImport-')) read.push(...events);
      return events;
    };
    const latest = await app.import('intune');
    expect(read.length).to.be.greaterThan(0);
    const earlierPages = read.filter((event) => event.type === 'ImportPageRecorded' && (event.data as { runId: string }).runId !== latest.runId);
    expect(earlierPages, "no earlier run's outcomes").to.deep.equal([]);
  });

  it('reads the streams the register does not know of once an append finds them there (a register behind is only a hint)', async () => {
    const fleet = [...generateFleet({ source: 'intune', size: 40, seed: 7 })];
    app = new EmbeddedApp({ intune: () => fleet });
    // As on the production stores, the register tells which serials to read: here one that has projected nothing.
    const asked: string[][] = [];
    app.container.rebind(TOKENS.KnownHardware).toConstantValue({
      known: async (serials: readonly string[]) => (asked.push([...serials]), new Map()),
      fingerprints: async () => new Map(),
      saveFingerprints: async () => undefined,
    });
    await app.import('intune');
    fleet[0] = { ...fleet[0]!, osVersion: '99.1' };
    const rerun = await app.import('intune');
    expect(asked.length, 'the hint was asked on each page').to.be.greaterThan(1);
    expect(rerun.counts).to.deep.equal({ created: 0, updated: 1, unchanged: 39, skipped: 0, errors: 0, missing: 0 });
    const imported = (await app.store.readAll({ after: 0, maxCount: 100_000, categories: ['hardware'] })).events.filter((e) => e.type === 'HardwareImported');
    expect(imported, 'no device imported twice').to.have.length(40);
  });

  it('reads and decides a large page 250 devices at a time on the embedded store', async () => {
    app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 600, seed: 3 }) }, {}, 600);
    const batches: number[] = [];
    watchHardwareAppends(app, (appends) => void batches.push(appends.length));
    const first = await app.import('intune');
    expect(first.counts).to.include({ created: 600 });
    expect(batches).to.deep.equal([250, 250, 100]);
    const tags = (await app.register.search({ limit: 600 })).items.map((r) => r.assetTag);
    expect(new Set(tags).size, 'one asset tag each, across the batches').to.equal(600);
    expect((await app.import('intune')).counts).to.include({ unchanged: 600 });
  });

  it('counts every device of an identical re-run as unchanged and writes no hardware event', async () => {
    app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 300, seed: 2 }) });
    await app.import('intune');
    const before = (await app.store.readAll({ after: 0, maxCount: 100_000, categories: ['hardware'] })).events.length;
    const rerun = await app.import('intune');
    expect(rerun.counts).to.deep.equal({ created: 0, updated: 0, unchanged: 300, skipped: 0, errors: 0, missing: 0 });
    expect((await app.store.readAll({ after: 0, maxCount: 100_000, categories: ['hardware'] })).events.length).to.equal(before);
  });

  it('updates only what changed, in place, keeping the asset tag', async () => {
    let fleet: MdmDevice[] = [latitude(), macbook({ source: 'intune', sourceDeviceId: 'm1' })];
    app = new EmbeddedApp({ intune: () => fleet });
    await app.import('intune');
    fleet = [latitude({ osVersion: '10.0.26100.2314' }), macbook({ source: 'intune', sourceDeviceId: 'm1' })];
    const result = await app.import('intune');
    expect(result.counts).to.include({ updated: 1, unchanged: 1, created: 0 });
    expect(await app.register.bySerial('7XK9QW3')).to.include({ osVersion: '10.0.26100.2314', assetTag: 'HW-00001' });
  });

  it('skips devices that are not asset-trackable, and says why for each', async () => {
    app = new EmbeddedApp({
      intune: () => [
        latitude({ sourceDeviceId: 'a', serialNumber: '' }),
        latitude({ sourceDeviceId: 'b', serialNumber: 'System Serial Number' }),
        latitude({ sourceDeviceId: 'c', serialNumber: '0000-0014-0657', model: 'Virtual Machine' }),
        latitude({ sourceDeviceId: 'd' }),
      ],
    });
    const result = await app.import('intune');
    expect(result.counts).to.include({ created: 1, skipped: 3 });
    expect(result.skippedDevices.map((d) => [d.sourceDeviceId, d.reason])).to.deep.equal([
      ['a', 'no-serial'], ['b', 'placeholder-serial'], ['c', 'virtual-device'],
    ]);
  });

  it('assigns by exact email to an active user only, pre-acknowledged, and leaves the rest unassigned', async () => {
    app = new EmbeddedApp({
      jamf: () => [
        macbook({ sourceDeviceId: '1', serialNumber: 'A1', userEmail: '  ALICE@acme.example ' }),
        macbook({ sourceDeviceId: '2', serialNumber: 'B2', userEmail: 'bob@acme.example' }),
        macbook({ sourceDeviceId: '3', serialNumber: 'C3', userEmail: 'alice@acme.example.org' }),
        macbook({ sourceDeviceId: '4', serialNumber: 'D4', userEmail: null }),
      ],
    });
    app.loadUsers(users);
    await app.import('jamf');
    const a1 = await app.register.bySerial('A1');
    expect(a1).to.deep.include({
      status: 'assigned',
      name: "Alice's MacBook Pro",
      assignee: { userId: 'u-alice', email: 'alice@acme.example', name: 'Alice Martin' },
    });
    expect(a1!.acknowledgement!.note).to.equal('Imported from MDM (Jamf Pro)');
    for (const serial of ['B2', 'C3', 'D4']) {
      expect(await app.register.bySerial(serial), serial).to.include({ status: 'available', assignee: null });
    }
  });

  it('assigns, on a re-run, a device whose user was imported after it (the troubleshooting fix)', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook({ userEmail: 'dana@acme.example' })] });
    await app.import('jamf');
    expect(await app.register.bySerial('C02XK1JHJGH5')).to.include({ status: 'available', assignee: null });
    app.loadUsers([{ id: 'u-dana', email: 'dana@acme.example', displayName: 'Dana Ruiz', active: true }]);
    const rerun = await app.import('jamf');
    expect(rerun.counts).to.include({ updated: 1 });
    const record = await app.register.bySerial('C02XK1JHJGH5');
    expect(record).to.deep.include({ status: 'assigned', assignee: { userId: 'u-dana', email: 'dana@acme.example', name: 'Dana Ruiz' } });
    expect(record!.acknowledgement!.note).to.equal('Imported from MDM (Jamf Pro)');
    expect((await app.import('jamf')).counts).to.include({ unchanged: 1, updated: 0 });
  });

  it('retries the rows that failed when the run is repeated, leaving the rest unchanged', async () => {
    let fleet = [latitude({ sourceDeviceId: 'bad', serialNumber: 'R9\u0000BROKEN' }), latitude({ sourceDeviceId: 'good' })];
    app = new EmbeddedApp({ intune: () => fleet });
    expect((await app.import('intune')).counts).to.include({ created: 1, errors: 1 });
    fleet = [latitude({ sourceDeviceId: 'bad', serialNumber: 'R9BROKEN' }), latitude({ sourceDeviceId: 'good' })];
    expect((await app.import('intune')).counts).to.include({ created: 1, unchanged: 1, errors: 0 });
  });

  it('gives new records consecutive asset tags in the configured convention', async () => {
    app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 3, seed: 3 }) }, { ASSET_TAG_PREFIX: 'IT-', ASSET_TAG_DIGITS: '4' });
    await app.import('intune');
    const tags = (await app.register.search({})).items.map((r) => r.assetTag);
    expect(tags).to.deep.equal(['IT-0001', 'IT-0002', 'IT-0003']);
  });

  describe('the same serial twice within one source (re-enrolment)', () => {
    const stale = latitude({ sourceDeviceId: 'old', osVersion: '10.0.19045', lastSyncedAt: '2025-03-01T00:00:00Z' });
    const fresh = latitude({ sourceDeviceId: 'new', osVersion: '10.0.22631', lastSyncedAt: '2026-11-26T00:00:00Z' });

    for (const [label, order] of [['stale first', [stale, fresh]], ['fresh first', [fresh, stale]]] as const) {
      it(`keeps one record following the most recently synced entry (${label})`, async () => {
        app = new EmbeddedApp({ intune: () => order });
        const result = await app.import('intune');
        expect(result.counts).to.deep.equal({ created: 1, updated: 0, unchanged: 0, skipped: 1, errors: 0, missing: 0 });
        expect(result.skippedDevices[0]).to.include({ reason: 'duplicate-serial', serial: '7XK9QW3' });
        expect(await app.register.bySerial('7XK9QW3')).to.include({ osVersion: '10.0.22631' });
        expect((await app.register.search({})).total).to.equal(1);
        const rerun = await app.import('intune');
        expect(rerun.counts).to.deep.equal({ created: 0, updated: 0, unchanged: 1, skipped: 1, errors: 0, missing: 0 });
      });
    }

    it('handles the duplicate across page boundaries the same way', async () => {
      app = new EmbeddedApp({ intune: () => [fresh, ...generateFleet({ source: 'intune', size: 5, seed: 9 }), stale] }, {}, 2);
      const result = await app.import('intune');
      expect(result.counts).to.include({ created: 6, skipped: 1 });
      expect(await app.register.bySerial('7XK9QW3')).to.include({ osVersion: '10.0.22631' });
    });

    it('decides the duplicate the same way when a page is split into batches', async () => {
      const fleet = [stale, ...generateFleet({ source: 'intune', size: 5, seed: 9 }), fresh];
      const importIn = async (batch: number | null) => {
        app = new EmbeddedApp({ intune: () => fleet }, {}, 100);
        app.container.rebind(TOKENS.DecisionBatch).toConstantValue(batch);
        let appends = 0;
        watchHardwareAppends(app, () => void (appends += 1));
        const { counts, skippedDevices } = await app.import('intune');
        const records = (await app.register.search({})).items.map((r) => ({ serial: r.serial, assetTag: r.assetTag, osVersion: r.osVersion, sources: r.sources.map((s) => s.sourceDeviceId) }));
        await app.close();
        return { appends, outcome: { counts, skippedDevices: skippedDevices.map((d) => ({ ...d, hardwareId: undefined })), records } };
      };
      const whole = await importIn(null);
      expect(whole.appends).to.equal(1);
      expect(whole.outcome.counts).to.include({ created: 6, skipped: 1 });
      const batched = await importIn(3);
      expect(batched.appends, 'stale in the first batch, fresh in the third').to.equal(3);
      expect(batched.outcome).to.deep.equal(whole.outcome);
    });
  });

  it('lands the same serial from two sources on one record', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook()], intune: () => [macbook({ source: 'intune', sourceDeviceId: 'aad-1', osVersion: '15.0' })] });
    await app.import('jamf');
    const second = await app.import('intune');
    expect(second.counts).to.include({ created: 0, updated: 1 });
    const record = await app.register.bySerial('C02XK1JHJGH5');
    expect(record!.sources.map((s) => s.source)).to.deep.equal(['jamf', 'intune']);
    expect((await app.register.search({})).total).to.equal(1);
  });

  it('reports a device that fails and goes on with the rest', async () => {
    app = new EmbeddedApp({ intune: () => [latitude({ sourceDeviceId: 'bad', serialNumber: 'X'.repeat(10) + '\u0007' + 'Y' }), latitude({ sourceDeviceId: 'good' })] });
    const result = await app.import('intune');
    expect(result.counts).to.include({ created: 1, errors: 1 });
    expect(result.failedDevices[0]).to.include({ sourceDeviceId: 'bad', reason: 'invalid-serial' });
    expect(result.failedDevices[0]!.detail).to.match(/serialNumber .*Correct the serial number in the MDM/);
  });

  it('records a run that loses its source half-way as failed, keeping what it applied', async () => {
    const flaky: MdmSource = {
      name: 'intune',
      async *devices() {
        yield { devices: [latitude({ sourceDeviceId: 'p1' })] };
        throw new Error('Microsoft Graph answered 401 InvalidAuthenticationToken');
      },
    };
    app = new EmbeddedApp({ intune: flaky });
    const failure = await app.import('intune').then(() => null, (e: unknown) => e);
    expect(failure).to.be.instanceOf(ImportRunFailed);
    const { result } = failure as ImportRunFailed;
    expect(result).to.include({ status: 'failed', failure: 'Microsoft Graph answered 401 InvalidAuthenticationToken' });
    expect(result.counts).to.include({ created: 1 });
    expect(await app.register.bySerial('7XK9QW3')).to.not.equal(null);
    const [entry] = await app.auditLog.list({});
    expect(entry).to.include({ status: 'failed', failureReason: 'Microsoft Graph answered 401 InvalidAuthenticationToken' });
    expect((await app.history.runs())[0]).to.include({ status: 'failed' });
  });

  it('records what a page\'s first batches applied when a later one fails, so the failed run counts what the register holds', async () => {
    app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 600, seed: 3 }) }, {}, 600);
    let hardwareAppends = 0;
    watchHardwareAppends(app, () => (++hardwareAppends === 3 ? new Error('the store went away') : undefined));
    const failure = await app.import('intune').then(() => null, (e: unknown) => e);
    expect(failure).to.be.instanceOf(ImportRunFailed);
    const { result } = failure as ImportRunFailed;
    expect(result).to.include({ status: 'failed', failure: 'the store went away' });
    expect(result.counts).to.include({ created: 500 });
    expect((await app.register.search({ limit: 1 })).total).to.equal(500);
    const [entry] = await app.auditLog.list({});
    expect(entry).to.include({ status: 'failed', pages: 1 });
    expect(entry!.counts).to.include({ created: 500 });
  });

  it('refuses a second run of the same source while one is in progress, and creates no duplicates', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: MdmSource = {
      name: 'intune',
      async *devices() {
        yield { devices: [latitude({ sourceDeviceId: 's1' })] };
        await gate;
      },
    };
    app = new EmbeddedApp({ intune: slow });
    const first = app.import('intune');
    await new Promise((r) => setTimeout(r, 20));
    const second = await app.import('intune').then(() => null, (e: unknown) => e);
    expect(second).to.be.instanceOf(ImportAlreadyRunning);
    expect((second as Error).message).to.match(/already running.*Wait for it to finish/);
    release();
    expect((await first).counts).to.include({ created: 1 });
    expect((await app.register.search({})).total).to.equal(1);
  });

  it('refuses a source that is not configured, saying where to fix it', async () => {
    app = new EmbeddedApp({});
    const error = await app.import('jamf').then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(SourceNotConfigured);
    expect((error as Error).message).to.match(/Jamf Pro is not configured.*Settings → Integrations/);
  });

  it('keeps hand edits through a re-import', async () => {
    let fleet = [macbook()];
    app = new EmbeddedApp({ jamf: () => fleet });
    await app.import('jamf');
    const record = (await app.register.bySerial('C02XK1JHJGH5'))!;
    await app.edits.edit(record.id, { name: 'Design laptop', cpu: 'M3 Pro', ram: '18 GB', storage: '1 TB', purchasePrice: 2499, purchaseDate: '2024-01-15', status: 'in_repair' }, 'admin@acme.example');
    fleet = [macbook({ osVersion: '15.1', model: 'MacBook Pro (16-inch, 2023)' })];
    await app.import('jamf');
    expect(await app.register.bySerial('C02XK1JHJGH5')).to.include({
      name: 'Design laptop', cpu: 'M3 Pro', ram: '18 GB', storage: '1 TB', purchasePrice: 2499, purchaseDate: '2024-01-15',
      status: 'in_repair', osVersion: '15.1', model: 'MacBook Pro (16-inch, 2023)', assetTag: record.assetTag,
    });
  });

  describe('shares the event loop while it writes (the embedded store answers synchronously)', () => {
    /** Counts the event loop's turns: an immediate that queues the next one, until stopped. */
    const turnCounter = () => {
      let turns = 0;
      let running = true;
      const tick = () => {
        if (!running) return;
        turns += 1;
        setImmediate(tick);
      };
      setImmediate(tick);
      return { get turns() { return turns; }, stop: () => { running = false; } };
    };

    it('turns the loop within every page, before its events are appended', async () => {
      app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 300, seed: 5 }) }, {}, 100);
      const counter = turnCounter();
      const turnsAtAppend: number[] = [];
      watchHardwareAppends(app, () => void turnsAtAppend.push(counter.turns));
      await app.import('intune');
      counter.stop();
      expect(turnsAtAppend).to.have.length(3);
      expect(turnsAtAppend[0], 'before the first page is appended').to.be.above(0);
      for (let page = 1; page < turnsAtAppend.length; page += 1) expect(turnsAtAppend[page]!, `between pages ${page} and ${page + 1}`).to.be.above(turnsAtAppend[page - 1]!);
    });

    it('turns the loop while the read models are rebuilt from the events', async () => {
      app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size: 300, seed: 5 }) }, {}, 100);
      await app.import('intune');
      const counter = turnCounter();
      await app.projections.rebuild();
      counter.stop();
      expect(counter.turns).to.be.above(0);
    });
  });
});
