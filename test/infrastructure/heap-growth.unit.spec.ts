import { expect } from 'chai';
import { boundHeapGrowth, HEAP_GROWTH_PERCENT } from '../../src/infrastructure/heap-growth.js';

describe('The process heap policy', () => {
  it('bounds how far the heap grows past what is live', () => {
    expect(boundHeapGrowth([], '')).to.equal(HEAP_GROWTH_PERCENT);
  });

  it("leaves an operator's own growth percent to win, on the command line or in NODE_OPTIONS", () => {
    expect(boundHeapGrowth(['--heap-growing-percent=80'], '')).to.equal(null);
    expect(boundHeapGrowth([], '--max-old-space-size=512 --heap_growing_percent=20')).to.equal(null);
    expect(boundHeapGrowth(['--max-old-space-size=512'], '--enable-source-maps')).to.equal(HEAP_GROWTH_PERCENT);
  });
});
