import { setTimeout as sleep } from 'node:timers/promises';

export interface StoreTally {
  roundTrips: number;
  /** Round trips by call (readStream, appendToStream, find…). */
  byCall: Record<string, number>;
  /** The most calls that were waiting on this store at one time. */
  maxInFlight: number;
  /**
   * CPU time the fake spent answering (filtering, copying documents). A real server does that work
   * on its own machine, inside the round trip, so the model takes it out of the wall time.
   */
  answerMs: number;
  /** Events the store's reads sent back, and their data and metadata as JSON: what a read costs beyond its round trip. */
  eventsSent: number;
  bytesSent: number;
}

/**
 * Every call a fake client answers is one round trip: it waits a fixed time, as a call to a store in
 * another zone does, and is counted, with how many were in flight at once.
 */
export class RoundTripMeter {
  private inFlight = 0;
  tally: StoreTally = { roundTrips: 0, byCall: {}, maxInFlight: 0, answerMs: 0, eventsSent: 0, bytesSent: 0 };

  constructor(readonly roundTripMs: number) {}

  async trip<T>(call: string, answer: () => T): Promise<T> {
    this.tally.roundTrips += 1;
    this.tally.byCall[call] = (this.tally.byCall[call] ?? 0) + 1;
    this.inFlight += 1;
    this.tally.maxInFlight = Math.max(this.tally.maxInFlight, this.inFlight);
    try {
      await sleep(this.roundTripMs);
      const started = performance.now();
      try {
        return answer();
      } finally {
        this.tally.answerMs += performance.now() - started;
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  /** One event sent back; sizing it is the fake's own work, left out of the wall time as answering is. */
  sent(event: { data: unknown; metadata: unknown }): void {
    const started = performance.now();
    this.tally.eventsSent += 1;
    this.tally.bytesSent += Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata ?? {}));
    this.tally.answerMs += performance.now() - started;
  }

  /** Counts from here on. */
  reset(): StoreTally {
    const before = this.tally;
    this.tally = { roundTrips: 0, byCall: {}, maxInFlight: 0, answerMs: 0, eventsSent: 0, bytesSent: 0 };
    return before;
  }
}
