import type { ImportRunEvent } from '../domain/import-run/events.js';
import type { EventData, EventStore, RecordedEvent } from './ports/event-store.js';

/**
 * Where each run lies in its source's run stream, found without reading its pages: their outcomes
 * are most of the stream's bytes, and EventStoreDB filters a stream read by type only after sending
 * every event. So every event of a run after its start carries in its metadata the revision of that
 * start (the event just before a start is the previous run's end), and its end also the revisions of
 * up to 32 earlier runs' ends, so a reader fetches those together (in batches that double up to 32)
 * instead of one after another.
 */
const RUN_START_REVISION = 'runStartRevision';
const EARLIER_RUN_ENDS = 'earlierRunEnds';
const EARLIER_ENDS_KEPT = 32;

const END_TYPES: ReadonlySet<string> = new Set<ImportRunEvent['type']>(['ImportCompleted', 'ImportFailed']);
const BOUNDARY_TYPES: ReadonlyArray<ImportRunEvent['type']> = ['ImportStarted', 'ImportCompleted', 'ImportFailed'];

/** What a run's events point back to: its start, and from its end, the ends of the runs before it. */
export interface RunEndMarks {
  startRevision: number;
  /** The ends of the runs before it, newest first. */
  earlierEnds: readonly number[];
}

/** The marks for a run that starts at `startRevision`, given the event just before it (the previous run's end), if any. */
export function marksAfter(startRevision: number, before: RecordedEvent | null): RunEndMarks {
  return before && END_TYPES.has(before.type) ? marksFollowing(startRevision, before.revision, earlierEndsOf(before)) : { startRevision, earlierEnds: [] };
}

/** The marks of a run that starts right after the end at `endRevision`, which named `endsBeforeIt`. */
export function marksFollowing(startRevision: number, endRevision: number, endsBeforeIt: readonly number[]): RunEndMarks {
  return { startRevision, earlierEnds: [endRevision, ...endsBeforeIt].slice(0, EARLIER_ENDS_KEPT) };
}

/** A run's events after its start, marked so a reader can step from any of them to its start, and from its end over earlier runs. */
export function markRunEvents(events: readonly ImportRunEvent[], marks: RunEndMarks | null): EventData[] {
  if (marks === null) return [...events];
  const ofEnd = { [RUN_START_REVISION]: marks.startRevision, [EARLIER_RUN_ENDS]: marks.earlierEnds };
  const ofOthers = { [RUN_START_REVISION]: marks.startRevision };
  return events.map((event) => (event.type === 'ImportStarted' ? event : { ...event, metadata: END_TYPES.has(event.type) ? ofEnd : ofOthers }));
}

/** One run of a source's run stream: `end` is null while it runs (or if it was never closed). */
export interface RunSpan {
  runId: string;
  startRevision: number;
  /** The revision of the run's last event: its end, or the last one before the next run's start. */
  lastRevision: number;
  end: RecordedEvent | null;
  /** The run's start event, when the walk read it: its last event so far, or recorded before events were marked. */
  start: RecordedEvent | null;
  /** A run still going: its newest event, which the walk read to find it. */
  last?: RecordedEvent;
}

const runIdOf = (event: RecordedEvent): string => String((event.data as { runId?: unknown }).runId);
const isRevision = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function startPointedBy(event: RecordedEvent): number | null {
  const value = event.metadata?.[RUN_START_REVISION];
  return isRevision(value) && value < event.revision ? value : null;
}

/** The earlier ends an end names, if they make sense: newest first, all before its run's start. */
function earlierEndsOf(end: RecordedEvent): number[] {
  const start = startPointedBy(end);
  const listed = end.metadata?.[EARLIER_RUN_ENDS];
  if (start === null || !Array.isArray(listed) || listed.length > EARLIER_ENDS_KEPT) return [];
  const ordered = listed.every((revision, i) => isRevision(revision) && revision < (i === 0 ? start : listed[i - 1]));
  return ordered ? listed : [];
}

export const isRunEnd = (event: RecordedEvent): boolean => END_TYPES.has(event.type);

/**
 * The start of the run an event belongs to: itself, the one it points to, or (for events recorded
 * before they were marked) the last start at or before it.
 */
export async function startOfRun(store: EventStore, stream: string, event: RecordedEvent): Promise<RecordedEvent | null> {
  if (event.type === 'ImportStarted') return event;
  const pointed = startPointedBy(event);
  const start = pointed === null ? null : await eventAt(store, stream, pointed);
  if (start?.type === 'ImportStarted') return start;
  const [last] = await store.readStream(stream, { types: ['ImportStarted'], backwards: true, fromRevision: event.revision, maxCount: 1 });
  return last ?? null;
}

/** The event at `revision` of the stream, if there is one. */
export async function eventAt(store: EventStore, stream: string, revision: number): Promise<RecordedEvent | null> {
  const [event] = await store.readStream(stream, { backwards: true, fromRevision: revision, maxCount: 1 });
  return event?.revision === revision ? event : null;
}

/** The source's runs, newest first. A caller that has what it wants stops asking, and nothing older is read. */
export async function* runsNewestFirst(store: EventStore, stream: string): AsyncGenerator<RunSpan> {
  let [cursor] = await store.readStream(stream, { backwards: true, maxCount: 1 });
  // Ends read ahead together, through the list the last end read named; newest first. A caller that
  // wants only the newest runs (the last complete listing, a short list) should not pay for 32, so
  // the batches start at one and double.
  let ahead: Array<RecordedEvent | null> = [];
  let batch = 1;
  while (cursor) {
    let startRevision: number;
    const pointed = startPointedBy(cursor);
    if (END_TYPES.has(cursor.type)) {
      if (pointed === null) {
        yield* unmarkedRuns(store, stream, cursor.revision);
        return;
      }
      yield { runId: runIdOf(cursor), startRevision: pointed, lastRevision: cursor.revision, end: cursor, start: null };
      startRevision = pointed;
      if (ahead.length === 0) {
        ahead = await Promise.all(earlierEndsOf(cursor).slice(0, batch).map((revision) => eventAt(store, stream, revision)));
        batch = Math.min(batch * 2, EARLIER_ENDS_KEPT);
      }
    } else if (cursor.type === 'ImportStarted' || pointed !== null) {
      // A run still going: its events after its start are its own pages and heartbeats.
      const start = cursor.type === 'ImportStarted' ? cursor : null;
      startRevision = start?.revision ?? pointed!;
      yield { runId: runIdOf(cursor), startRevision, lastRevision: cursor.revision, end: null, start, last: cursor };
    } else {
      // …recorded before its events were marked: its start is the last one.
      const [start] = await store.readStream(stream, { types: ['ImportStarted'], backwards: true, fromRevision: cursor.revision, maxCount: 1 });
      if (!start) return;
      yield { runId: runIdOf(start), startRevision: start.revision, lastRevision: cursor.revision, end: null, start, last: cursor };
      startRevision = start.revision;
    }
    if (startRevision === 0) return;
    const next = ahead.shift();
    if (next?.revision === startRevision - 1) cursor = next;
    else {
      ahead = [];
      cursor = (await eventAt(store, stream, startRevision - 1)) ?? undefined;
    }
  }
}

/** Runs recorded before their ends were marked: every start and end up to `upTo`, paired by run. */
async function* unmarkedRuns(store: EventStore, stream: string, upTo: number): AsyncGenerator<RunSpan> {
  const boundaries = await store.readStream(stream, { types: BOUNDARY_TYPES, backwards: true, fromRevision: upTo });
  const ends = new Map<string, RecordedEvent>();
  let nextStart = upTo + 1;
  for (const event of boundaries) {
    if (event.type !== 'ImportStarted') {
      ends.set(runIdOf(event), event);
      continue;
    }
    const end = ends.get(runIdOf(event)) ?? null;
    yield { runId: runIdOf(event), startRevision: event.revision, lastRevision: end?.revision ?? nextStart - 1, end, start: event };
    nextStart = event.revision;
  }
}
