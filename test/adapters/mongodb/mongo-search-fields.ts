import { expect } from 'chai';
import type { Collection, Db, Document } from 'mongodb';
import { MongoReadModels } from '../../../src/adapters/driven/mongodb/mongo-read-models.js';
import { SEARCH_TEXT_VERSION, trigramKeysOf } from '../../../src/application/queries/register-search-text.js';
import { record } from '../../contracts/read-models.contract.js';

const REGISTER = 'hardware_register';

/** The database as the adapter sees it, with one method of the register collection replaced. */
function replacingRegister(db: Db, method: 'find' | 'bulkWrite', replace: (register: Collection) => (...args: never[]) => unknown): Db {
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop) as unknown;
    return typeof value === 'function' ? value.bind(target) : value;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'collection') return bound(target, prop);
      return (name: string) => {
        const collection = target.collection(name);
        if (name !== REGISTER) return collection;
        return new Proxy(collection, { get: (c, p) => (p === method ? replace(c) : bound(c, p)) });
      };
    },
  });
}

/** The database as the adapter sees it, with every filter its register finds are asked with kept. */
function recordingFinds(db: Db): { db: Db; filters: Document[] } {
  const filters: Document[] = [];
  const spied = replacingRegister(db, 'find', (register) => (filter: Document, options?: Document) => {
    filters.push(filter);
    return register.find(filter, options);
  });
  return { db: spied, filters };
}

/**
 * The MongoDB register's free-text search: each record's search text and trigrams stored beside it
 * and indexed, a needle looked up by its trigrams, and records from before the fields given theirs
 * at start-up. Run on the benchmark's model of MongoDB, and on a real server when there is one
 * (`explain` only there: the model has no query planner).
 */
export function mongoSearchFieldsSpec(name: string, open: () => Promise<{ db: Db; close(): Promise<void> }>, { explain = false } = {}): void {
  describe(`MongoDB register text search: ${name}`, () => {
    let db: Db;
    let close: () => Promise<void>;
    beforeEach(async () => ({ db, close } = await open()));
    afterEach(() => close());

    it("keeps each record's search text and trigrams beside it, indexes the trigrams, and never gives them out", async () => {
      const models = new MongoReadModels(db);
      await models.ensureIndexes();
      const alice = record('A1', { name: "Alice's MacBook Air" });
      await models.register.commit([alice], 1);
      const stored = await db.collection(REGISTER).findOne({ _id: 'hardware-A1' as unknown as Document['_id'] });
      expect(stored?._search).to.equal("alice's macbook air a1 hw-a1 macbook air (m2, 2022) apple");
      expect(stored?._grams).to.have.members(trigramKeysOf(stored?._search as string));
      expect(stored?._grams, 'runs across two fields too').to.include.members(trigramKeysOf('air a1'));
      const indexes = (await db.collection(REGISTER).listIndexes().toArray()).map((index) => index.key as Document);
      expect(indexes).to.deep.include({ _grams: 1 });
      expect(await models.byId('id-A1')).to.deep.equal(alice);
      expect(await models.bySerial('a1')).to.deep.equal(alice);
      expect((await models.search({ text: 'alice' })).items).to.deep.equal([alice]);
      expect((await models.register.load(['hardware-A1'])).get('hardware-A1')).to.deep.equal(alice);
    });

    it('looks a needle of three characters or more up by its trigrams, then checks the records found for it whole', async () => {
      const recorded = recordingFinds(db);
      const models = new MongoReadModels(recorded.db);
      await models.ensureIndexes();
      await models.register.commit([record('A1', { name: 'Air lab' }), record('B2', { name: 'Lab air' })], 1);
      recorded.filters.length = 0;
      expect((await models.search({ text: 'LAB AIR' })).items.map((r) => r.serial)).to.deep.equal(['B2']);
      const [asked] = recorded.filters;
      expect(asked?._grams, 'every trigram of the needle, from the index').to.deep.equal({ $all: trigramKeysOf('lab air') });
      expect(asked?._search, 'then the needle itself').to.be.instanceOf(RegExp);
      recorded.filters.length = 0;
      expect((await models.search({ text: "alice's macbook air from the third floor" })).items, 'a long needle').to.deep.equal([]);
      const long = recorded.filters[0]?._grams.$all as number[];
      expect(long, 'at most 8 of its keys, from its first run to its last').to.have.length(8);
      expect(trigramKeysOf("alice's macbook air from the third floor")).to.include.members(long);
      recorded.filters.length = 0;
      expect((await models.search({ text: 'b2' })).items.map((r) => r.serial), 'shorter: no trigram to look up').to.deep.equal(['B2']);
      expect(recorded.filters[0]).to.not.have.property('_grams');
      if (explain) {
        const plan = JSON.stringify(await db.collection(REGISTER).find(asked!).explain('queryPlanner'));
        expect(plan, 'the winning plan scans the trigram index').to.include('"indexName":"_grams_1"');
      }
    });

    it('gives the records stored before the search fields theirs when it starts, so that a search finds them', async () => {
      const older = Array.from({ length: 2500 }, (_, i) => record(`OLD${String(i).padStart(4, '0')}`, { name: i === 1234 ? 'Front desk laptop' : `Device ${i}` }));
      await db.collection(REGISTER).insertMany(older.map((r) => ({ ...r, _id: `hardware-${r.serial}` })) as unknown as Document[]);
      const models = new MongoReadModels(db);
      expect((await models.search({ text: 'front desk' })).total, 'before: not found').to.equal(0);
      await models.ensureIndexes();
      expect((await models.search({ text: 'front desk' })).items.map((r) => r.serial)).to.deep.equal(['OLD1234']);
      expect(await db.collection(REGISTER).countDocuments({ _grams: { $exists: false } }), 'none left without').to.equal(0);
      expect(await models.bySerial('OLD0042')).to.deep.equal(older[42]);
    });

    it('folds again, when it starts, the search texts an older version only lower-cased and left the MAC out of, then notes it and only looks for records without fields', async () => {
      const zoe = record('Z1', { name: 'Zoë’s MacBook Pro', macAddress: '3C:21:9C:0A:1B:2C' });
      const lowerCased = "zoë’s macbook pro z1 hw-z1 macbook air (m2, 2022) apple";
      // As a version before 2026-12-08 stored it: lower-cased only, and no note of its folding.
      await db.collection(REGISTER).insertMany([{ ...zoe, _id: 'hardware-Z1', _search: lowerCased, _grams: trigramKeysOf(lowerCased) }] as unknown as Document[]);
      const recorded = recordingFinds(db);
      const models = new MongoReadModels(recorded.db);
      expect((await models.search({ text: "zoe's" })).total, 'before: not found').to.equal(0);
      await models.ensureIndexes();
      expect((await models.search({ text: "zoe's macbook" })).items).to.deep.equal([zoe]);
      expect((await models.search({ text: '3c-21-9c-0a-1b-2c' })).items, 'by its MAC').to.deep.equal([zoe]);
      expect(await db.collection('read_model_versions').findOne({ _id: 'register-search-text' as unknown as Document['_id'] })).to.deep.equal({ _id: 'register-search-text', version: SEARCH_TEXT_VERSION });
      recorded.filters.length = 0;
      await models.ensureIndexes();
      expect(recorded.filters, 'a later start only looks for records written without the fields').to.deep.equal([{ _grams: { $exists: false } }]);
    });

    it('stops giving them when every record of a batch was replaced meanwhile by an instance that writes none (an older version)', async () => {
      const older = Array.from({ length: 1000 }, (_, i) => record(`RACE${String(i).padStart(4, '0')}`));
      const register = db.collection(REGISTER);
      await register.insertMany(older.map((r) => ({ ...r, _id: `hardware-${r.serial}` })) as unknown as Document[]);
      let batches = 0;
      // Before each batch of the backfill is written, an older instance replaces every record of it.
      const racing = replacingRegister(db, 'bulkWrite', (c) => async (operations: Array<{ updateOne?: { filter: Document } }>, options: Document) => {
        batches += 1;
        for (const operation of operations) await c.updateOne({ _id: operation.updateOne!.filter._id }, { $inc: { revision: 1 } });
        return c.bulkWrite(operations as never, options);
      });
      await new MongoReadModels(racing).ensureIndexes();
      expect(batches, 'one batch, then it gives up instead of reading the same records again').to.equal(1);
      expect(await register.countDocuments({ _grams: { $exists: false } }), 'left for the next start').to.equal(1000);
    });
  });
}
