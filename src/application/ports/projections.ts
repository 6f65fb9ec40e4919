export interface RebuildReport {
  events: number;
  durationMs: number;
}

/** Keeps the read models (register, audit log) in step with the event log. */
export interface Projections {
  /** Returns once every event recorded so far is reflected in the read models. */
  catchUp(): Promise<void>;
  /** Replays every event into fresh read models, then swaps them in. */
  rebuild(): Promise<RebuildReport>;
}
