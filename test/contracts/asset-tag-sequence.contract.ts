import { expect } from 'chai';
import type { AssetTagSequence } from '../../src/application/ports/asset-tag-sequence.js';

export interface AssetTagSequenceHarness {
  tags: AssetTagSequence;
  close(): Promise<void>;
}

/** What every asset-tag sequence must do: numbers from 1, in order, never the same number twice. */
export function assetTagSequenceContract(name: string, open: () => Promise<AssetTagSequenceHarness>): void {
  describe(`AssetTagSequence contract: ${name}`, function () {
    let harness: AssetTagSequenceHarness;
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(() => harness.close());

    it('gives a new store\'s first reservation 1, and each next one the numbers after the last', async () => {
      expect(await harness.tags.reserve(3)).to.equal(1);
      expect(await harness.tags.reserve(1)).to.equal(4);
      expect(await harness.tags.reserve(250)).to.equal(5);
      expect(await harness.tags.reserve(1)).to.equal(255);
    });

    it('never hands two callers the same number, however their reservations interleave', async () => {
      const firsts = await Promise.all(Array.from({ length: 20 }, () => harness.tags.reserve(5)));
      const numbers = firsts.flatMap((first) => [0, 1, 2, 3, 4].map((i) => first + i)).sort((a, b) => a - b);
      expect(numbers).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
    });
  });
}
