import { DependencyUnavailable } from '../../../application/ports/errors.js';

/** What this read needs of the client's catch-up subscription: a Readable in object mode. */
export interface CatchUpSubscription<T> {
  /** Events the client has taken off the wire and not yet handed out. */
  readonly readableLength: number;
  /** The next event in the client's buffer, or null when it holds none. */
  read(): T | null;
  on(event: 'caughtUp' | 'readable' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'caughtUp' | 'readable' | 'end', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  unsubscribe(): Promise<void>;
}

export interface CaughtUpRead<T> {
  events: T[];
  /** Every event before the server's "caught up" was taken: nothing more is stored yet. */
  caughtUp: boolean;
  /**
   * When caught up: the last position the server said it had searched to (a checkpoint of a filtered
   * subscription), past events the filter left out. Null when it sent none.
   */
  searchedTo: bigint | null;
}

/** Opens the subscription, with a callback for the filter's checkpoints. */
export type OpenCatchUp<T> = (onCheckpoint: (commit: bigint) => void) => CatchUpSubscription<T>;

/**
 * Takes up to `maxCount` events from a catch-up subscription, and ends where the server says it has
 * caught up with the log, then cancels the subscription. The client emits "caughtUp" when that
 * message arrives, after the events sent before it are in its buffer: those are still taken, and
 * nothing after them.
 *
 * EventStoreDB sends "caught up" from 23.10 on. An older server never does, and neither does one
 * that stops answering: then the read fails once nothing has come for `idleMs`.
 */
export async function readUntilCaughtUp<T>(open: OpenCatchUp<T>, maxCount: number, idleMs: number): Promise<CaughtUpRead<T>> {
  const events: T[] = [];
  // Events still to take before the point where the server caught up; unknown until it says so.
  let remaining = Number.POSITIVE_INFINITY;
  let checkpoint: bigint | null = null;
  let searchedTo: bigint | null = null;
  let failure: 'silent' | 'ended' | Error | null = null;
  let wake = () => {};
  const timer = setTimeout(() => {
    failure ??= 'silent';
    wake();
  }, idleMs);
  // A filter that leaves out a long run of events sends checkpoints instead: the server is working.
  const subscription = open((commit) => {
    checkpoint = commit;
    timer.refresh();
  });
  const listeners = {
    caughtUp: () => {
      remaining = subscription.readableLength;
      searchedTo = checkpoint;
      wake();
    },
    readable: () => wake(),
    end: () => {
      failure ??= 'ended';
      wake();
    },
    error: (error: Error) => {
      failure ??= error;
      wake();
    },
  };
  subscription.on('caughtUp', listeners.caughtUp);
  subscription.on('readable', listeners.readable);
  subscription.on('end', listeners.end);
  subscription.on('error', listeners.error);
  try {
    // Taken from the buffer synchronously: every state change is looked at before each wait.
    for (;;) {
      const taken = events.length;
      let event: T | null = null;
      while (events.length < maxCount && remaining > 0 && (event = subscription.read()) !== null) {
        events.push(event);
        remaining -= 1;
      }
      if (events.length === maxCount || remaining === 0) return { events, caughtUp: remaining === 0, searchedTo };
      if (failure === 'silent') throw silent(idleMs);
      if (failure === 'ended') throw new DependencyUnavailable('EventStoreDB', 'EventStoreDB ended a catch-up read before it had caught up. Run it again; if it keeps happening, check the server log.');
      if (failure) throw failure;
      if (events.length > taken) timer.refresh();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearTimeout(timer);
    subscription.off('caughtUp', listeners.caughtUp);
    subscription.off('readable', listeners.readable);
    subscription.off('end', listeners.end);
    // The cancelled subscription may still report an error: it must not go unhandled.
    subscription.off('error', listeners.error);
    subscription.on('error', () => undefined);
    await subscription.unsubscribe().catch(() => undefined);
  }
}

function silent(idleMs: number): DependencyUnavailable {
  return new DependencyUnavailable(
    'EventStoreDB',
    `EventStoreDB sent nothing for ${idleMs / 1000} s while the projections caught up, and did not say it had caught up.`,
    undefined,
    'Check that the server is up, and that it is EventStoreDB 23.10 or later: earlier versions never tell a subscription it has caught up.',
  );
}
