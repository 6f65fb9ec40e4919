import { expect } from 'chai';
import { quote, excerpt } from '../../src/domain/shared/quote.js';

describe('Quoting a value the system did not make', () => {
  it('quotes a short value whole, as JSON', () => {
    expect(quote({ error: 'invalid_client', codes: [7000215], ok: false, none: null })).to.equal('{"error":"invalid_client","codes":[7000215],"ok":false,"none":null}');
    expect(quote('text')).to.equal('"text"');
    expect(quote(42)).to.equal('42');
  });

  it('cuts a long value at the bound and says so with "…"', () => {
    expect(quote({ message: 'x'.repeat(1_000_000) }, 20)).to.equal(`{"message":"${'x'.repeat(8)}…`);
    expect(quote('y'.repeat(1_000_000), 5)).to.equal('"yyyyy…"');
    expect(quote([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 8)).to.equal('[1,2,3,4…');
  });

  it('quotes an array nested deeper than any call stack, which JSON.stringify cannot', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(() => JSON.stringify(deep)).to.throw(RangeError);
    expect(quote(deep, 10)).to.equal(`${'['.repeat(10)}…`);
  });

  it('stops at the bound: the rest of a large answer is not walked', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => ({ id: i }));
    const walked = new Proxy(entries, { get: (target, key, receiver) => (key === '50000' ? expect.fail('walked past the quote') : Reflect.get(target, key, receiver)) });
    expect(quote(walked, 30)).to.equal('[{"id":0},{"id":1},{"id":2},{"…');
  });

  it('gives remote text as it is, cut; other values as a quote', () => {
    expect(excerpt('INVALID_PRIVILEGE')).to.equal('INVALID_PRIVILEGE');
    expect(excerpt('C'.repeat(1_000), 4)).to.equal('CCCC…');
    expect(excerpt({ code: 1 })).to.equal('{"code":1}');
  });

  it('never cuts between the two halves of one character', () => {
    expect(excerpt('ab😀cd', 3)).to.equal('ab…');
    expect(excerpt('ab😀cd', 4)).to.equal('ab😀…');
  });
});
