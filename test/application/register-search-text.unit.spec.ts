import { expect } from 'chai';
import { registerSearchText, searchNeedle, trigramKeysOf } from '../../src/application/queries/register-search-text.js';
import { record } from '../contracts/read-models.contract.js';

describe('Register text search: what every store searches, and the keys a store may index it by', () => {
  it("is a record's name, serial, asset tag, model, manufacturer and assignee, folded and joined by spaces", () => {
    const assigned = record('C02X1', { name: "Alice's MacBook Air", assignee: { userId: 'u1', email: 'Alice@Acme.example', name: 'Alice Martin' } });
    expect(registerSearchText(assigned)).to.equal("alice's macbook air c02x1 hw-c02x1 macbook air (m2, 2022) apple alice@acme.example alice martin");
    expect(registerSearchText(record('B2', { name: '', model: null })), 'fields left empty are left out').to.equal('b2 hw-b2 apple');
  });

  it('holds the MAC address with its colons, and asks for a MAC typed with dashes or dots the same way', () => {
    const text = registerSearchText(record('C02M1', { macAddress: '3C:21:9C:0A:1B:2C' }));
    expect(text).to.equal('device c02m1 c02m1 hw-c02m1 macbook air (m2, 2022) apple 3c:21:9c:0a:1b:2c');
    for (const typed of ['3C:21:9C:0A:1B:2C', '3c-21-9c-0a-1b-2c', '3c21.9c0a.1b2c', ' 3c:21:9c ', '9C-0A-1B-2C']) {
      expect(text, typed).to.include(searchNeedle(typed));
    }
    expect(searchNeedle('3c219c0a1b2c'), 'twelve bare digits stay a serial fragment: a Surface serial reads so').to.equal('3c219c0a1b2c');
    expect(text, 'so the digits of a serial never match inside a MAC').to.not.include('219c0a');
    expect(searchNeedle('12-34'), 'two groups are not a MAC: a model or serial may read so').to.equal('12-34');
    expect(searchNeedle('HW-00042')).to.equal('hw-00042');
  });

  it('asks for a needle trimmed and lower-cased, and for none when the text is blank', () => {
    expect(searchNeedle('  MacBook Air ')).to.equal('macbook air');
    expect(searchNeedle('   ')).to.equal('');
    expect(searchNeedle(undefined)).to.equal('');
  });

  it("folds what a person may type otherwise: accents, the apostrophe's forms, full-width letters", () => {
    const held = record('C02X9', { name: 'Zoë’s MacBook Pro', assignee: { userId: 'u9', email: 'jose.garcia@acme.example', name: 'José García' } });
    expect(registerSearchText(held)).to.equal("zoe's macbook pro c02x9 hw-c02x9 macbook air (m2, 2022) apple jose.garcia@acme.example jose garcia");
    for (const typed of ["ZOË'S", 'zoe’s', 'zoeʼs', 'José', 'ｊｏｓｅ']) expect(registerSearchText(held), typed).to.include(searchNeedle(typed));
  });

  it('gives one key per distinct run of three characters, the same for the same run, none for a shorter text', () => {
    const keys = trigramKeysOf('ababab');
    expect(keys, 'aba and bab, once each').to.have.length(2);
    expect(keys).to.have.members([...trigramKeysOf('aba'), ...trigramKeysOf('bab')]);
    expect(trigramKeysOf('ab')).to.deep.equal([]);
    expect(trigramKeysOf('aba')).to.not.deep.equal(trigramKeysOf('abb'));
  });

  it("gives a needle only keys its record's text has, so an index of them never misses a match", () => {
    const text = registerSearchText(record('C02X042005AB', { name: 'Lab printer 😀 (2nd floor)' }));
    for (const needle of ['042005', 'printer 😀', '😀 (2', 'c02x042005ab hw-', 'r 😀']) {
      expect(text, needle).to.include(needle);
      expect(trigramKeysOf(text), needle).to.include.members(trigramKeysOf(needle));
    }
  });

  it('keys small enough to be small integers everywhere (30 bits)', () => {
    const keys = trigramKeysOf('the quick brown fox jumps over the lazy dog 0123456789 ÄÖÜ 漢字 😀');
    expect(keys.every((key) => Number.isInteger(key) && key >= 0 && key < 2 ** 30)).to.equal(true);
  });
});
