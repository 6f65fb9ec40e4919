/** A stream's state folded up to one of its revisions. */
export interface StreamSnapshot<State = unknown> {
  stream: string;
  revision: number;
  state: State;
}

/**
 * Kept states of long streams, so that deciding a device reads the events after its snapshot rather
 * than its whole history. A cache beside the events, never a source of truth: a snapshot is valid only
 * under the `version` of the fold that took it (one that changes how states are folded takes a new
 * version and leaves the older snapshots unread), and appends still carry the revision that was read.
 */
export interface StreamSnapshots {
  /** The snapshots of these streams taken under `version`; a stream with none under it is left out. */
  load(streams: readonly string[], version: number): Promise<Map<string, StreamSnapshot>>;
  /** Keeps each snapshot unless the stream already has a later one under the same version. */
  save(snapshots: readonly StreamSnapshot[], version: number): Promise<void>;
  /** Drops the snapshots of these streams, whatever their version: found not to be of their stream's history. */
  forget(streams: readonly string[]): Promise<void>;
}
