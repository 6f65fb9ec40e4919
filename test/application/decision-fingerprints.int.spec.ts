import { expect } from 'chai';
import { generateFleet } from '../../src/adapters/driven/synthetic/fleet-generator.js';
import type { KnownHardware } from '../../src/application/ports/known-hardware.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { latitude, macbook } from '../support/mothers.js';

/** The embedded store reads every stream; the production stores use the read side's hints, as here. */
function withHints(fleets: ConstructorParameters<typeof EmbeddedApp>[0]): { app: EmbeddedApp; streamsRead: string[] } {
  const app = new EmbeddedApp(fleets);
  const readModels = app.container.get<KnownHardware>(TOKENS.ReadModelStore);
  app.container.rebind(TOKENS.KnownHardware).toConstantValue(readModels);
  const streamsRead: string[] = [];
  const store = app.store;
  const readStreams = store.readStreams.bind(store);
  store.readStreams = (streams) => {
    streamsRead.push(...streams.filter((s) => s.startsWith('hardware-')));
    return readStreams(streams);
  };
  return { app, streamsRead };
}

describe('Imports with the read side\'s hints (how the production stores spare round trips)', () => {
  let app: EmbeddedApp;
  afterEach(() => app?.close());

  it('given a fleet imported once, when the same listing is imported again, then every device is unchanged and no hardware stream is read', async () => {
    const world = withHints({ intune: () => generateFleet({ source: 'intune', size: 120, seed: 11 }) });
    app = world.app;
    const first = await app.import('intune');
    expect(first.counts.created).to.equal(120);
    expect(world.streamsRead, 'a first run reads no stream: the register holds none of them').to.deep.equal([]);
    const rerun = await app.import('intune');
    expect(rerun.counts).to.deep.equal({ created: 0, updated: 0, unchanged: 120, skipped: 0, errors: 0, missing: 0 });
    expect(world.streamsRead).to.deep.equal([]);
    const outcomes = (await app.history.run(rerun.runId))!.outcomes;
    const record = await app.register.bySerial(outcomes[0]!.serial!);
    expect(outcomes[0], 'an unchanged device still names its record').to.include({ hardwareId: record!.id, assetTag: record!.assetTag });
  });

  it('reads and updates only the device whose entry changed', async () => {
    const fleet = [latitude(), latitude({ sourceDeviceId: 'intune-2', serialNumber: 'SECOND01' })];
    const world = withHints({ intune: () => fleet });
    app = world.app;
    await app.import('intune');
    fleet[1] = { ...fleet[1]!, osVersion: '10.0.26100.1' };
    const rerun = await app.import('intune');
    expect(rerun.counts).to.include({ updated: 1, unchanged: 1 });
    expect(world.streamsRead).to.deep.equal(['hardware-SECOND01']);
    expect((await app.register.bySerial('SECOND01'))!.osVersion).to.equal('10.0.26100.1');
    world.streamsRead.length = 0;
    expect((await app.import('intune')).counts.unchanged, 'settled again after the update').to.equal(2);
    expect(world.streamsRead).to.deep.equal([]);
  });

  it('reads a record again once its stream moved past the fingerprint (a hand edit)', async () => {
    const world = withHints({ intune: () => [latitude()] });
    app = world.app;
    await app.import('intune');
    const record = (await app.register.bySerial('7XK9QW3'))!;
    await app.edits.edit(record.id, { cpu: 'i7-1365U' }, 'admin@acme.example');
    const rerun = await app.import('intune');
    expect(rerun.counts.unchanged).to.equal(1);
    expect(world.streamsRead).to.deep.equal(['hardware-7XK9QW3']);
  });

  it('reads a record whose register lags behind the fingerprint', async () => {
    app = new EmbeddedApp({ intune: () => [latitude()] });
    const readModels = app.container.get<KnownHardware>(TOKENS.ReadModelStore);
    let behind = 0;
    // A register some events behind its streams, as another instance's writes not yet projected leave it.
    app.container.rebind(TOKENS.KnownHardware).toConstantValue({
      known: async (serials: readonly string[]) => new Map([...(await readModels.known(serials))].map(([s, r]) => [s, { ...r, revision: r.revision - behind }])),
      fingerprints: (source, serials) => readModels.fingerprints(source, serials),
      saveFingerprints: (fingerprints) => readModels.saveFingerprints(fingerprints),
    } satisfies KnownHardware);
    const read: string[] = [];
    const readStreams = app.store.readStreams.bind(app.store);
    app.store.readStreams = (streams) => (read.push(...streams), readStreams(streams));
    await app.import('intune');
    behind = 1;
    const rerun = await app.import('intune');
    expect(rerun.counts.unchanged).to.equal(1);
    expect(read).to.deep.equal(['hardware-7XK9QW3']);
  });

  it('takes the check-in time into the fingerprint of a record two sources report', async () => {
    const mac = (lastSyncedAt: string): MdmDevice => macbook({ source: 'intune', sourceDeviceId: 'intune-mac', lastSyncedAt });
    const intune = [mac('2026-11-26T08:00:00.000Z')];
    const world = withHints({ jamf: () => [macbook()], intune: () => intune });
    app = world.app;
    await app.import('jamf');
    await app.import('intune');
    world.streamsRead.length = 0;
    await app.import('intune');
    expect(world.streamsRead, 'same entry, same check-in: not read').to.deep.equal([]);
    intune[0] = mac('2026-11-27T08:00:00.000Z');
    const rerun = await app.import('intune');
    expect(world.streamsRead, 'a new check-in can change who owns the identity: read').to.deep.equal(['hardware-C02XK1JHJGH5']);
    expect(rerun.counts.unchanged).to.equal(1);
  });
});
