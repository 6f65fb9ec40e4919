import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { StreamSnapshots } from '../../src/application/ports/stream-snapshots.js';

export interface StreamSnapshotsHarness {
  snapshots: StreamSnapshots;
  close(): Promise<void>;
}

const state = (osVersion: string) => ({ exists: true, serial: 'C02XK1JDJG5J', identity: { osVersion, macAddress: null }, mdmRecords: { jamf: { missingSince: null } } });

/** What every snapshot store must do. Stream names are unique per test, for a shared server. */
export function streamSnapshotsContract(name: string, open: () => Promise<StreamSnapshotsHarness>): void {
  describe(`StreamSnapshots contract: ${name}`, function () {
    let harness: StreamSnapshotsHarness;
    let prefix: string;
    const stream = (id: string) => `${prefix}-${id}`;

    beforeEach(async () => {
      harness = await open();
      prefix = `s${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });
    afterEach(() => harness.close());

    it('has none for a stream never snapshotted, and none for no streams', async () => {
      expect((await harness.snapshots.load([stream('none')], 1)).size).to.equal(0);
      expect((await harness.snapshots.load([], 1)).size).to.equal(0);
    });

    it('gives back each stream the state and revision it was saved with', async () => {
      await harness.snapshots.save([{ stream: stream('a'), revision: 4, state: state('15.1') }, { stream: stream('b'), revision: 9, state: state('17.2') }], 1);
      const loaded = await harness.snapshots.load([stream('a'), stream('b'), stream('c')], 1);
      expect(loaded.get(stream('a'))).to.deep.equal({ stream: stream('a'), revision: 4, state: state('15.1') });
      expect(loaded.get(stream('b'))).to.deep.equal({ stream: stream('b'), revision: 9, state: state('17.2') });
      expect(loaded.has(stream('c'))).to.equal(false);
    });

    it('reads nothing taken under another version of the fold', async () => {
      await harness.snapshots.save([{ stream: stream('a'), revision: 4, state: state('15.1') }], 1);
      expect((await harness.snapshots.load([stream('a')], 2)).size).to.equal(0);
    });

    it('keeps the later of two snapshots of one version, whichever is saved last', async () => {
      await harness.snapshots.save([{ stream: stream('a'), revision: 7, state: state('15.2') }], 1);
      await harness.snapshots.save([{ stream: stream('a'), revision: 3, state: state('15.0') }, { stream: stream('b'), revision: 2, state: state('17.0') }], 1);
      const loaded = await harness.snapshots.load([stream('a'), stream('b')], 1);
      expect(loaded.get(stream('a'))).to.deep.include({ revision: 7, state: state('15.2') });
      expect(loaded.get(stream('b'))).to.deep.include({ revision: 2 });
      await harness.snapshots.save([{ stream: stream('a'), revision: 8, state: state('15.3') }], 1);
      expect((await harness.snapshots.load([stream('a')], 1)).get(stream('a'))).to.deep.include({ revision: 8, state: state('15.3') });
    });

    it('forgets the snapshots of the streams named, of any version, and only those', async () => {
      await harness.snapshots.save([{ stream: stream('a'), revision: 7, state: state('15.2') }, { stream: stream('b'), revision: 2, state: state('17.0') }], 1);
      await harness.snapshots.save([{ stream: stream('c'), revision: 4, state: state('16.0') }], 2);
      await harness.snapshots.forget([stream('a'), stream('c'), stream('none')]);
      expect([...(await harness.snapshots.load([stream('a'), stream('b')], 1)).keys()]).to.deep.equal([stream('b')]);
      expect((await harness.snapshots.load([stream('c')], 2)).size).to.equal(0);
      await harness.snapshots.forget([]);
    });

    it('replaces a snapshot of another version, even at an earlier revision', async () => {
      await harness.snapshots.save([{ stream: stream('a'), revision: 7, state: state('15.2') }], 1);
      await harness.snapshots.save([{ stream: stream('a'), revision: 5, state: state('15.1') }], 2);
      expect((await harness.snapshots.load([stream('a')], 2)).get(stream('a'))).to.deep.include({ revision: 5, state: state('15.1') });
      expect((await harness.snapshots.load([stream('a')], 1)).size).to.equal(0);
    });
  });
}
