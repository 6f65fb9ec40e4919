import { randomUUID } from 'node:crypto';
import type { Clock } from '../application/ports/clock.js';
import type { IdGenerator } from '../application/ports/id-generator.js';

export const systemClock: Clock = { now: () => new Date() };

/**
 * A UUID version 7 (RFC 9562): the time in milliseconds first, so each new hardware id sorts after
 * the last and the stores' unique index on it grows at its end rather than taking a random page
 * write per new device. The random bits come from `randomUUID`, which draws from a pooled buffer
 * (a library's v7 asks the system for 16 bytes per id: a twentieth of a first import's time).
 */
export function uuidV7(now: number = Date.now()): string {
  return timePrefix(now) + randomUUID().slice(15);
}

/** The time's part of the id, `tttttttt-tttt-7`: one per millisecond, and a first import makes a thousand ids in a few. */
let lastTime = -1;
let lastPrefix = '';
function timePrefix(now: number): string {
  if (now !== lastTime) {
    const time = now.toString(16).padStart(12, '0');
    lastPrefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
    lastTime = now;
  }
  return lastPrefix;
}

export const uuidGenerator: IdGenerator = { newId: () => uuidV7() };
