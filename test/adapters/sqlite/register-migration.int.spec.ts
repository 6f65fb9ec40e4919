import { expect } from 'chai';
import { openDatabase } from '../../../src/adapters/driven/sqlite/database.js';
import { SqliteEventStore } from '../../../src/adapters/driven/sqlite/sqlite-event-store.js';
import { SqliteReadModels } from '../../../src/adapters/driven/sqlite/sqlite-read-models.js';
import { hardwareStream } from '../../../src/application/streams.js';
import { ProjectionRunner } from '../../../src/infrastructure/projection-runner.js';
import { imported, macbook } from '../../support/mothers.js';
import { record } from '../../contracts/read-models.contract.js';

/** A register table of an older shape, with its checkpoint past the one event in the store. */
async function givenOlderRegister(shape: string): Promise<{ db: ReturnType<typeof openDatabase>; store: SqliteEventStore }> {
  const db = openDatabase(':memory:');
  const store = new SqliteEventStore(db);
  await store.append(hardwareStream('C02XK1JHJGH5'), [imported(macbook())], 'no_stream');
  db.exec(shape);
  db.prepare("INSERT INTO checkpoints (name, position) VALUES ('register', 1)").run();
  return { db, store };
}

function registerSql(db: ReturnType<typeof openDatabase>): string {
  return (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'register'").get() as { sql: string }).sql;
}

describe('A register of an older shape', () => {
  /** A register holding this record, whose search texts an older version left as `olderTexts` (SQL) says. */
  async function withOlderSearchTexts(held: ReturnType<typeof record>, olderTexts: string): Promise<{ db: ReturnType<typeof openDatabase>; models: SqliteReadModels }> {
    const db = openDatabase(':memory:');
    const models = new SqliteReadModels(db);
    await models.register.commit([held], 1);
    db.exec(olderTexts);
    return { db, models };
  }
  const serials = async (models: SqliteReadModels, text: string) => (await models.search({ text })).items.map((r) => r.serial);

  it('with search texts an older version only lower-cased folds them again when it opens, once, so that "zoe\'s" finds Zoë’s MacBook', async () => {
    // As a version before 2026-12-08 left them: lower-cased only, and no note of their folding.
    const { db, models } = await withOlderSearchTexts(record('Z1', { name: 'Zoë’s MacBook Pro' }), "UPDATE register SET search = lower(json_extract(doc, '$.name')); DROP TABLE register_search_version;");
    expect((await models.search({ text: "zoe's" })).total, 'before: not found').to.equal(0);
    expect(await serials(new SqliteReadModels(db), "zoe's macbook")).to.deep.equal(['Z1']);
    db.exec("UPDATE register SET search = 'left as it is'");
    new SqliteReadModels(db);
    expect(db.prepare('SELECT search FROM register').pluck().get(), 'folded once: a later open reads no record again').to.equal('left as it is');
    db.close();
  });

  it('with search texts made before they held the MAC address makes them again when it opens, so a MAC finds its record', async () => {
    // As version 2 left them: the same text without the MAC.
    const { db, models } = await withOlderSearchTexts(record('M1', { macAddress: '3C:21:9C:0A:1B:2C' }), "UPDATE register SET search = replace(search, ' 3c:21:9c:0a:1b:2c', ''); UPDATE register_search_version SET version = 2;");
    expect((await models.search({ text: '3c-21-9c-0a-1b-2c' })).total, 'before: not found').to.equal(0);
    expect(await serials(new SqliteReadModels(db), '3c-21-9c-0a-1b-2c')).to.deep.equal(['M1']);
    db.close();
  });

  it('from before the rowid table is dropped with its checkpoint and rebuilt from the events at the next catch-up', async () => {
    const { db, store } = await givenOlderRegister(`CREATE TABLE register (
      key TEXT PRIMARY KEY, id TEXT NOT NULL, serial TEXT NOT NULL, asset_tag TEXT NOT NULL, assignee_email TEXT,
      status TEXT NOT NULL, category TEXT NOT NULL, sources TEXT NOT NULL, search TEXT NOT NULL, doc TEXT NOT NULL
    ) WITHOUT ROWID`);
    const models = new SqliteReadModels(db);
    expect(registerSql(db)).to.not.match(/WITHOUT ROWID/i);
    expect(await models.register.checkpoint()).to.equal(0);
    await new ProjectionRunner(store, models).catchUp();
    expect(await models.bySerial('C02XK1JHJGH5')).to.deep.include({ serial: 'C02XK1JHJGH5' });
    db.close();
  });

  it('keyed by stream name is dropped and rebuilt keyed by serial', async () => {
    const { db, store } = await givenOlderRegister(`CREATE TABLE register (
      key TEXT PRIMARY KEY, id TEXT NOT NULL, serial TEXT NOT NULL, asset_tag TEXT NOT NULL, assignee_email TEXT,
      status TEXT NOT NULL, category TEXT NOT NULL, sources TEXT NOT NULL, missing TEXT NOT NULL, search TEXT NOT NULL, doc TEXT NOT NULL
    )`);
    const models = new SqliteReadModels(db);
    expect(registerSql(db)).to.not.match(/\bkey\b/i);
    expect(registerSql(db)).to.match(/serial TEXT NOT NULL UNIQUE/);
    expect(await models.register.checkpoint()).to.equal(0);
    await new ProjectionRunner(store, models).catchUp();
    expect([...(await models.register.load([hardwareStream('C02XK1JHJGH5')])).keys()]).to.deep.equal([hardwareStream('C02XK1JHJGH5')]);
    expect(await models.bySerial('C02XK1JHJGH5')).to.deep.include({ serial: 'C02XK1JHJGH5' });
    db.close();
  });

  it('with an index on status or category alone gets them with the asset tag after, so a filtered page is an index range', async () => {
    const db = openDatabase(':memory:');
    new SqliteReadModels(db);
    // As an earlier version left them.
    db.exec('DROP INDEX register_status_by_tag; DROP INDEX register_category_by_tag; CREATE INDEX register_status ON register (status); CREATE INDEX register_category ON register (category);');
    new SqliteReadModels(db);
    const columns = (index: string) => db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(index).map((c) => c.name);
    const indexes = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'register' ORDER BY name").all().map((i) => i.name);
    expect(indexes).to.not.include.members(['register_status', 'register_category']);
    expect(columns('register_status_by_tag')).to.deep.equal(['status', 'asset_tag']);
    expect(columns('register_category_by_tag')).to.deep.equal(['category', 'asset_tag']);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT rowid FROM register WHERE status = 'available' ORDER BY asset_tag LIMIT 50").all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' | '), 'no sort of every available record').to.not.match(/TEMP B-TREE/);
    db.close();
  });
});
