import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type {
  AppendOutcome, EventData, EventStore, ExpectedRevision, ReadAllOptions, ReadAllPage, ReadStreamOptions, RecordedEvent, StreamAppend, StreamEvent, Subscription,
} from '../../../application/ports/event-store.js';
import { StreamConflict } from '../../../application/ports/errors.js';
import { categoryOf } from '../../../application/streams.js';
import { writeTransaction, type SqliteDatabase } from './database.js';
import { DamagedEvent } from './store-errors.js';

interface EventRow {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

/** An event's stored JSON, parsed; text that does not parse is a damaged file, said as such. */
function storedJson<T>(text: string, stream: string, revision: number, column: 'data' | 'metadata'): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DamagedEvent(stream, revision, column);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: storedJson(row.data, row.stream, row.revision, 'data'),
    metadata: storedJson(row.metadata, row.stream, row.revision, 'metadata'),
    recordedAt: row.recorded_at,
  };
}

function matches(expected: ExpectedRevision, actual: number | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === undefined;
  return actual === expected;
}

/** How often a subscriber looks for events written by another process on the same file. */
const POLL_MS = 250;
/** A subscription whose read failed tries again after these waits, the last repeating. */
const RETRY_MS = [250, 1_000, 5_000, 30_000];
/**
 * The most this process keeps of what it appended last: a count, and the size of the events' data as
 * written (a recorded import page carries every device's outcome, ~200 KB). Trimmed to these once
 * either doubles.
 */
const RECENT_LIMIT = 4_000;
const RECENT_BYTES = 4 * 1024 * 1024;

/** The embedded event store: one SQLite file, streams with revisions, one global position. */
export class SqliteEventStore implements EventStore {
  private readonly appended = new EventEmitter();
  /** One prepared statement per shape of stream read (direction, type filter). */
  private readonly readStreamStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  private readonly statements;
  /**
   * What this process appended last, in position order, with no other event between: the
   * projections read it back at once, and this spares them the read and the JSON parsing. Another
   * process's append leaves a gap, which starts the list again; a read the list does not cover
   * goes to the file.
   */
  private recent: RecordedEvent[] = [];
  /** The written size of each of `recent`'s data, and their sum. */
  private recentSizes: number[] = [];
  private recentBytes = 0;

  constructor(private readonly db: SqliteDatabase) {
    this.appended.setMaxListeners(0);
    this.statements = {
      // Rows as arrays of only what a decision folds: a third less time than whole event objects at 1,000 streams a page.
      readStreams: db
        .prepare<[string], [string, number, string, string]>('SELECT stream, revision, type, data FROM events WHERE stream IN (SELECT value FROM json_each(?)) ORDER BY stream, revision')
        .raw(),
      // Each stream from its own revision on: one range of the (stream, revision) index per stream. The
      // event at the given revision comes too, without its data: it says the stream reaches that far.
      readStreamsAfter: db
        .prepare<[string], [string, number, string, string | null]>(
          `SELECT e.stream, e.revision, e.type, CASE WHEN e.revision > j.value THEN e.data END
           FROM json_each(?) AS j JOIN events AS e ON e.stream = j.key AND e.revision >= j.value`,
        )
        .raw(),
      // The (stream, revision) unique index answers this with one seek.
      revision: db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
      insert: db.prepare(
        'INSERT INTO events (event_id, stream, category, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // A stream's first event, written only if the stream has none: its unique (stream, revision) says so.
      insertFirst: db.prepare(
        `INSERT INTO events (event_id, stream, category, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)
         ON CONFLICT (stream, revision) DO NOTHING`,
      ),
      readAll: db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      // One category's events in position order, straight from its index: no sort, and the read stops at the limit.
      readAllOf: db.prepare<[string, number, number], EventRow>('SELECT * FROM events WHERE category = ? AND position > ? ORDER BY position LIMIT ?'),
      head: db.prepare<[], { head: number | null }>('SELECT MAX(position) AS head FROM events'),
    };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.backwards ?? false;
    const types = options.types ? 'AND type IN (SELECT value FROM json_each(?))' : '';
    const sql = `SELECT * FROM events WHERE stream = ? AND revision ${backwards ? '<=' : '>='} ? ${types} ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT ?`;
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const params: unknown[] = [stream, from, ...(options.types ? [JSON.stringify(options.types)] : []), options.maxCount ?? -1];
    this.readStreamStatements.set(sql, this.readStreamStatements.get(sql) ?? this.db.prepare<unknown[], EventRow>(sql));
    return this.readStreamStatements.get(sql)!.all(...params).map(toRecorded);
  }

  async readStreams(streams: readonly string[], after?: ReadonlyMap<string, number>): Promise<Map<string, StreamEvent[]>> {
    if (after && after.size > 0) return this.readStreamsAfter(streams, after);
    const result = new Map<string, StreamEvent[]>();
    let current: StreamEvent[] = [];
    let currentStream = '';
    for (const [stream, revision, type, data] of this.statements.readStreams.all(JSON.stringify(streams))) {
      if (stream !== currentStream) {
        current = [];
        currentStream = stream;
        result.set(stream, current);
      }
      current.push({ revision, type, data: storedJson(data, stream, revision, 'data') });
    }
    return result;
  }

  private readStreamsAfter(streams: readonly string[], after: ReadonlyMap<string, number>): Map<string, StreamEvent[]> {
    const from: Record<string, number> = {};
    for (const stream of streams) from[stream] = after.get(stream) ?? -1;
    const result = new Map<string, StreamEvent[]>();
    for (const [stream, revision, type, data] of this.statements.readStreamsAfter.all(JSON.stringify(from))) {
      let events = result.get(stream);
      if (!events) result.set(stream, (events = []));
      if (data !== null) events.push({ revision, type, data: storedJson(data, stream, revision, 'data') });
    }
    // The join walks each stream's index range in revision order; the contract does not rest on it.
    for (const events of result.values()) events.sort((a, b) => a.revision - b.revision);
    return result;
  }

  async append(stream: string, events: EventData[], expectedRevision: ExpectedRevision) {
    const [outcome] = await this.appendMany([{ stream, expectedRevision, events }]);
    if (!outcome!.ok) throw new StreamConflict(stream, expectedRevision, outcome!.actualRevision);
    return { nextRevision: outcome!.nextRevision, position: outcome!.position };
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendOutcome[]> {
    const written: RecordedEvent[] = [];
    const sizes: number[] = [];
    // One time for the transaction that records them all.
    const recordedAt = new Date().toISOString();
    const outcomes = writeTransaction(this.db, () => appends.map((append) => this.appendOne(append, recordedAt, written, sizes)));
    this.remember(written, sizes);
    if (outcomes.some((o) => o.ok)) this.appended.emit('appended');
    return outcomes;
  }

  private remember(written: RecordedEvent[], sizes: number[]): void {
    if (written.length === 0) return;
    const last = this.recent.at(-1);
    const follows = last !== undefined && written[0]!.position === last.position + 1;
    this.recent = follows ? this.recent.concat(written) : written;
    this.recentSizes = follows ? this.recentSizes.concat(sizes) : sizes;
    this.recentBytes = (follows ? this.recentBytes : 0) + sizes.reduce((a, b) => a + b, 0);
    if (this.recent.length <= 2 * RECENT_LIMIT && this.recentBytes <= 2 * RECENT_BYTES) return;
    let drop = 0;
    while (drop < this.recent.length && (this.recent.length - drop > RECENT_LIMIT || this.recentBytes > RECENT_BYTES)) {
      this.recentBytes -= this.recentSizes[drop]!;
      drop += 1;
    }
    this.recent = this.recent.slice(drop);
    this.recentSizes = this.recentSizes.slice(drop);
  }

  /** The page from what this process appended last, when that holds every event after `after` up to the end of the log. */
  private fromRecent({ after, maxCount, categories }: ReadAllOptions): ReadAllPage | null {
    const first = this.recent[0];
    const last = this.recent.at(-1);
    if (!first || !last || after < first.position - 1 || after > last.position) return null;
    if ((this.statements.head.get()?.head ?? 0) !== last.position) return null;
    const wanted = categories ? new Set(categories) : null;
    const events: RecordedEvent[] = [];
    for (let i = after - first.position + 1; i < this.recent.length; i += 1) {
      const event = this.recent[i]!;
      if (wanted && !wanted.has(categoryOf(event.stream))) continue;
      events.push(event);
      if (events.length === maxCount) return { events, lastPosition: event.position, isEnd: false };
    }
    return { events, lastPosition: Math.max(after, last.position), isEnd: true };
  }

  private appendOne(
    { stream, expectedRevision, events }: StreamAppend, recordedAt: string, written: RecordedEvent[], sizes: number[],
  ): AppendOutcome {
    // A new stream (a first import's every device) needs no look-up first: its first insert finds out.
    const actual = expectedRevision === 'no_stream' ? undefined : (this.statements.revision.get(stream)?.revision ?? undefined);
    if (!matches(expectedRevision, actual)) return { stream, ok: false, actualRevision: actual ?? 'no_stream' };
    let revision = actual ?? -1;
    let position = 0;
    const category = categoryOf(stream);
    for (const event of events) {
      revision += 1;
      const eventId = randomUUID();
      const metadata = event.metadata ?? {};
      const data = JSON.stringify(event.data);
      const info = revision === 0
        ? this.statements.insertFirst.run(eventId, stream, category, event.type, data, JSON.stringify(metadata), recordedAt)
        : this.statements.insert.run(eventId, stream, category, revision, event.type, data, JSON.stringify(metadata), recordedAt);
      if (info.changes === 0) return { stream, ok: false, actualRevision: this.statements.revision.get(stream)?.revision ?? 'no_stream' };
      position = Number(info.lastInsertRowid);
      written.push({ eventId, stream, revision, position, type: event.type, data: event.data, metadata, recordedAt });
      sizes.push(data.length);
    }
    return { stream, ok: true, nextRevision: revision, position };
  }

  /**
   * The first `maxCount` events after `after` in any of the categories: each category's first
   * `maxCount`, merged by position. One query with `category IN (...)` sorted every matching row of the
   * categories from `after` to the end of the log for each page it answered.
   */
  private inCategories(after: number, categories: readonly string[], maxCount: number): EventRow[] {
    const wanted = [...new Set(categories)];
    if (wanted.length === 1) return this.statements.readAllOf.all(wanted[0]!, after, maxCount);
    return wanted
      .flatMap((category) => this.statements.readAllOf.all(category, after, maxCount))
      .sort((a, b) => a.position - b.position)
      .slice(0, maxCount);
  }

  async readAll({ after, maxCount, categories }: ReadAllOptions): Promise<ReadAllPage> {
    const recent = this.fromRecent({ after, maxCount, ...(categories ? { categories } : {}) });
    if (recent) return recent;
    return this.db.transaction(() => {
      const rows = categories ? this.inCategories(after, categories, maxCount) : this.statements.readAll.all(after, maxCount);
      const events = rows.map(toRecorded);
      if (rows.length === maxCount) return { events, lastPosition: rows.at(-1)!.position, isEnd: false };
      const head = this.statements.head.get()?.head ?? 0;
      return { events, lastPosition: Math.max(after, head), isEnd: true };
    })();
  }

  async subscribe(options: Omit<ReadAllOptions, 'maxCount'>, onEvents: (page: ReadAllPage) => Promise<void>): Promise<Subscription> {
    let after = options.after;
    let closed = false;
    let wake: (() => void) | null = null;
    const notify = () => wake?.();
    this.appended.on('appended', notify);
    /** Waits this long, or until an append (or close) wakes the subscription. */
    const pause = async (ms: number) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    };
    const loop = (async () => {
      for (let failures = 0; !closed; ) {
        let page: ReadAllPage;
        try {
          page = await this.readAll({ ...options, after, maxCount: 1000 });
          if (page.events.length > 0) await onEvents(page);
          failures = 0;
        } catch {
          // A store that cannot be read right now (locked, damaged, its disk failing) is read again
          // from the same place, later: the subscription must outlive it, not take the process down.
          failures += 1;
          await pause(RETRY_MS[Math.min(failures, RETRY_MS.length) - 1]!);
          continue;
        }
        after = page.lastPosition;
        if (page.isEnd && !closed) await pause(POLL_MS);
      }
    })();
    return {
      close: async () => {
        closed = true;
        this.appended.off('appended', notify);
        notify();
        await loop;
      },
    };
  }
}
