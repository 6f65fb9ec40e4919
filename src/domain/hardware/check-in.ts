/**
 * A device's last check-in as an instant to order entries by. The same instant may be written two
 * ways (with or without milliseconds, Z or an offset), so entries are never ordered by the text. No
 * check-in, or one that does not read, comes before every real one.
 */
export function checkInInstant(time: string | null | undefined): number {
  const at = time ? Date.parse(time) : Number.NaN;
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
}

/** Most recent check-in first; the same instant goes to the larger device id, so order never depends on arrival. */
export function byLatestCheckIn(a: { lastSyncedAt: string | null; sourceDeviceId: string }, b: { lastSyncedAt: string | null; sourceDeviceId: string }): number {
  const difference = checkInInstant(b.lastSyncedAt) - checkInInstant(a.lastSyncedAt);
  if (difference !== 0 && !Number.isNaN(difference)) return difference;
  return a.sourceDeviceId === b.sourceDeviceId ? 0 : a.sourceDeviceId > b.sourceDeviceId ? -1 : 1;
}
