/**
 * When a source last listed a device, from what is known: the last time its import recorded anything
 * on the record, and the start of its last run that read the whole listing. That run listed every
 * record it did not mark missing, so the later of the two holds.
 */
export function lastListed(recordedAt: string | null, lastCompleteListingAt: string | null): string | null {
  if (recordedAt === null || lastCompleteListingAt === null) return recordedAt ?? lastCompleteListingAt;
  return Date.parse(recordedAt) >= Date.parse(lastCompleteListingAt) ? recordedAt : lastCompleteListingAt;
}
