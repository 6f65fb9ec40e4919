import type { RecordedEvent } from '../ports/event-store.js';

/**
 * A read model defined as a fold: which events it reads, which document each event touches, and how.
 * `apply` must ignore an event it has already applied, so a replay or a redelivery changes nothing.
 */
export interface Projection<Doc> {
  readonly name: string;
  readonly categories: readonly string[];
  /** Events read per batch; smaller for categories whose events are large. */
  readonly batchSize?: number;
  keyOf(event: RecordedEvent): string | null;
  apply(doc: Doc | undefined, event: RecordedEvent): Doc | undefined;
}
