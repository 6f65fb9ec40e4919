export interface AssetTagSequence {
  /**
   * Reserves `count` consecutive sequence numbers and returns the first. Atomic across processes,
   * so two imports running at once never hand out the same tag.
   */
  reserve(count: number): Promise<number>;
}
