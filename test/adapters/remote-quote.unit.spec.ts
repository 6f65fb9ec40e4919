import { expect } from 'chai';
import { quoteRemote, remoteText } from '../../src/adapters/driven/remote-quote.js';

describe('Quoting what an MDM answered', () => {
  it('quotes a short value whole, as JSON', () => {
    expect(quoteRemote({ error: 'invalid_client', codes: [7000215], ok: false, none: null })).to.equal('{"error":"invalid_client","codes":[7000215],"ok":false,"none":null}');
    expect(quoteRemote('text')).to.equal('"text"');
    expect(quoteRemote(42)).to.equal('42');
  });

  it('cuts a long value at the bound and says so with "…"', () => {
    expect(quoteRemote({ message: 'x'.repeat(1_000_000) }, 20)).to.equal(`{"message":"${'x'.repeat(8)}…`);
    expect(quoteRemote('y'.repeat(1_000_000), 5)).to.equal('"yyyyy…"');
    expect(quoteRemote([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 8)).to.equal('[1,2,3,4…');
  });

  it('quotes an array nested deeper than any call stack, which JSON.stringify cannot', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(() => JSON.stringify(deep)).to.throw(RangeError);
    expect(quoteRemote(deep, 10)).to.equal(`${'['.repeat(10)}…`);
  });

  it('stops at the bound: the rest of a large answer is not walked', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => ({ id: i }));
    const walked = new Proxy(entries, { get: (target, key, receiver) => (key === '50000' ? expect.fail('walked past the quote') : Reflect.get(target, key, receiver)) });
    expect(quoteRemote(walked, 30)).to.equal('[{"id":0},{"id":1},{"id":2},{"…');
  });

  it('gives remote text as it is, cut; other values as a quote', () => {
    expect(remoteText('INVALID_PRIVILEGE')).to.equal('INVALID_PRIVILEGE');
    expect(remoteText('C'.repeat(1_000), 4)).to.equal('CCCC…');
    expect(remoteText({ code: 1 })).to.equal('{"code":1}');
  });
});
