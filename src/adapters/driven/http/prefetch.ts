import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Starts fetching the next page and gives the event loop a few turns so that the request actually
 * leaves before the caller starts its synchronous work on the current page; otherwise the fetch
 * and the import would take turns instead of overlapping.
 */
export async function startPrefetch<T>(fetch: () => Promise<T>, turns = 3): Promise<{ pending: Promise<T> }> {
  const pending = fetch();
  pending.catch(() => undefined); // awaited later; a prefetch must not go unhandled
  for (let i = 0; i < turns; i += 1) await nextTurn();
  // Wrapped, because an async function's result is flattened and would wait for the fetch itself.
  return { pending };
}
