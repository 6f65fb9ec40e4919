import {
  ANY, BACKWARDS, END, FORWARDS, MaxAppendSizeExceededError, NO_STREAM, START, StreamNotFoundError, WrongExpectedVersionError, jsonEvent, streamNameFilter,
  type AllStreamResolvedEvent, type AppendExpectedRevision, type EventStoreDBClient, type ReadPosition, type ResolvedEvent,
} from '@eventstore/db-client';
import {
  LIST_BYTES_PER_EVENT,
  type AppendOutcome, type EventData, type EventStore, type ExpectedRevision, type ReadAllOptions, type ReadAllPage, type ReadStreamOptions, type RecordedEvent, type StreamAppend, type Subscription,
} from '../../../application/ports/event-store.js';
import { DependencyUnavailable, StreamConflict } from '../../../application/ports/errors.js';
import { categoryOf, HARDWARE_CATEGORY, IMPORT_CATEGORY, PREVIEW_CATEGORY } from '../../../application/streams.js';
import { eventIdFor } from './event-ids.js';
import { readUntilCaughtUp } from './caught-up-read.js';
import { withinDeadline } from './read-deadline.js';

/**
 * Streams read or appended side by side for one page. Each is a round trip, so the page costs about
 * devices ÷ this many round-trip times. All share one HTTP/2 connection, whose server allows 100
 * streams at once by default (Kestrel): more would only queue in the client.
 */
const STREAMS_IN_FLIGHT = 100;
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

function actualOf(error: WrongExpectedVersionError): number | 'no_stream' {
  const actual = error.actualVersion as unknown;
  return typeof actual === 'bigint' ? Number(actual) : typeof actual === 'number' ? actual : 'no_stream';
}

function isUnavailable(error: unknown): boolean {
  const code = (error as { type?: string; code?: number }).type;
  return code === 'unavailable' || code === 'deadline-exceeded' || /UNAVAILABLE|ECONNREFUSED|failed to connect/i.test(String((error as Error)?.message));
}

const MODULE_CATEGORIES = new Set([HARDWARE_CATEGORY, IMPORT_CATEGORY, PREVIEW_CATEGORY]);
const FOREIGN_WRITE_FIX = "Find what else writes to this module's streams (hardware-…, mdmImport-…, mdmPreview-…) and stop it; every event this module writes is JSON. Then restore the stream from a backup, or ask for help before touching the history.";

function unavailable(error: unknown): Error {
  if (error instanceof DependencyUnavailable) return error;
  // The client parses an event stored as JSON as it reads it: one that does not parse stops the read.
  if (error instanceof SyntaxError) {
    return new DependencyUnavailable('EventStoreDB', `An event in EventStoreDB is marked JSON but does not parse (${error.message}).`, error, FOREIGN_WRITE_FIX, 300);
  }
  return isUnavailable(error) ? new DependencyUnavailable('EventStoreDB', `EventStoreDB cannot be reached: ${(error as Error).message}`, error) : (error as Error);
}

/** The server's MaxAppendSize was set below what one of the module's writes holds. */
function tooLargeForServer(stream: string, type: string, maxAppendSize: number): DependencyUnavailable {
  const n = (value: number) => value.toLocaleString('en-US');
  return new DependencyUnavailable(
    'EventStoreDB',
    `EventStoreDB refused to write the ${type} event to stream ${stream}: it takes at most ${n(maxAppendSize)} bytes in one write (its MaxAppendSize).`,
    undefined,
    `The module writes a run's lists in events of up to ${n(LIST_BYTES_PER_EVENT)} bytes, one write each, plus the event's other fields: set the server's MaxAppendSize (EVENTSTORE_MAX_APPEND_SIZE) to at least 1 MiB, its default, then run the import again.`,
    300,
  );
}

/** An event of the module's streams with binary data: nothing the module wrote, so nothing it can fold. */
function notJson(stream: string, revision: bigint): DependencyUnavailable {
  return new DependencyUnavailable('EventStoreDB', `Event ${revision} of stream ${stream} in EventStoreDB is not JSON: another program wrote to this module's streams.`, undefined, FOREIGN_WRITE_FIX, 300);
}

function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || event.streamId.startsWith('$') || event.type.startsWith('$')) return null;
  if ((event as { isJson?: boolean }).isJson === false) {
    // Another program's binary events may share the store; one in the module's own streams is an error.
    if (MODULE_CATEGORIES.has(categoryOf(event.streamId))) throw notJson(event.streamId, event.revision);
    return null;
  }
  const commit = (resolved as AllStreamResolvedEvent).event?.position?.commit ?? resolved.commitPosition;
  return {
    eventId: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    // Stream reads do not carry the log position (only $all reads do): -1 then.
    position: commit !== undefined && commit < 2n ** 63n ? Number(commit) : -1,
    type: event.type,
    data: event.data as unknown,
    metadata: (event.metadata as Record<string, unknown> | undefined) ?? {},
    recordedAt: event.created instanceof Date ? event.created.toISOString() : new Date(Number(event.created) / 10_000).toISOString(),
  };
}

/** The server-side filter on the streams of these categories (`hardware` → `hardware-…`), with its checkpoints if asked. */
function categoryFilter(categories: readonly string[], onCheckpoint?: (commit: bigint) => void) {
  const prefixes = categories.map((c) => `${c}-`);
  return onCheckpoint ? streamNameFilter({ prefixes, checkpointReached: (_, position) => onCheckpoint(position.commit) }) : streamNameFilter({ prefixes });
}

/** Where a read of $all resumes after a position the port was given (0: the start). */
function positionAfter(after: number): ReadPosition {
  return after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START;
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/**
 * The event-store port on EventStoreDB. Each event is its own append, chained by expected revision,
 * so every event has a commit position of its own: the port's global position is that number, and
 * reading "after P" needs no knowledge of how a multi-event write is laid out in the log. Event ids
 * are derived from stream and revision, so a retried append is recognised and not doubled.
 */
export class EsdbEventStore implements EventStore {
  private readonly readDeadlineMs: number;

  /** `readDeadlineMs`: the longest wait for the next event of a read (STORE_TIMEOUT_SECONDS). */
  constructor(private readonly client: EventStoreDBClient, options: { readDeadlineMs?: number } = {}) {
    this.readDeadlineMs = options.readDeadlineMs ?? 60_000;
  }

  /** EventStoreDB cannot filter a stream read by type on the server: the filter is applied here. */
  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    const wanted = options.types ? new Set(options.types) : null;
    try {
      const direction = options.backwards ? BACKWARDS : FORWARDS;
      const fromRevision = options.fromRevision !== undefined ? BigInt(options.fromRevision) : options.backwards ? END : START;
      // With no type filter the server can stop at maxCount; with one, the loop stops as soon as it has them.
      const serverMax = wanted ? undefined : options.maxCount;
      const read = this.client.readStream(stream, { direction, fromRevision, ...(serverMax !== undefined ? { maxCount: serverMax } : {}) });
      for await (const resolved of withinDeadline(read, this.readDeadlineMs)) {
        if (wanted && !wanted.has(resolved.event?.type ?? '')) continue;
        const recorded = toRecorded(resolved);
        if (recorded) events.push(recorded);
        if (options.maxCount !== undefined && events.length >= options.maxCount) break;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw unavailable(error);
    }
    return events;
  }

  async readStreams(streams: readonly string[], after?: ReadonlyMap<string, number>): Promise<Map<string, RecordedEvent[]>> {
    const read = await inBatches(streams, STREAMS_IN_FLIGHT, async (stream): Promise<readonly [string, RecordedEvent[] | null]> => {
      const snapshot = after?.get(stream);
      if (snapshot === undefined) {
        const events = await this.readStream(stream);
        return [stream, events.length > 0 ? events : null];
      }
      // From the snapshot's own revision: its event says the stream reaches that far.
      const events = await this.readStream(stream, { fromRevision: snapshot });
      return [stream, events[0]?.revision === snapshot ? events.slice(1) : null];
    });
    return new Map(read.filter((entry): entry is readonly [string, RecordedEvent[]] => entry[1] !== null));
  }

  async append(stream: string, events: EventData[], expectedRevision: ExpectedRevision): Promise<{ nextRevision: number; position: number }> {
    let expected = expectedRevision;
    let next = typeof expected === 'number' ? expected : -1;
    let position = 0;
    for (const event of events) {
      const revision = expected === 'any' ? null : typeof expected === 'number' ? expected + 1 : 0;
      try {
        const result = await this.client.appendToStream(
          stream,
          jsonEvent({ id: revision === null ? undefined : eventIdFor(stream, revision), type: event.type, data: event.data as never, metadata: (event.metadata ?? {}) as never }),
          { expectedRevision: toExpectedRevision(expected) },
        );
        next = Number(result.nextExpectedRevision);
        position = result.position ? Number(result.position.commit) : position;
        expected = next;
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) throw new StreamConflict(stream, expectedRevision, actualOf(error));
        if (error instanceof MaxAppendSizeExceededError) throw tooLargeForServer(stream, event.type, error.maxAppendSize);
        throw unavailable(error);
      }
    }
    return { nextRevision: next, position };
  }

  /** EventStoreDB has no multi-stream transaction: streams are appended side by side, each under its own revision. */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendOutcome[]> {
    return inBatches(appends, STREAMS_IN_FLIGHT, async ({ stream, expectedRevision, events }): Promise<AppendOutcome> => {
      try {
        const { nextRevision, position } = await this.append(stream, events, expectedRevision);
        return { stream, ok: true, nextRevision, position };
      } catch (error) {
        if (error instanceof StreamConflict) return { stream, ok: false, actualRevision: error.actual };
        throw error;
      }
    });
  }

  async readAll({ after, maxCount, categories }: ReadAllOptions): Promise<ReadAllPage> {
    if (categories) return this.readCategories(after, maxCount, categories);
    const events: RecordedEvent[] = [];
    let lastPosition = after;
    let scanned = 0;
    const batch = Math.max(maxCount, 500);
    try {
      for await (const resolved of withinDeadline(this.client.readAll({ fromPosition: positionAfter(after), maxCount: batch, direction: FORWARDS }), this.readDeadlineMs)) {
        scanned += 1;
        const commit = resolved.event?.position.commit;
        if (commit === undefined || Number(commit) <= after) continue;
        lastPosition = Number(commit);
        const recorded = toRecorded(resolved);
        if (recorded) {
          events.push(recorded);
          if (events.length === maxCount) return { events, lastPosition, isEnd: false };
        }
      }
    } catch (error) {
      throw unavailable(error);
    }
    return { events, lastPosition, isEnd: scanned < batch };
  }

  /**
   * The client's readAll cannot filter on the server: a projection's catch-up would be sent every
   * event of $all, other categories and other programs' streams included. A catch-up subscription
   * can, so the read is one that ends where the server says it has caught up.
   */
  private async readCategories(after: number, maxCount: number, categories: readonly string[]): Promise<ReadAllPage> {
    try {
      const read = await readUntilCaughtUp<AllStreamResolvedEvent>(
        (onCheckpoint) => this.client.subscribeToAll({ fromPosition: positionAfter(after), filter: categoryFilter(categories, onCheckpoint) }),
        maxCount,
        this.readDeadlineMs,
      );
      const events = read.events.map(toRecorded).filter((e): e is RecordedEvent => e !== null && e.position > after);
      const newest = events.at(-1)?.position ?? after;
      const searched = read.caughtUp && read.searchedTo !== null ? Number(read.searchedTo) : after;
      return { events, lastPosition: Math.max(newest, searched), isEnd: read.caughtUp };
    } catch (error) {
      throw unavailable(error);
    }
  }

  /**
   * A catch-up subscription to $all with a server-side filter on the module's stream categories. It
   * resumes from the last delivered position after the server restarts or the connection drops.
   */
  async subscribe(options: Omit<ReadAllOptions, 'maxCount'>, onEvents: (page: ReadAllPage) => Promise<void>): Promise<Subscription> {
    let after = options.after;
    let closed = false;
    let current: { unsubscribe(): Promise<void> } | null = null;
    const filter = options.categories ? categoryFilter(options.categories) : undefined;
    const loop = (async () => {
      for (let attempt = 0; !closed; attempt += 1) {
        try {
          const subscription = this.client.subscribeToAll({ fromPosition: positionAfter(after), filter });
          current = subscription;
          for await (const resolved of subscription) {
            attempt = 0;
            const recorded = toRecorded(resolved);
            if (!recorded || recorded.position <= after) continue;
            await onEvents({ events: [recorded], lastPosition: recorded.position, isEnd: false });
            after = recorded.position;
            if (closed) break;
          }
        } catch {
          if (closed) break;
          await new Promise((r) => setTimeout(r, RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)]));
        }
      }
    })();
    return {
      close: async () => {
        closed = true;
        await current?.unsubscribe().catch(() => undefined);
        await loop;
      },
    };
  }

  /** Fails fast with a clear message when the server does not answer. */
  async ping(): Promise<void> {
    try {
      for await (const _ of withinDeadline(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }), this.readDeadlineMs)) break;
    } catch (error) {
      throw new DependencyUnavailable('EventStoreDB', `EventStoreDB does not answer: ${(error as Error).message}. Check EVENTSTORE_CONNECTION_STRING and that the server is up.`, error);
    }
  }
}
