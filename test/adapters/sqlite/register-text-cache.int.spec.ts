import { expect } from 'chai';
import sinon from 'sinon';
import { openDatabase } from '../../../src/adapters/driven/sqlite/database.js';
import { RegisterTextCache } from '../../../src/adapters/driven/sqlite/register-text-cache.js';

describe('Register search texts held in memory', () => {
  const setUp = (texts: Record<string, string>) => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE register (asset_tag TEXT NOT NULL UNIQUE, search TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO register (asset_tag, search) VALUES (?, ?)');
    // Inserted out of asset-tag order, so that rowid order and asset-tag order differ.
    for (const [tag, text] of Object.entries(texts).reverse()) insert.run(tag, text);
    const cache = new RegisterTextCache(db, 'register');
    const tagsOf = (rowids: number[]) => rowids.map((rowid) => db.prepare<[number], { t: string }>('SELECT asset_tag AS t FROM register WHERE rowid = ?').get(rowid)!.t);
    return { db, cache, find: (needle: string) => tagsOf(cache.matching(needle)) };
  };

  it('finds each record holding the text once, in asset-tag order, wherever the text sits in it', () => {
    const { db, find } = setUp({ 'HW-1': 'hw-0123 laptop hw-0123', 'HW-2': 'desk hw-0123', 'HW-3': 'hw-0999 tablet', 'HW-4': 'hw-0123' });
    expect(find('hw-0123')).to.deep.equal(['HW-1', 'HW-2', 'HW-4']);
    expect(find('tablet')).to.deep.equal(['HW-3']);
    expect(find('hw-0999 tablet'), 'a whole text').to.deep.equal(['HW-3']);
    expect(find('9')).to.deep.equal(['HW-3']);
    expect(find('nothing')).to.deep.equal([]);
    db.close();
  });

  it('never matches across two records', () => {
    const { db, find } = setUp({ 'HW-1': 'alpha', 'HW-2': 'beta' });
    expect(find('alphabeta')).to.deep.equal([]);
    expect(find('a\u0000b')).to.deep.equal([]);
    expect(find('ab')).to.deep.equal([]);
    db.close();
  });

  it('reads the texts once while nothing changes; while writes keep coming it scans, and reads them again once they settle', () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2026-11-28T09:00:00.000Z'), toFake: ['Date'] });
    const { db, find } = setUp({ 'HW-1': 'front desk', 'HW-2': 'lab 100% done', 'HW-3': 'lab_3' });
    expect(find('desk')).to.deep.equal(['HW-1']);
    const reads = sinon.spy(db, 'prepare');
    const count = (what: RegExp) => reads.getCalls().filter((call) => what.test(String(call.args[0]))).length;
    expect(find('lab')).to.deep.equal(['HW-2', 'HW-3']);
    expect(count(/group_concat\(/), 'nothing changed').to.equal(0);

    db.prepare("UPDATE register SET search = 'reception' WHERE asset_tag = 'HW-1'").run();
    expect(find('desk')).to.deep.equal([]);
    expect(find('reception')).to.deep.equal(['HW-1']);
    expect(find('lab'), 'in asset-tag order').to.deep.equal(['HW-2', 'HW-3']);
    expect(find('100%'), 'LIKE wildcards taken literally').to.deep.equal(['HW-2']);
    expect(find('b_'), 'LIKE wildcards taken literally').to.deep.equal(['HW-3']);
    expect(count(/group_concat\(/), 'a change within seconds of the last read: scanned').to.equal(0);
    expect(count(/LIKE/)).to.be.above(0);

    clock.tick(5_000);
    expect(find('reception')).to.deep.equal(['HW-1']);
    expect(count(/group_concat\(/), 'settled: read again').to.equal(1);
    clock.restore();
    db.close();
  });

  it('finds what a plain substring test finds, for needles of every length, present or not, in texts of any alphabet', () => {
    // A seeded generator: the same texts and needles every run.
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = 'abcdefghij0123456789 -.@()ßéø中文';
    const texts: Record<string, string> = {};
    for (let i = 0; i < 400; i += 1) {
      let text = '';
      for (let n = 1 + random(60); n > 0; n -= 1) text += alphabet[random(alphabet.length)];
      texts[`HW-${String(i).padStart(4, '0')}`] = text;
    }
    const { db, find } = setUp(texts);
    const needles: string[] = [];
    const all = Object.values(texts);
    for (let i = 0; i < 300; i += 1) {
      const text = all[random(all.length)]!;
      const from = random(text.length);
      needles.push(text.slice(from, from + 1 + random(8)));
    }
    for (let i = 0; i < 100; i += 1) {
      let needle = '';
      for (let n = 1 + random(6); n > 0; n -= 1) needle += alphabet[random(alphabet.length)];
      needles.push(needle);
    }
    for (const needle of needles) {
      const expected = Object.keys(texts).sort().filter((tag) => texts[tag]!.includes(needle));
      expect(find(needle), JSON.stringify(needle)).to.deep.equal(expected);
    }
    db.close();
  });
});
