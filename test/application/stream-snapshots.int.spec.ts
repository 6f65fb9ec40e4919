import { expect } from 'chai';
import { EVENTS_BETWEEN_SNAPSHOTS, HARDWARE_SNAPSHOT_VERSION, HardwareRepository } from '../../src/application/hardware-repository.js';
import type { StreamEvent } from '../../src/application/ports/event-store.js';
import type { StreamSnapshot, StreamSnapshots } from '../../src/application/ports/stream-snapshots.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { latitude, macbook } from '../support/mothers.js';

/** The app, with every stream read and every snapshot saved written down. */
function watched(fleets: ConstructorParameters<typeof EmbeddedApp>[0]) {
  const app = new EmbeddedApp(fleets);
  const snapshots = app.container.get<StreamSnapshots>(TOKENS.StreamSnapshots);
  const reads: Array<{ streams: string[]; after: Map<string, number>; read: Map<string, StreamEvent[]> }> = [];
  const saved: StreamSnapshot[] = [];
  const readStreams = app.store.readStreams.bind(app.store);
  app.store.readStreams = async (streams, after) => {
    const read = await readStreams(streams, after);
    reads.push({ streams: [...streams], after: new Map(after ?? []), read });
    return read;
  };
  const save = snapshots.save.bind(snapshots);
  snapshots.save = (taken, version) => (saved.push(...taken), save(taken, version));
  return { app, snapshots, reads, saved, lastRead: () => reads.at(-1)! };
}

/** A Latitude imported, then reported with a new OS build: its stream holds two events. */
async function importedThenPatched() {
  const fleet: MdmDevice[] = [latitude()];
  const world = watched({ intune: () => fleet });
  await world.app.import('intune');
  fleet[0] = latitude({ osVersion: '10.0.22631.4602' });
  await world.app.import('intune');
  const patchAgain = () => void (fleet[0] = latitude({ osVersion: '10.0.22631.4751' }));
  return { ...world, patchAgain };
}

describe('Stream snapshots: a device\'s history is not read from its start at every run', () => {
  let app: EmbeddedApp;
  afterEach(() => app?.close());

  it(`given a device whose OS changed at two runs, when it is read ${EVENTS_BETWEEN_SNAPSHOTS} events past its start, then a snapshot is kept and the next run reads only what follows it`, async () => {
    const world = await importedThenPatched();
    app = world.app;
    expect(world.saved, 'one event read: nothing to keep yet').to.deep.equal([]);
    world.patchAgain();
    await app.import('intune');
    expect(world.saved.map((s) => [s.stream, s.revision])).to.deep.equal([['hardware-7XK9QW3', 1]]);

    const rerun = await app.import('intune');
    expect(rerun.counts.unchanged).to.equal(1);
    expect(world.lastRead().after.get('hardware-7XK9QW3'), 'read from the snapshot on').to.equal(1);
    expect(world.lastRead().read.get('hardware-7XK9QW3')!.map((e) => e.revision)).to.deep.equal([2]);
    expect((await app.register.bySerial('7XK9QW3'))!.osVersion).to.equal('10.0.22631.4751');
  });

  it('decides from a snapshot exactly as from the whole stream, over a history of every kind of hardware event', async () => {
    // A second Mac, registered by hand before Jamf first lists it.
    const handMac = () => macbook({ sourceDeviceId: '102', serialNumber: 'C02HANDREG01', userEmail: null, lastSyncedAt: '2026-11-28T08:00:00.000Z' });
    const jamf: MdmDevice[] = [macbook({ userEmail: 'dana@acme.example' }), handMac()];
    const intune: MdmDevice[] = [];
    const world = watched({ jamf: () => jamf, intune: () => intune });
    app = world.app;
    await app.edits.register({ serial: 'C02HANDREG01', name: 'Loaner 1', category: 'laptop' }, 'admin@acme.example');
    await app.import('jamf');
    await app.import('jamf');
    app.loadUsers([{ id: 'u-dana', email: 'dana@acme.example', displayName: 'Dana Ruiz', active: true }]);
    await app.import('jamf'); // assigned now that Dana exists
    intune.push(macbook({ source: 'intune', sourceDeviceId: 'intune-mac', osVersion: '15.1', lastSyncedAt: '2026-11-27T08:00:00.000Z' }));
    await app.import('intune'); // a second source
    const record = (await app.register.bySerial('C02XK1JHJGH5'))!;
    await app.edits.edit(record.id, { cpu: 'M3 Pro', status: 'in_repair' }, 'admin@acme.example');
    jamf.length = 0;
    await app.import('jamf'); // missing from Jamf
    jamf.push(macbook({ userEmail: 'dana@acme.example', osVersion: '15.2', lastSyncedAt: '2026-11-28T08:00:00.000Z' }), handMac());
    await app.import('jamf'); // seen again, newer OS
    expect(world.saved.length, 'snapshots were taken along the way').to.be.greaterThan(0);
    const serials = ['C02XK1JHJGH5', 'C02HANDREG01'];
    const history = await Promise.all(serials.map(async (serial) => (await app.store.readStream(`hardware-${serial}`)).map((e) => e.type)));
    expect(new Set(history.flat())).to.deep.equal(new Set([
      'HardwareImported', 'HardwareRegistered', 'HardwareAssigned', 'HardwareSourceLinked', 'HardwareDetailsEdited', 'HardwareMissingFromMdm', 'HardwareSeenAgainInMdm', 'HardwareIdentityUpdated',
    ]));

    const fromSnapshot = await new HardwareRepository(app.store, world.snapshots).loadMany(serials, undefined, { keepSnapshots: false });
    expect(world.lastRead().after.size, 'both loads started from a snapshot').to.equal(2);
    const fromStart = await new HardwareRepository(app.store).loadMany(serials);
    for (const serial of serials) expect(JSON.parse(JSON.stringify(fromSnapshot.get(serial))), serial).to.deep.equal(JSON.parse(JSON.stringify(fromStart.get(serial))));

    const rerun = await app.import('jamf');
    expect(rerun.counts.unchanged).to.equal(2);
    expect(await app.register.bySerial('C02XK1JHJGH5')).to.deep.include({ status: 'in_repair', cpu: 'M3 Pro', osVersion: '15.2' });
  });

  it('reads the whole stream past a snapshot taken under another version of the fold', async () => {
    const fleet: MdmDevice[] = [latitude()];
    const world = watched({ intune: () => fleet });
    app = world.app;
    await app.import('intune');
    // A snapshot an older fold left behind: its state is not what this fold would make of the stream.
    await world.snapshots.save([{ stream: 'hardware-7XK9QW3', revision: 0, state: { exists: false } }], HARDWARE_SNAPSHOT_VERSION - 1);
    const rerun = await app.import('intune');
    expect(rerun.counts).to.include({ unchanged: 1, created: 0, errors: 0 });
    expect(world.lastRead().after.size).to.equal(0);
  });

  it('reads a device from its start when its snapshot is beyond the end of its stream (an event store restored from an older backup), and drops that snapshot', async () => {
    const world = watched({ intune: () => [latitude()] });
    app = world.app;
    await app.import('intune');
    const { state } = (await new HardwareRepository(app.store).loadMany(['7XK9QW3'])).get('7XK9QW3')!;
    // What the lost history had made of the device: another OS build, five events on.
    const lost = { ...state, identity: { ...(state as { identity: object }).identity, osVersion: '10.0.26100.2605' } };
    await world.snapshots.save([{ stream: 'hardware-7XK9QW3', revision: 5, state: lost }], HARDWARE_SNAPSHOT_VERSION);

    const rerun = await app.import('intune');
    expect(rerun.counts).to.include({ unchanged: 1, updated: 0, errors: 0 });
    expect((await app.store.readStream('hardware-7XK9QW3')).map((e) => e.type)).to.deep.equal(['HardwareImported']);
    expect((await world.snapshots.load(['hardware-7XK9QW3'], HARDWARE_SNAPSHOT_VERSION)).size, 'dropped').to.equal(0);
  });

  it('a preview keeps no snapshot', async () => {
    const world = await importedThenPatched();
    app = world.app;
    world.patchAgain();
    await app.previewer.execute({ source: 'intune', triggeredBy: 'admin@acme.example' });
    expect(world.saved).to.deep.equal([]);
    expect((await world.snapshots.load(['hardware-7XK9QW3'], HARDWARE_SNAPSHOT_VERSION)).size).to.equal(0);
  });
});
