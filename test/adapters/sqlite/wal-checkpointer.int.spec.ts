import { expect } from 'chai';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, writeTransaction, type SqliteDatabase } from '../../../src/adapters/driven/sqlite/database.js';
import { WalCheckpointer } from '../../../src/adapters/driven/sqlite/wal-checkpointer.js';
import { logOf, whenCopiedBack } from '../../support/write-ahead-log.js';

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(10)) if (check()) return true;
  return check();
}

function writeRows(db: SqliteDatabase, rows: number): void {
  writeTransaction(db, () => {
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    for (let i = 0; i < rows; i += 1) insert.run(`row-${Math.random()}`, 'x'.repeat(2000));
  });
}

describe('The embedded store’s checkpoint thread', () => {
  let dir: string;
  let file: string;
  let db: SqliteDatabase;
  let failures: string[];
  let checkpointer: WalCheckpointer;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ontrackio-wal-'));
    file = join(dir, 'store.sqlite');
    db = openDatabase(file);
    failures = [];
    checkpointer = new WalCheckpointer(db, file, (detail) => failures.push(detail));
  });
  afterEach(async () => {
    await checkpointer.stop();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed transactions back into the file on its own thread, well before SQLite’s 1,000-frame threshold', async () => {
    writeRows(db, 200);
    writeRows(db, 200);
    const { log, checkpointed } = await whenCopiedBack(file, 5000);
    expect(log > 0 && checkpointed === log, JSON.stringify({ log, checkpointed })).to.equal(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true }), 'the writer’s own checkpoint is the safety net').to.equal(4000);
    expect(failures).to.deep.equal([]);
  });

  it('starts no thread while the store is only read: the writer keeps SQLite’s own threshold', () => {
    db.prepare('SELECT count(*) FROM settings').get();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1000);
  });

  it('once stopped, hands the checkpoints back to the writer and starts no thread again', async () => {
    writeRows(db, 10);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1000);
    writeRows(db, 50);
    await sleep(150);
    const { log, checkpointed } = logOf(file);
    expect(log, 'the second write stays in the log').to.be.greaterThan(checkpointed);
  });

  it('a thread that cannot open the file says so, and the writer checkpoints for itself again', async () => {
    // The writer keeps its open file; the thread, opening it by name, finds none.
    unlinkSync(file);
    writeRows(db, 10);
    expect(await eventually(() => failures.length > 0)).to.equal(true);
    expect(failures[0]).to.match(/^the checkpoint thread stopped: /);
    expect(await eventually(() => db.pragma('wal_autocheckpoint', { simple: true }) === 1000)).to.equal(true);
    writeRows(db, 10);
    expect(failures, 'reported once, not at every commit').to.have.length(1);
  });
});
