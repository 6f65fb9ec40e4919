import { expect } from 'chai';
import { outcomeDetail, outcomeName } from '../../src/domain/import-run/outcome.js';
import { recordParts, utf8Bytes } from '../../src/domain/import-run/record-parts.js';

describe("A run's lists recorded in parts that each fit one write", () => {
  it('counts text in UTF-8 bytes, as the stores bound a write', () => {
    for (const text of ['', 'ascii', 'Żółw', 'Ж'.repeat(10), '日本語', '😀 and 🇯🇵', 'half \ud800 of one']) {
      expect(utf8Bytes(text), text).to.equal(Buffer.byteLength(text));
    }
  });

  it('keeps a list that fits in one part, and an empty list as one empty part', () => {
    const list = [{ n: 1 }, { n: 2 }];
    expect(recordParts(list, 100)).to.deep.equal([list]);
    expect(recordParts([], 100)).to.deep.equal([[]]);
  });

  it('cuts a list that does not fit into consecutive parts, each within the bound, losing and reordering nothing', () => {
    const list = Array.from({ length: 50 }, (_, n) => ({ n, name: 'Ж'.repeat(n % 7) }));
    const parts = recordParts(list, 200);
    expect(parts.length).to.be.greaterThan(1);
    expect(parts.flat()).to.deep.equal(list);
    for (const part of parts) expect(Buffer.byteLength(JSON.stringify(part))).to.be.at.most(200);
  });

  it('gives an item larger than the bound a part of its own', () => {
    const big = { name: 'x'.repeat(500) };
    expect(recordParts([{ n: 1 }, big, { n: 2 }], 100)).to.deep.equal([[{ n: 1 }], [big], [{ n: 2 }]]);
  });

  it('also cuts at a number of items', () => {
    expect(recordParts([1, 2, 3, 4, 5], 1_000, 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
  });
});

describe('What an outcome repeats of a device', () => {
  it('keeps a name the register takes whole, and of a longer one the first 1,000 characters and "…"', () => {
    expect(outcomeName("Alice's MacBook Pro")).to.equal("Alice's MacBook Pro");
    expect(outcomeName('n'.repeat(1_000))).to.equal('n'.repeat(1_000));
    expect(outcomeName('M'.repeat(2_000_000))).to.equal(`${'M'.repeat(1_000)}…`);
    expect(outcomeName(null)).to.equal(null);
    expect(outcomeName('')).to.equal(null);
  });

  it('keeps a detail of up to 2,000 characters', () => {
    expect(outcomeDetail('Serial X was already reported in this run.')).to.equal('Serial X was already reported in this run.');
    expect(outcomeDetail('d'.repeat(10_000))).to.equal(`${'d'.repeat(2_000)}…`);
  });
});
