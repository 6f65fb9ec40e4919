import { expect } from 'chai';
import { uuidGenerator, uuidV7 } from '../../src/infrastructure/system-clock.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('New ids', () => {
  it('are UUIDs of version 7, with the RFC 9562 variant', () => {
    for (let i = 0; i < 100; i += 1) expect(uuidGenerator.newId()).to.match(V7);
  });

  it('carry the millisecond they were made in, so a later id sorts after an earlier one', () => {
    const at = Date.UTC(2026, 10, 28, 17, 0, 0);
    const id = uuidV7(at);
    expect(parseInt(id.replace('-', '').slice(0, 12), 16)).to.equal(at);
    expect(uuidV7(at) < uuidV7(at + 1)).to.equal(true);
    expect(uuidV7(at + 1) < uuidV7(at + 1_000_000)).to.equal(true);
  });

  it('differ within one millisecond', () => {
    const at = Date.now();
    expect(new Set(Array.from({ length: 1000 }, () => uuidV7(at))).size).to.equal(1000);
  });
});
