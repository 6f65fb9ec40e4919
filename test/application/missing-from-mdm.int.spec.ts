import { expect } from 'chai';
import type { MdmSource } from '../../src/application/ports/mdm-source.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import type { Integrations } from '../../src/application/integrations.js';
import type { RegisterView } from '../../src/application/queries/register-view.js';
import { TOKENS } from '../../src/application/tokens.js';
import { latitude, macbook } from '../support/mothers.js';

const laptop = (n: number) => latitude({ sourceDeviceId: `aad-${n}`, serialNumber: `SER${String(n).padStart(5, '0')}` });
const fleetOf = (...ns: number[]) => ns.map(laptop);

describe('Devices that left the MDM, through the import', () => {
  let app: EmbeddedApp;
  afterEach(() => app?.close());

  it('given two runs, when the second listing leaves a device out, then it is missing since that run and nothing else of it changes', async () => {
    let fleet = fleetOf(1, 2, 3);
    app = new EmbeddedApp({ intune: () => fleet });
    await app.import('intune');
    const before = (await app.register.bySerial('SER00002'))!;
    fleet = fleetOf(1, 3);
    const second = await app.import('intune');
    expect(second.counts).to.include({ unchanged: 2, missing: 1 });
    expect(second.missingDevices).to.deep.equal([
      { serial: 'SER00002', hardwareId: before.id, assetTag: before.assetTag, name: before.name, sourceDeviceId: 'aad-2', lastListedAt: before.createdAt },
    ]);
    const after = (await app.register.bySerial('SER00002'))!;
    expect(after.sources[0]).to.deep.include({ source: 'intune', lastListedAt: before.createdAt });
    expect(after.sources[0]!.missingSince! >= second.startedAt && after.sources[0]!.missingSince! <= second.finishedAt, 'missing since the run').to.equal(true);
    const { sources: _a, updatedAt: _b, revision: _c, ...unchanged } = before;
    expect(after).to.deep.include(unchanged);
    const filtered = await app.register.search({ missingFrom: 'intune' });
    expect(filtered.items.map((r) => r.serial)).to.deep.equal(['SER00002']);
    const third = await app.import('intune');
    expect(third.counts.missing, 'said once, not on every run').to.equal(0);
    const [latest] = await app.auditLog.list({});
    expect(latest!.counts).to.include({ missing: 0 });
    const secondEntry = (await app.auditLog.list({})).find((e) => e.runId === second.runId)!;
    expect(secondEntry.counts).to.include({ missing: 1 });
    const detail = (await app.history.run(second.runId))!;
    expect(detail.counts.missing).to.equal(1);
    expect(detail.missing.map((m) => m.serial)).to.deep.equal(['SER00002']);
  });

  it('records a device listed again as seen again, and it leaves the missing filter', async () => {
    let fleet = fleetOf(1, 2);
    app = new EmbeddedApp({ intune: () => fleet });
    await app.import('intune');
    fleet = fleetOf(1);
    await app.import('intune');
    fleet = fleetOf(1, 2);
    const back = await app.import('intune');
    expect(back.counts).to.include({ updated: 1, unchanged: 1, missing: 0 });
    expect((await app.register.bySerial('SER00002'))!.sources[0]).to.include({ missingSince: null });
    expect((await app.register.search({ missingFrom: 'intune' })).total).to.equal(0);
    const types = (await app.store.readStream('hardware-SER00002')).map((e) => e.type);
    expect(types).to.deep.equal(['HardwareImported', 'HardwareMissingFromMdm', 'HardwareSeenAgainInMdm']);
  });

  it('says, for a source still listing a record, when it last listed it: its last complete listing', async () => {
    app = new EmbeddedApp({ intune: () => fleetOf(1) });
    await app.import('intune');
    const second = await app.import('intune');
    const view = app.container.get<RegisterView>(TOKENS.RegisterView);
    const record = (await view.search({ serial: 'SER00001' })).items[0]!;
    expect(record.sources[0]).to.include({ missingSince: null, lastListedAt: second.startedAt });
    expect((await view.byId(record.id))!.sources[0]!.lastListedAt).to.equal(second.startedAt);
  });

  it('never looks after a run that failed half-way', async () => {
    let source: MdmSource | (() => MdmDevice[]) = () => fleetOf(1, 2);
    app = new EmbeddedApp({ intune: () => fleetOf(1, 2) });
    await app.import('intune');
    source = {
      name: 'intune',
      async *devices() {
        yield { devices: fleetOf(1) };
        throw new Error('Microsoft Graph answered 503');
      },
    };
    app.fleets.intune = source;
    await app.import('intune').catch(() => undefined);
    expect((await app.register.search({ missingFrom: 'intune' })).total).to.equal(0);
  });

  it('never looks after a listing that was cut short or had unreadable entries, and says so', async () => {
    app = new EmbeddedApp({ intune: () => fleetOf(1, 2) });
    await app.import('intune');
    app.fleets.intune = { name: 'intune', async *devices() { yield { devices: fleetOf(1), warnings: ['Jamf Pro announced 2 devices and served 1.'] }; } };
    const cut = await app.import('intune');
    expect(cut.counts.missing).to.equal(0);
    expect(cut.warnings.at(-1)).to.match(/Devices that left Microsoft Intune were not looked for: the listing was incomplete/);
    app.fleets.intune = { name: 'intune', async *devices() { yield { devices: fleetOf(1), rejected: [{ position: 2, sourceDeviceId: null, detail: 'entry 2 is not an object' }] }; } };
    const unreadable = await app.import('intune');
    expect(unreadable.counts.missing).to.equal(0);
    expect(unreadable.warnings.at(-1)).to.match(/1 entry of the listing could not be read/);
    expect((await app.register.search({ missingFrom: 'intune' })).total).to.equal(0);
  });

  it('does not call a device missing when its entry was listed but failed or was a duplicate', async () => {
    app = new EmbeddedApp({ intune: () => fleetOf(1, 2) });
    await app.import('intune');
    app.fleets.intune = () => [laptop(1), latitude({ sourceDeviceId: 'aad-2b', serialNumber: 'SER00002', lastSyncedAt: '2020-01-01T00:00:00Z' }), { ...laptop(2), sourceDeviceId: 'aad-2' }];
    const run = await app.import('intune');
    expect(run.counts.missing).to.equal(0);
  });

  it('does not call a device missing when its entry was listed with a serial that could not be read', async () => {
    app = new EmbeddedApp({ intune: () => fleetOf(1, 2) });
    await app.import('intune');
    app.fleets.intune = () => [laptop(1), latitude({ sourceDeviceId: 'aad-2', serialNumber: 'SER\u000700002' })];
    const run = await app.import('intune');
    expect(run.counts).to.include({ errors: 1, missing: 0 });
  });

  it('marks only the source that stopped listing a device that both MDMs report', async () => {
    const shared = { serialNumber: 'C02XK1JHJGH5' };
    app = new EmbeddedApp({ jamf: () => [macbook(shared)], intune: () => [macbook({ ...shared, source: 'intune', sourceDeviceId: 'aad-mac' }), laptop(1)] });
    await app.import('jamf');
    await app.import('intune');
    app.fleets.intune = () => [laptop(1)];
    expect((await app.import('intune')).counts.missing).to.equal(1);
    const record = (await app.register.bySerial('C02XK1JHJGH5'))!;
    const bySource = Object.fromEntries(record.sources.map((s) => [s.source, s.missingSince]));
    expect(bySource.jamf).to.equal(null);
    expect(bySource.intune).to.be.a('string');
    expect((await app.register.search({ missingFrom: 'jamf' })).total).to.equal(0);
  });
});

describe('Source precedence, through the import', () => {
  let app: EmbeddedApp;
  afterEach(() => app?.close());

  it('given a Mac first imported from Intune, when Jamf Pro reports it, then the record follows Jamf; when an admin prefers Intune, it follows Intune from the next run', async () => {
    const serial = { serialNumber: 'C02XK1JHJGH5' };
    app = new EmbeddedApp({ intune: () => [macbook({ ...serial, source: 'intune', sourceDeviceId: 'aad-mac', osVersion: '14.6' })], jamf: () => [macbook({ ...serial, osVersion: '15.1' })] });
    await app.import('intune');
    await app.import('jamf');
    expect((await app.register.bySerial('C02XK1JHJGH5'))!.osVersion).to.equal('15.1');
    await app.container.get<Integrations>(TOKENS.Integrations).savePrecedence({ apple: 'intune', other: 'intune' });
    await app.import('intune');
    expect((await app.register.bySerial('C02XK1JHJGH5'))!.osVersion).to.equal('14.6');
  });
});
