import { expect } from 'chai';
import type { KnownHardware } from '../../src/application/ports/known-hardware.js';
import { positionOf, type AuditEntry, type HardwareRecord, type AuditLogQueries, type HardwareRegisterQueries, type ReadModelStore, type RegisterPosition } from '../../src/application/ports/read-models.js';

export interface ReadModelHarness {
  store: ReadModelStore;
  register: HardwareRegisterQueries;
  auditLog: AuditLogQueries;
  known: KnownHardware;
  close(): Promise<void>;
}

export function record(serial: string, overrides: Partial<HardwareRecord> = {}): HardwareRecord {
  return {
    id: `id-${serial}`, serial, assetTag: `HW-${serial}`, name: `Device ${serial}`, manufacturer: 'Apple', model: 'MacBook Air (M2, 2022)',
    operatingSystem: 'macOS', osVersion: '15.0', macAddress: null, category: 'laptop', status: 'available', condition: 'good', assignee: null,
    acknowledgement: null, cpu: null, ram: null, storage: null, purchasePrice: null, purchaseDate: null, specifications: {},
    sources: [{ source: 'jamf', sourceDeviceId: serial, lastSyncedAt: null, missingSince: null, lastListedAt: null }], createdAt: '2026-11-27T09:00:00.000Z',
    updatedAt: '2026-11-27T09:00:00.000Z', revision: 0, ...overrides,
  };
}

export function entry(runId: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    runId, source: 'intune', triggeredBy: 'admin@acme.example', startedAt: '2026-11-27T09:00:00.000Z', finishedAt: null, status: 'running',
    counts: { created: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 }, failureReason: null, pages: 0, announcedTotal: null,
    lastActivityAt: '2026-11-27T09:00:00.000Z', position: 1, ...overrides,
  };
}

/** What every read-model adapter must do: the projection side (load, commit, checkpoint, rebuild) and the queries. */
export function readModelContract(name: string, open: () => Promise<ReadModelHarness>): void {
  describe(`Read-model contract: ${name}`, () => {
    let h: ReadModelHarness;
    beforeEach(async () => (h = await open()));
    afterEach(() => h.close());

    it('starts with checkpoints at 0 and nothing stored', async () => {
      expect(await h.store.register.checkpoint()).to.equal(0);
      expect(await h.store.auditLog.checkpoint()).to.equal(0);
      expect((await h.store.register.load(['hardware-X'])).size).to.equal(0);
    });

    it('commits documents with the checkpoint and loads them back by key', async () => {
      await h.store.register.commit([record('A1'), record('B2')], 42);
      expect(await h.store.register.checkpoint()).to.equal(42);
      const loaded = await h.store.register.load(['hardware-A1', 'hardware-B2', 'hardware-C3']);
      expect([...loaded.keys()].sort()).to.deep.equal(['hardware-A1', 'hardware-B2']);
      expect(loaded.get('hardware-A1')).to.deep.equal(record('A1'));
    });

    it('replaces a document committed again', async () => {
      await h.store.register.commit([record('A1')], 1);
      await h.store.register.commit([record('A1', { osVersion: '15.1', revision: 1 })], 2);
      expect(await h.register.bySerial('A1')).to.include({ osVersion: '15.1', revision: 1 });
    });

    it('advances the checkpoint alone when a batch changed no document', async () => {
      await h.store.auditLog.commit([], 7);
      expect(await h.store.auditLog.checkpoint()).to.equal(7);
    });

    it('finds hardware by id, serial (any case) and filters', async () => {
      const nameOf = (serial: string) => ({ A1: "Alice's MacBook Air", B2: 'Device B2', C3: 'Device C3' })[serial as 'A1'] ?? serial;
      const alice = { userId: 'u1', email: 'alice@acme.example', name: 'Alice Martin' };
      await h.store.register.commit([
        record('A1', { assignee: alice, status: 'assigned', name: "Alice's MacBook Air" }),
        record('B2', { category: 'phone', model: 'iPhone 15' }),
        record('C3', { sources: [{ source: 'intune', sourceDeviceId: 'x', lastSyncedAt: null, missingSince: null, lastListedAt: null }] }),
      ], 3);
      expect(await h.register.byId('id-B2')).to.include({ serial: 'B2' });
      expect(await h.register.bySerial(' a1 ')).to.include({ serial: 'A1' });
      expect(await h.register.bySerial('ZZ')).to.equal(null);
      const serials = async (filter: Parameters<HardwareRegisterQueries['search']>[0]) => (await h.register.search(filter)).items.map((r) => r.serial);
      expect(await serials({ assigneeEmail: 'ALICE@acme.example' })).to.deep.equal(['A1']);
      expect(await serials({ status: 'assigned' })).to.deep.equal(['A1']);
      expect(await serials({ category: 'phone' })).to.deep.equal(['B2']);
      expect(await serials({ source: 'intune' })).to.deep.equal(['C3']);
      expect(await serials({ assetTag: 'HW-C3' })).to.deep.equal(['C3']);
      expect(await serials({ text: 'iphone' })).to.deep.equal(['B2']);
      expect(await serials({ text: 'alice' })).to.deep.equal(['A1']);
      expect(await serials({ text: '100%' })).to.deep.equal([]);
      expect(await serials({ text: 'b2' }), 'shorter than three characters').to.deep.equal(['B2']);
      expect(await serials({ text: 'macbook air' }), 'across words').to.deep.equal(['A1', 'C3']);
      expect(await serials({ text: 'device "b' })).to.deep.equal([]);
      expect(await serials({ text: 'device', category: 'phone' }), 'with another filter').to.deep.equal(['B2']);
      expect(await serials({ text: 'air a1' }), 'from one field into the next (name, then serial)').to.deep.equal(['A1']);
      expect(await serials({ text: ' ALICE@ACME ' }), 'trimmed, in any case').to.deep.equal(['A1']);
      expect(await serials({ text: 'a\u0000b' }), 'a NUL, which no text holds').to.deep.equal([]);
      for (const blank of ['', '  ']) {
        const everything = { serial: blank, assetTag: blank, assigneeEmail: blank, text: blank };
        expect(await serials(everything), `${JSON.stringify(blank)} filters nothing out, as a blank text search does`).to.deep.equal(['A1', 'B2', 'C3']);
      }
      expect((await h.register.search({ text: 'alice' })).items, 'a record as committed, nothing of the store beside it').to.deep.equal([
        record('A1', { assignee: alice, status: 'assigned', name: "Alice's MacBook Air" }),
      ]);
      expect(await h.register.byId('id-B2')).to.deep.equal(record('B2', { category: 'phone', model: 'iPhone 15' }));
      const page = await h.register.search({ offset: 1, limit: 1 });
      expect(page).to.include({ total: 3, offset: 1, limit: 1 });
      expect(page.items.map((r) => r.serial)).to.deep.equal(['B2']);
      expect(await serials({ sort: 'name' }), 'by name').to.deep.equal(['A1', 'B2', 'C3'].sort((a, b) => nameOf(a).localeCompare(nameOf(b))));
      expect(await serials({ sort: 'serial', order: 'desc' })).to.deep.equal(['C3', 'B2', 'A1']);
      expect(await serials({ sort: 'category', order: 'desc', limit: 1 })).to.deep.equal(['B2']);
      expect(await serials({ sort: 'status', offset: 1, limit: 5 }), 'ties broken by asset tag').to.deep.equal(['B2', 'C3']);
    });

    it('searches the text of records as they are now, after each change', async () => {
      const text = async (words: string) => (await h.register.search({ text: words })).items.map((r) => r.name);
      await h.store.register.commit([record('A1', { name: 'Front desk laptop' }), record('B2', { name: 'Lab scanner' })], 3);
      expect(await text('front desk')).to.deep.equal(['Front desk laptop']);
      await h.store.register.commit([record('A1', { name: 'Reception laptop', revision: 1 })], 4);
      expect(await text('front desk'), 'the old name').to.deep.equal([]);
      expect(await text('reception')).to.deep.equal(['Reception laptop']);
      await h.store.register.commit([record('C3', { name: 'Lab printer' })], 5);
      expect(await text('lab ')).to.deep.equal(['Lab scanner', 'Lab printer']);
    });

    it("finds a name as a person types it: without its accents, with a straight apostrophe for macOS's curly one", async () => {
      const text = async (words: string) => (await h.register.search({ text: words })).items.map((r) => r.serial);
      await h.store.register.commit([record('Z1', { name: 'Zoë’s MacBook Pro' }), record('J2', { name: 'Front desk', assignee: { userId: 'u-j', email: 'jose@acme.example', name: 'José García' } })], 6);
      expect(await text("zoe's macbook")).to.deep.equal(['Z1']);
      expect(await text('ZOË’S')).to.deep.equal(['Z1']);
      expect(await text('jose garcia')).to.deep.equal(['J2']);
      expect(await text('garcía')).to.deep.equal(['J2']);
    });

    it('finds a record by its MAC address, typed in any notation a network tool gives it', async () => {
      const text = async (words: string) => (await h.register.search({ text: words })).items.map((r) => r.serial);
      await h.store.register.commit([record('M1', { macAddress: '3C:21:9C:0A:1B:2C' }), record('M2', { macAddress: 'A4:83:E7:12:34:56' })], 6);
      for (const typed of ['3C:21:9C:0A:1B:2C', '3c-21-9c-0a-1b-2c', '3c21.9c0a.1b2c', '3c:21:9c']) expect(await text(typed), typed).to.deep.equal(['M1']);
    });

    it('pages a text search with thousands of matches in any sort, by offset and by keyset, with another filter', async () => {
      // Past the few-matches path: more than 2,000 matches, most of them phones, names in no asset-tag order.
      const records = Array.from({ length: 2600 }, (_, i) => record(`T${String(i).padStart(4, '0')}`, {
        name: i % 10 === 9 ? `Spare ${i}` : `Lab ${String((i * 7919) % 2600).padStart(4, '0')}`,
        category: i % 12 === 0 ? 'laptop' : 'phone',
      }));
      await h.store.register.commit(records, 9);
      const byName = (a: HardwareRecord, b: HardwareRecord) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : a.assetTag < b.assetTag ? -1 : 1);
      const labPhones = records.filter((r) => r.name!.startsWith('Lab') && r.category === 'phone').sort(byName).reverse();
      expect(labPhones.length).to.be.above(2000);
      const page = await h.register.search({ text: 'lab ', category: 'phone', sort: 'name', order: 'desc', offset: 1990, limit: 25 });
      expect(page.total).to.equal(labPhones.length);
      expect(page.items.map((r) => r.serial)).to.deep.equal(labPhones.slice(1990, 2015).map((r) => r.serial));
      const next = await h.register.search({ text: 'lab ', category: 'phone', sort: 'name', order: 'desc', after: positionOf(page.items.at(-1)!, 'name'), limit: 25 });
      expect(next.items.map((r) => r.serial), 'the next page by keyset').to.deep.equal(labPhones.slice(2015, 2040).map((r) => r.serial));
      const bySerial = await h.register.search({ text: 'lab ', sort: 'serial', order: 'desc', offset: 2300, limit: 3 });
      const labs = records.filter((r) => r.name!.startsWith('Lab')).map((r) => r.serial).sort().reverse();
      expect(bySerial.items.map((r) => r.serial), 'no other filter, another sort').to.deep.equal(labs.slice(2300, 2303));
    });

    it('pages by keyset in every sort, nulls and ties included, the same rows as by offset', async () => {
      const models = [null, 'Latitude 7440', null, 'MacBook Air', 'Latitude 7440', 'iPad Pro', null];
      await h.store.register.commit(models.map((model, i) => record(`K${i}`, {
        id: `id-K${i}`, assetTag: `HW-0000${6 - i}`, model, status: i % 3 === 0 ? 'assigned' : 'available',
        assignee: i % 2 === 0 ? { userId: `u${i % 4}`, email: `user${i % 4}@acme.example`, name: `User ${i % 4}` } : null,
      })), 7);
      for (const sort of ['assetTag', 'model', 'assignee', 'serial'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          for (const status of [undefined, 'available'] as const) {
            const byOffset = (await h.register.search({ sort, order, status, limit: 1000 })).items.map((r) => r.serial);
            const byKeyset: string[] = [];
            let after: RegisterPosition | undefined;
            for (let pages = 0; pages < 10; pages += 1) {
              const page = await h.register.search({ sort, order, status, limit: 2, ...(after ? { after } : {}) });
              byKeyset.push(...page.items.map((r) => r.serial));
              if (page.items.length < 2) break;
              after = positionOf(page.items.at(-1)!, sort);
            }
            expect(byKeyset, `${sort} ${order} ${status ?? ''}`).to.deep.equal(byOffset);
          }
        }
      }
    });

    it('tells which of a page of serials have a record, at which revision, with its id and asset tag', async () => {
      await h.store.register.commit([record('KNOWN-1', { revision: 3 }), record('KNOWN-2')], 2);
      const known = await h.known.known(['KNOWN-2', 'NEW-1', 'KNOWN-1']);
      expect([...known.keys()].sort()).to.deep.equal(['KNOWN-1', 'KNOWN-2']);
      expect(known.get('KNOWN-1')).to.deep.equal({ revision: 3, hardwareId: 'id-KNOWN-1', assetTag: 'HW-KNOWN-1' });
      expect((await h.known.known([])).size).to.equal(0);
    });

    it('keeps the last settled decision per source and serial, replacing it when saved again', async () => {
      const fingerprint = (serial: string, source: 'intune' | 'jamf', inputs: string, revision: number) => ({ serial, source, inputs, revision, withCheckIn: source === 'jamf' });
      await h.known.saveFingerprints([fingerprint('A1', 'intune', 'x', 0), fingerprint('A1', 'jamf', 'y', 1), fingerprint('B2', 'intune', 'z', 4)]);
      await h.known.saveFingerprints([fingerprint('A1', 'intune', 'x2', 2)]);
      const intune = await h.known.fingerprints('intune', ['A1', 'B2', 'C3']);
      expect([...intune.values()].sort((a, b) => a.serial.localeCompare(b.serial))).to.deep.equal([fingerprint('A1', 'intune', 'x2', 2), fingerprint('B2', 'intune', 'z', 4)]);
      expect([...(await h.known.fingerprints('jamf', ['A1'])).values()]).to.deep.equal([fingerprint('A1', 'jamf', 'y', 1)]);
      expect((await h.known.fingerprints('jamf', [])).size).to.equal(0);
    });

    it('tells the records a source still lists from those it left out, and filters the missing ones', async () => {
      const link = (source: 'intune' | 'jamf', missingSince: string | null) =>
        ({ source, sourceDeviceId: `${source}-1`, lastSyncedAt: null, missingSince, lastListedAt: missingSince && '2026-11-01T09:00:00.000Z' });
      await h.store.register.commit([
        record('LISTED', { sources: [link('intune', null)] }),
        record('GONE', { sources: [link('intune', '2026-11-02T09:00:00.000Z')] }),
        record('BOTH', { sources: [link('intune', '2026-11-02T09:00:00.000Z'), link('jamf', null)] }),
        record('HAND', { sources: [] }),
      ], 4);
      expect((await h.register.serialsListedBy('intune')).sort()).to.deep.equal(['LISTED']);
      expect((await h.register.serialsListedBy('jamf')).sort()).to.deep.equal(['BOTH']);
      const missing = await h.register.search({ missingFrom: 'intune' });
      expect(missing.items.map((r) => r.serial)).to.deep.equal(['BOTH', 'GONE']);
      expect(missing.total).to.equal(2);
      expect((await h.register.search({ missingFrom: 'jamf' })).total).to.equal(0);
      expect((await h.register.search({ missingFrom: 'intune', source: 'jamf' })).items.map((r) => r.serial)).to.deep.equal(['BOTH']);
    });

    it('lists audit entries newest first, by source and time range', async () => {
      await h.store.auditLog.commit([
        entry('r1', { startedAt: '2026-11-25T09:00:00.000Z' }),
        entry('r2', { startedAt: '2026-11-26T09:00:00.000Z', source: 'jamf' }),
        entry('r3', { startedAt: '2026-11-27T09:00:00.000Z', status: 'completed' }),
      ], 9);
      expect((await h.auditLog.list({})).map((e) => e.runId)).to.deep.equal(['r3', 'r2', 'r1']);
      expect((await h.auditLog.list({ source: 'intune' })).map((e) => e.runId)).to.deep.equal(['r3', 'r1']);
      expect((await h.auditLog.list({ from: '2026-11-26T00:00:00.000Z', to: '2026-11-26T23:59:59.999Z' })).map((e) => e.runId)).to.deep.equal(['r2']);
      expect(await h.auditLog.byRunId('r2')).to.deep.equal(entry('r2', { startedAt: '2026-11-26T09:00:00.000Z', source: 'jamf' }));
      expect(await h.auditLog.byRunId('nope')).to.equal(null);
      await h.store.auditLog.commit([entry('r4', { startedAt: '2026-11-28T09:00:00.000Z', triggeredBy: 'schedule' })], 10);
      expect((await h.auditLog.list({ triggeredBy: 'schedule' })).map((e) => e.runId)).to.deep.equal(['r4']);
      expect((await h.auditLog.list({ source: 'jamf', triggeredBy: 'schedule' })).map((e) => e.runId)).to.deep.equal([]);
    });

    it('lists audit entries that started in the same millisecond by run id, whatever order they were written in', async () => {
      const sameInstant = '2026-11-29T06:00:00.000Z';
      await h.store.auditLog.commit([entry('r8-intune', { startedAt: sameInstant })], 11);
      await h.store.auditLog.commit([entry('r9-jamf', { startedAt: sameInstant, source: 'jamf' })], 12);
      await h.store.auditLog.commit([entry('r7', { startedAt: '2026-11-28T06:00:00.000Z' })], 13);
      expect((await h.auditLog.list({})).map((e) => e.runId)).to.deep.equal(['r9-jamf', 'r8-intune', 'r7']);
      expect((await h.auditLog.list({ limit: 1 })).map((e) => e.runId)).to.deep.equal(['r9-jamf']);
    });

    it('rebuilds into fresh models and swaps them in at once', async () => {
      await h.store.register.commit([record('OLD')], 5);
      const session = await h.store.beginRebuild();
      expect(await session.register.checkpoint()).to.equal(0);
      await session.register.commit([record('NEW')], 8);
      await session.auditLog.commit([entry('r9')], 8);
      expect(await h.register.bySerial('OLD'), 'readers keep the live model during a rebuild').to.not.equal(null);
      await session.swap();
      expect(await h.register.bySerial('OLD')).to.equal(null);
      expect(await h.register.bySerial('NEW')).to.not.equal(null);
      expect((await h.register.search({ text: 'device new' })).items.map((r) => r.serial), 'text search follows the swap').to.deep.equal(['NEW']);
      expect((await h.register.search({ text: 'device old' })).total).to.equal(0);
      expect(await h.store.register.checkpoint()).to.equal(8);
      expect((await h.auditLog.list({})).map((e) => e.runId)).to.deep.equal(['r9']);
      const again = await h.store.beginRebuild();
      await again.discard();
      expect(await h.register.bySerial('NEW'), 'a discarded rebuild leaves the live model').to.not.equal(null);
    });
  });
}
