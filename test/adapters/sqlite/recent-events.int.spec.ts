import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../../src/adapters/driven/sqlite/database.js';
import { SqliteEventStore } from '../../../src/adapters/driven/sqlite/sqlite-event-store.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const event = (n: number) => ({ type: 'Noted', data: { n } });
const numbers = (page: { events: Array<{ data: unknown }> }) => page.events.map((e) => (e.data as { n: number }).n);

describe('Embedded event store: reading back what this process appended last', () => {
  let dir: string;
  let dbs: SqliteDatabase[];
  let mine: SqliteEventStore;
  let theirs: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ontrackio-recent-'));
    dbs = [openDatabase(join(dir, 'store.sqlite')), openDatabase(join(dir, 'store.sqlite'))];
    mine = new SqliteEventStore(dbs[0]!);
    theirs = new SqliteEventStore(dbs[1]!);
  });
  afterEach(() => {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given another process appended after this one, when this one reads from before, then it gets the other\'s events too', async () => {
    await mine.append('note-a', [event(1)], 'any');
    await theirs.append('note-b', [event(2)], 'any');
    expect(numbers(await mine.readAll({ after: 0, maxCount: 100 }))).to.deep.equal([1, 2]);
    await mine.append('note-a', [event(3)], 'any');
    expect(numbers(await mine.readAll({ after: 0, maxCount: 100 }))).to.deep.equal([1, 2, 3]);
    const afterTheirs = await mine.readAll({ after: 2, maxCount: 100 });
    expect(numbers(afterTheirs)).to.deep.equal([3]);
    expect(afterTheirs).to.include({ isEnd: true, lastPosition: 3 });
  });

  it('pages what it appended by count and category as the file would, and stops at the end of the log', async () => {
    await mine.appendMany([
      { stream: 'note-a', expectedRevision: 'any', events: [event(1), event(2)] },
      { stream: 'other-x', expectedRevision: 'any', events: [event(3)] },
      { stream: 'note-b', expectedRevision: 'any', events: [event(4)] },
    ]);
    const fromFile = new SqliteEventStore(dbs[1]!);
    for (const options of [{ after: 0, maxCount: 2 }, { after: 2, maxCount: 2, categories: ['note'] }, { after: 1, maxCount: 10, categories: ['other'] }, { after: 4, maxCount: 10 }]) {
      const read = await mine.readAll(options);
      const expected = await fromFile.readAll(options);
      expect(read, `${JSON.stringify(options)}: the same events, ids, revisions, positions and times`).to.deep.equal(expected);
    }
  });

  it('keeps a bounded size of what it appended, not only a bounded count: big recorded pages are let go and read from the file', async () => {
    const pages: WeakRef<object>[] = [];
    for (let n = 0; n < 150; n += 1) {
      const outcomes = Array.from({ length: 1000 }, (_, i) => ({ outcome: 'unchanged', serial: `SERIAL-${n}-${i}`, sourceDeviceId: `device-${n}-${i}` }));
      const data = { n, outcomes };
      pages.push(new WeakRef(data));
      await mine.append('note-run', [{ type: 'Noted', data }], 'any');
    }
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(pages.slice(0, 40).filter((ref) => ref.deref() !== undefined), 'the first 40 of 150 pages (12 MB as written)').to.have.length(0);
    const all = await mine.readAll({ after: 0, maxCount: 200 });
    expect(numbers(all)).to.deep.equal(Array.from({ length: 150 }, (_, n) => n));
    expect((all.events[0]!.data as { outcomes: unknown[] }).outcomes).to.have.length(1000);
  });
});
