/**
 * The most bytes of JSON a run's list (a page's outcomes, the devices newly missing) puts in one event,
 * each event being one write. Every adapter takes such a write (the contract suite checks it):
 * EventStoreDB refuses a write over its MaxAppendSize, 1 MiB unless set lower, and the half left over
 * holds the event's other fields and metadata.
 */
export const LIST_BYTES_PER_EVENT = 512 * 1024;

/** An event as the application hands it to the store. */
export interface EventData {
  type: string;
  data: unknown;
  metadata?: Record<string, unknown>;
}

/** An event as the store recorded it. Revisions count from 0 within a stream; positions grow across all streams. */
export interface RecordedEvent<E extends EventData = EventData> {
  eventId: string;
  stream: string;
  revision: number;
  position: number;
  type: E['type'];
  data: E['data'];
  metadata: Record<string, unknown>;
  recordedAt: string;
}

/** What deciding on a stream needs of each of its events: no ids, times or metadata to read and parse. */
export type StreamEvent = Pick<RecordedEvent, 'revision' | 'type' | 'data'>;

/** The revision the stream must be at: a number (its last event's revision), 'no_stream', or 'any'. */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface StreamAppend {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: EventData[];
}

export type AppendOutcome =
  | { stream: string; ok: true; nextRevision: number; position: number }
  | { stream: string; ok: false; actualRevision: number | 'no_stream' };

export interface ReadAllOptions {
  /** Exclusive: events after this position. 0 reads from the start. */
  after: number;
  maxCount: number;
  /** Only events of streams in these categories (the part of the stream name before the first '-'). */
  categories?: readonly string[];
}

export interface ReadAllPage {
  events: RecordedEvent[];
  /** The position read up to, filtered events included: the next `after`. */
  lastPosition: number;
  /** True when the page reached the end of the log. */
  isEnd: boolean;
}

export interface ReadStreamOptions {
  /** Only events of these types (revisions keep their gaps). */
  types?: readonly string[];
  /** Only events at this revision and after it (before it and at it, when reading backwards). */
  fromRevision?: number;
  /** Newest first, from the end of the stream (or from fromRevision down). */
  backwards?: boolean;
  /** At most this many events (of the types asked for): a backwards read stops as soon as it has them. */
  maxCount?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface EventStore {
  /** The stream's events in order; [] when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several streams at once, for deciding a page of devices: each event's revision, type and data. A
   * stream with no events is left out. A stream named in `after` (with the revision of its snapshot) is
   * read from the revision after that one: it comes back with no events when it has none after it, and
   * is left out when it does not reach that revision (the snapshot is not of this stream's history).
   */
  readStreams(streams: readonly string[], after?: ReadonlyMap<string, number>): Promise<Map<string, StreamEvent[]>>;
  /** Appends to one stream; throws StreamConflict when the stream is not at the expected revision. */
  append(stream: string, events: EventData[], expectedRevision: ExpectedRevision): Promise<{ nextRevision: number; position: number }>;
  /**
   * Appends to many streams, each under its own expected revision. Stores that have transactions
   * write all of it in one; a stream whose revision does not match is reported, not thrown.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendOutcome[]>;
  readAll(options: ReadAllOptions): Promise<ReadAllPage>;
  /** Calls `onEvents` for every event after `after`, in order, then for each new one, until closed. */
  subscribe(options: Omit<ReadAllOptions, 'maxCount'>, onEvents: (page: ReadAllPage) => Promise<void>): Promise<Subscription>;
}
