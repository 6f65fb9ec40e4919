import { MDM_SOURCES, type MdmSourceName } from '../domain/hardware/mdm-source.js';
import type { ImportPageRecorded, ImportRunEvent } from '../domain/import-run/events.js';
import type { DeviceOutcome, MissingDevice } from '../domain/import-run/outcome.js';
import { recordParts } from '../domain/import-run/record-parts.js';
import { decideRun, evolveRuns, ImportAlreadyRunning, initialRuns, type ImportRunCommand, type SourceRuns } from '../domain/import-run/run.js';
import { StreamConflict } from './ports/errors.js';
import { LIST_BYTES_PER_EVENT, type EventStore, type ExpectedRevision, type RecordedEvent } from './ports/event-store.js';
import type { RunOwner } from './ports/run-owner.js';
import { eventAt, isRunEnd, markRunEvents, marksAfter, marksFollowing, runsNewestFirst, startOfRun, type RunEndMarks } from './run-spans.js';
import { importRunsStream } from './streams.js';

/** Newly missing devices per event, whatever their size: a run's history reads them a few events at a time. */
const MISSING_PER_EVENT = 1000;

export type RunEnded = Extract<ImportRunEvent, { type: 'ImportCompleted' | 'ImportFailed' }>;

/** Another process closed this run as abandoned (its lease lapsed): this one must stop writing to it. */
export class RunLeaseLost extends Error {
  constructor(readonly runId: string) {
    super(`Import run ${runId} was closed as abandoned by another process while this one was still on it (its heartbeat could not be recorded in time). What it applied stays applied; run the import again.`);
    this.name = 'RunLeaseLost';
  }
}

/** The run stream moved since the caller looked (another instance's scheduler started the run): nothing was started. */
export class RunStreamMoved extends Error {
  constructor(readonly source: MdmSourceName) {
    super(`The ${source} import runs changed since this start was decided; another instance took it.`);
    this.name = 'RunStreamMoved';
  }
}

export interface LeaseTerms {
  leaseMs: number;
  owner: RunOwner;
}

function fold(events: readonly RecordedEvent[]): SourceRuns {
  let state = initialRuns();
  for (const event of events) state = evolveRuns(state, { type: event.type, data: event.data } as ImportRunEvent);
  return state;
}

interface RunsRead {
  state: SourceRuns;
  revision: ExpectedRevision;
  /** The revision of the start of the run in progress, if one is. */
  openStart: number | null;
  /** The stream's last event when it is a run's end: no run is in progress. */
  lastEnd: RecordedEvent | null;
}

/**
 * The source's run state without reading past runs (their per-device outcomes are most of a run
 * stream's bytes). The stream's last event says whether a run is in progress; if one is, its start
 * and that last event say who holds it and when it was last heard from, which is all a sweep (every
 * third of a lease) needs. Closing it needs its counts too: those are on its last page.
 */
async function readRuns(store: EventStore, source: MdmSourceName, withCounts = false): Promise<RunsRead> {
  const stream = importRunsStream(source);
  const [head] = await store.readStream(stream, { backwards: true, maxCount: 1 });
  if (!head) return { state: initialRuns(), revision: 'no_stream', openStart: null, lastEnd: null };
  if (isRunEnd(head)) return { state: initialRuns(), revision: head.revision, openStart: null, lastEnd: head };
  const start = await startOfRun(store, stream, head);
  if (!start) return { state: initialRuns(), revision: head.revision, openStart: null, lastEnd: null };
  const events = withCounts ? await countedRun(store, stream, start, head) : start === head ? [head] : [start, head];
  return { state: fold(events), revision: events.at(-1)!.revision, openStart: start.revision, lastEnd: null };
}

/**
 * The run in progress as far as its counts need: its start, then its events from its last page on.
 * That page carries the run's counts so far, and what follows it (missing-device lists, heartbeats)
 * is folded onto them, so a run of 200,000 devices is not read whole (some 36 MB) to be closed. It is
 * stepped back to in reads that double from one event, since each page is about 200 KB. A run whose
 * pages were recorded before they carried those counts is read whole.
 */
async function countedRun(store: EventStore, stream: string, start: RecordedEvent, head: RecordedEvent): Promise<RecordedEvent[]> {
  const whole = () => store.readStream(stream, { fromRevision: start.revision });
  const tail: RecordedEvent[] = [];
  let read = [head];
  for (let count = 1; ; count = Math.min(count * 2, 8)) {
    for (const event of read) {
      if (event.revision <= start.revision) return [start, ...tail.reverse()];
      tail.push(event);
      if (event.type !== 'ImportPageRecorded') continue;
      return (event.data as ImportPageRecorded['data']).runCounts ? [start, ...tail.reverse()] : whole();
    }
    const before = tail.at(-1)!.revision - 1;
    if (before <= start.revision) return [start, ...tail.reverse()];
    read = await store.readStream(stream, { backwards: true, fromRevision: before, maxCount: Math.min(count, before - start.revision) });
    if (read.length === 0) return whole(); // a stream with a gap: not one to step back through
  }
}

/** The marks for the end of the run in progress, which starts at `openStart`: read only when it is being closed. */
async function marksOfOpenRun(store: EventStore, source: MdmSourceName, openStart: number): Promise<RunEndMarks> {
  return marksAfter(openStart, openStart > 0 ? await eventAt(store, importRunsStream(source), openStart - 1) : null);
}

const closesOpenRun = (events: readonly ImportRunEvent[]): boolean => events[0]?.type === 'ImportFailed';

/**
 * A decision on the source's runs, made on the light read. One that closes the run in progress as
 * abandoned records its counts, so it is made again on that run read whole, and its end's marks read.
 */
async function decideOnRuns(
  store: EventStore,
  source: MdmSourceName,
  decide: (state: SourceRuns) => ImportRunEvent[],
): Promise<{ runs: RunsRead; events: ImportRunEvent[]; closing: RunEndMarks | null }> {
  const light = await readRuns(store, source);
  const first = decide(light.state);
  if (!closesOpenRun(first)) return { runs: light, events: first, closing: null };
  const runs = await readRuns(store, source, true);
  const events = decide(runs.state);
  const closing = closesOpenRun(events) && runs.openStart !== null ? await marksOfOpenRun(store, source, runs.openStart) : null;
  return { runs, events, closing };
}

/**
 * The start of the source's last run that read its whole listing (and so looked for missing devices),
 * if any. Asked at every register search, so it steps from run end to run end: a run's end says
 * whether it did. Runs recorded before ends said so are looked up by their missing-devices events.
 */
export async function lastCompleteListingAt(store: EventStore, source: MdmSourceName): Promise<string | null> {
  const stream = importRunsStream(source);
  for await (const { end } of runsNewestFirst(store, stream)) {
    if (!end) continue; // a run still going has not finished its listing
    const { completeListing, startedAt } = end.data as RunEnded['data'];
    if (completeListing === true) return startedAt;
    if (completeListing === undefined) {
      const [last] = await store.readStream(stream, { types: ['ImportMissingRecorded'], backwards: true, fromRevision: end.revision, maxCount: 1 });
      return last ? (last.data as Extract<ImportRunEvent, { type: 'ImportMissingRecorded' }>['data']).listingStartedAt : null;
    }
  }
  return null;
}

/** Each source's last complete listing (see lastCompleteListingAt): when the register last heard of its whole fleet. */
export async function lastCompleteListings(store: EventStore): Promise<Record<MdmSourceName, string | null>> {
  const entries = await Promise.all(MDM_SOURCES.map(async (source) => [source, await lastCompleteListingAt(store, source)] as const));
  return Object.fromEntries(entries) as Record<MdmSourceName, string | null>;
}

/**
 * Records one import run on its source's run stream, holding the run's lease: one append at a time
 * (pages and heartbeats never race each other), and a clear stop if another process closed the run.
 */
export class ImportRunRecorder {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: EventStore,
    readonly source: MdmSourceName,
    readonly runId: string,
    private state: SourceRuns,
    private revision: ExpectedRevision,
    /** What this run's end event points back to: its start and the ends before it. */
    private readonly marks: RunEndMarks,
    readonly startEvent: Extract<ImportRunEvent, { type: 'ImportStarted' }>,
  ) {}

  static async start(
    store: EventStore,
    params: { source: MdmSourceName; runId: string; triggeredBy: string; now: string; onlyIfUnchangedSince?: ExpectedRevision; retryOf?: string } & LeaseTerms,
  ): Promise<ImportRunRecorder> {
    const { now, owner, leaseMs, onlyIfUnchangedSince, ...data } = params;
    const { runs, events, closing } = await decideOnRuns(store, params.source, (state) =>
      decideRun({ type: 'StartImport', data: { ...data, owner: owner.id, leaseMs, ownerGone: owner.isGone(state.inProgress?.owner ?? null) }, metadata: { now } }, state),
    );
    const { state, revision, lastEnd } = runs;
    if (onlyIfUnchangedSince !== undefined && onlyIfUnchangedSince !== revision) throw new RunStreamMoved(params.source);
    try {
      const { nextRevision } = await store.append(importRunsStream(params.source), markRunEvents(events, closing), revision);
      // This run starts right after the end of any abandoned run closed here, or after the last run's end.
      const marks = closing ? marksFollowing(nextRevision, nextRevision - 1, closing.earlierEnds) : marksAfter(nextRevision, lastEnd);
      const after = events.reduce(evolveRuns, state);
      return new ImportRunRecorder(store, params.source, params.runId, after, nextRevision, marks, events.at(-1) as Extract<ImportRunEvent, { type: 'ImportStarted' }>);
    } catch (error) {
      if (error instanceof StreamConflict) {
        // Someone appended between our read and our write: that can only be another run starting.
        const running = (await readRuns(store, params.source)).state.inProgress;
        if (running) throw new ImportAlreadyRunning(params.source, running.runId, running.startedAt, running.triggeredBy);
        if (onlyIfUnchangedSince !== undefined) throw new RunStreamMoved(params.source);
      }
      throw error;
    }
  }

  /** Closes the source's run in progress if its lease lapsed or its process is gone; returns the run closed. */
  static async closeAbandoned(store: EventStore, source: MdmSourceName, terms: LeaseTerms, now: string): Promise<string | null> {
    const { runs, events, closing } = await decideOnRuns(store, source, (state) =>
      decideRun({ type: 'CloseAbandoned', data: { source, leaseMs: terms.leaseMs, ownerGone: terms.owner.isGone(state.inProgress?.owner ?? null) }, metadata: { now } }, state),
    );
    if (events.length === 0) return null;
    const { state, revision } = runs;
    try {
      await store.append(importRunsStream(source), markRunEvents(events, closing), revision);
    } catch (error) {
      if (error instanceof StreamConflict) return null; // the run moved on (a page, a heartbeat, another sweeper): look again next time
      throw error;
    }
    return state.inProgress!.runId;
  }

  /** Records one page's outcomes: in one event, or in parts when they outgrow one write (`LIST_BYTES_PER_EVENT`). */
  async recordPage(outcomes: DeviceOutcome[], now: string, announcedTotal: number | null = null): Promise<void> {
    const parts = recordParts(outcomes, LIST_BYTES_PER_EVENT);
    // The decider leaves `part` and `parts` out of a page recorded whole.
    for (const [index, part] of parts.entries()) {
      await this.record({ type: 'RecordPage', data: { runId: this.runId, source: this.source, outcomes: part, announcedTotal, part: index + 1, parts: parts.length }, metadata: { now } });
    }
  }

  /** Renews the lease when nothing else was recorded for `everyMs`. */
  async heartbeat(now: string, everyMs: number): Promise<void> {
    await this.enqueue(async () => {
      const last = this.state.inProgress?.lastActivityAt;
      if (!last || Date.parse(now) - Date.parse(last) < everyMs) return [];
      return this.append({ type: 'Heartbeat', data: { runId: this.runId, source: this.source }, metadata: { now } });
    });
  }

  /** Records the devices newly missing from the source's listing, a bounded number and size per event. */
  async recordMissing(devices: MissingDevice[], now: string): Promise<void> {
    for (const part of recordParts(devices, LIST_BYTES_PER_EVENT, MISSING_PER_EVENT)) {
      await this.record({ type: 'RecordMissing', data: { runId: this.runId, source: this.source, devices: part }, metadata: { now } });
    }
  }

  /** Ends the run; the returned event carries its final counts. */
  async complete(now: string, warnings: string[] = []): Promise<RunEnded> {
    return (await this.record({ type: 'CompleteImport', data: { runId: this.runId, source: this.source, warnings }, metadata: { now } })).at(-1) as RunEnded;
  }

  async fail(reason: string, now: string): Promise<RunEnded> {
    return (await this.record({ type: 'FailImport', data: { runId: this.runId, source: this.source, reason }, metadata: { now } })).at(-1) as RunEnded;
  }

  private record(command: ImportRunCommand): Promise<ImportRunEvent[]> {
    return this.enqueue(() => this.append(command));
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async append(command: ImportRunCommand): Promise<ImportRunEvent[]> {
    const events = decideRun(command, this.state);
    try {
      const { nextRevision } = await this.store.append(importRunsStream(this.source), markRunEvents(events, this.marks), this.revision);
      this.revision = nextRevision;
    } catch (error) {
      if (error instanceof StreamConflict && (await readRuns(this.store, this.source)).state.inProgress?.runId !== this.runId) throw new RunLeaseLost(this.runId);
      throw error;
    }
    this.state = events.reduce(evolveRuns, this.state);
    return events;
  }
}
