import { setImmediate } from 'node:timers/promises';

/**
 * Lets the event loop run what is waiting (socket reads, timers, requests) before more synchronous
 * work. The embedded store reads and writes a whole page without a break: the next page's bytes,
 * already on their way, sat in the socket until the page was written, so the prefetch overlapped
 * almost nothing, and the API's requests waited as long.
 */
export function giveTurn(): Promise<void> {
  return setImmediate();
}
