import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, STORE_PAGE_BYTES } from '../../../src/adapters/driven/sqlite/database.js';
import { SqliteEventStore } from '../../../src/adapters/driven/sqlite/sqlite-event-store.js';
import { hardwareStream } from '../../../src/application/streams.js';
import { imported, macbook } from '../../support/mothers.js';

describe('The embedded store file’s page size', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ontrackio-page-size-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is 8 KB for a file made new', () => {
    const db = openDatabase(join(dir, 'new.sqlite'));
    expect(db.pragma('page_size', { simple: true })).to.equal(STORE_PAGE_BYTES).and.to.equal(8192);
    db.close();
  });

  it('stays what an existing file was made with, and that file reads and writes as before', async () => {
    const file = join(dir, 'older.sqlite');
    // As a version before this one made it: 4 KB pages, in WAL mode.
    const made = new Database(file);
    made.pragma('page_size = 4096');
    made.pragma('journal_mode = WAL');
    made.exec('CREATE TABLE older_table (x)');
    made.close();
    const first = openDatabase(file);
    await new SqliteEventStore(first).append(hardwareStream('C02XK1JHJGH5'), [imported(macbook())], 'no_stream');
    first.close();

    const db = openDatabase(file);
    expect(db.pragma('page_size', { simple: true })).to.equal(4096);
    const events = await new SqliteEventStore(db).readStream(hardwareStream('C02XK1JHJGH5'));
    expect(events.map((e) => e.type)).to.deep.equal(['HardwareImported']);
    db.close();
  });
});
