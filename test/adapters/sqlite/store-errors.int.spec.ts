import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DependencyUnavailable } from '../../../src/application/ports/errors.js';
import { guardStore, storeUnavailable } from '../../../src/adapters/driven/sqlite/store-errors.js';
import { openDatabase } from '../../../src/adapters/driven/sqlite/database.js';
import { SqliteStreamSnapshots } from '../../../src/adapters/driven/sqlite/sqlite-stream-snapshots.js';

/** Real SQLite failures, made on purpose, and what the embedded store's adapters answer for each. */
describe('Embedded store failures become the port\'s DependencyUnavailable', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ontrackio-store-errors-'));
    file = join(dir, 'store.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x TEXT)');
    db.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failureOf = (write: () => unknown) => {
    try {
      write();
    } catch (error) {
      return storeUnavailable(error);
    }
    throw new Error('the write succeeded');
  };

  it('a read-only file: says so and what to change, retry in 30 s', () => {
    const db = new Database(file, { readonly: true });
    const failure = failureOf(() => db.prepare("INSERT INTO t VALUES ('x')").run());
    db.close();
    expect(failure).to.be.instanceOf(DependencyUnavailable);
    expect(failure!.message).to.match(/is read-only \(SQLITE_READONLY/);
    expect(failure!.fix).to.match(/writable/);
    expect(failure!.retryAfterSeconds).to.equal(30);
  });

  it('a full database: says the disk is full and that nothing recorded was lost', () => {
    const db = new Database(file);
    db.pragma('max_page_count = 3');
    const failure = failureOf(() => db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000)));
    db.close();
    expect(failure!.message).to.match(/is full \(SQLITE_FULL\)/);
    expect(failure!.fix).to.match(/nothing already recorded was lost/);
  });

  it('a write lock held by another connection past busy_timeout: busy, retry in 5 s', () => {
    const holder = new Database(file);
    const waiter = new Database(file, { timeout: 50 });
    holder.exec('BEGIN IMMEDIATE');
    const failure = failureOf(() => waiter.transaction(() => waiter.prepare("INSERT INTO t VALUES ('y')").run()).immediate());
    holder.exec('ROLLBACK');
    holder.close();
    waiter.close();
    expect(failure!.message).to.match(/busy.*\(SQLITE_BUSY\)/);
    expect(failure!.retryAfterSeconds).to.equal(5);
  });

  it('leaves any other error as it is, and maps through a guarded adapter, sync or async', async () => {
    expect(storeUnavailable(new Error('boom'))).to.equal(null);
    const db = new Database(file, { readonly: true });
    const adapter = guardStore({
      write: () => db.prepare("INSERT INTO t VALUES ('x')").run(),
      writeLater: async () => db.prepare("INSERT INTO t VALUES ('x')").run(),
      other: () => {
        throw new RangeError('not a store error');
      },
    });
    expect(() => adapter.write()).to.throw(DependencyUnavailable);
    expect(await adapter.writeLater().then(() => null, (e: unknown) => e)).to.be.instanceOf(DependencyUnavailable);
    expect(() => adapter.other()).to.throw(RangeError);
    db.close();
  });

  it('a snapshot damaged on disk is read as none: the stream is then read whole, and nothing fails', async () => {
    const db = openDatabase(join(dir, 'snapshots.sqlite'));
    const snapshots = new SqliteStreamSnapshots(db);
    await snapshots.save([{ stream: 'hardware-A', revision: 40, state: { serial: 'A' } }, { stream: 'hardware-B', revision: 40, state: { serial: 'B' } }], 1);
    db.prepare("UPDATE snapshots SET state = substr(state, 1, 5) WHERE stream = 'hardware-A'").run();
    const loaded = await snapshots.load(['hardware-A', 'hardware-B'], 1);
    db.close();
    expect([...loaded.keys()]).to.deep.equal(['hardware-B']);
  });
});
