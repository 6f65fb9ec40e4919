import { createHash } from 'node:crypto';

/**
 * The id of the event at `revision` of `stream`, always the same (a name-based UUID). EventStoreDB
 * recognises a retried append by its event ids, so a write repeated after a lost answer is not doubled.
 */
export function eventIdFor(stream: string, revision: number): string {
  const hash = createHash('sha1').update(`ontrackio-mdm:${stream}:${revision}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
