import { expect } from 'chai';
import { asTestList } from '../../src/application/ports/connector-settings-store.js';

describe('Recent Test connection results as stored', () => {
  const test = { ok: true as const, message: 'Connected', at: '2026-12-07T10:00:00.000Z', by: 'admin@acme.example', onUnsavedValues: false, settingsKey: 'a' };

  it('reads the one test a store written before this list kept as a list of it', () => {
    expect(asTestList(test)).to.deep.equal([test]);
  });

  it('reads a list as it is, and anything else as no tests', () => {
    expect(asTestList([test, { ...test, settingsKey: 'b' }])).to.deep.equal([test, { ...test, settingsKey: 'b' }]);
    expect(asTestList(null)).to.deep.equal([]);
    expect(asTestList('garbage')).to.deep.equal([]);
  });
});
