import { DependencyUnavailable } from '../../../application/ports/errors.js';

/** A read of the EventStoreDB client: its events, and a way to end it. */
export interface CancellableRead<T> extends AsyncIterable<T> {
  cancel?(): Promise<void>;
}

/**
 * The client sets no deadline on its stream reads (`deadline: Infinity`), so a server that stops
 * answering holds a read, and the run, forever. Here each event must come within `ms` of the last
 * (one timer per read, re-armed): otherwise the read is cancelled and fails as the store being
 * unavailable.
 */
export async function* withinDeadline<T>(read: CancellableRead<T>, ms: number): AsyncGenerator<T> {
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    void read.cancel?.().catch(() => undefined);
  }, ms);
  const late = () => new DependencyUnavailable('EventStoreDB', `EventStoreDB did not answer a read within ${ms / 1000} s.`);
  try {
    for await (const item of read) {
      timer.refresh();
      yield item;
    }
  } catch (error) {
    throw expired ? late() : error;
  } finally {
    clearTimeout(timer);
  }
  if (expired) throw late();
}
