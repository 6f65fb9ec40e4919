import { MDM_SOURCES, type MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { ImportCompleted, ImportFailed, ImportHeartbeat, ImportMissingRecorded, ImportPageRecorded, ImportRunEvent, ImportStarted } from '../../domain/import-run/events.js';
import { addOutcomes, countsOf, noCounts, type DeviceOutcome, type MissingDevice, type OutcomeKind, type RunCounts } from '../../domain/import-run/outcome.js';
import type { EventStore, RecordedEvent } from '../ports/event-store.js';
import type { AuditEntry } from '../ports/read-models.js';
import { giveTurn } from '../event-loop.js';
import { eventAt, runsNewestFirst, type RunSpan } from '../run-spans.js';
import { importRunsStream, previewsStream } from '../streams.js';
import type { ImportPreviewed } from '../../domain/import-run/preview.js';

/** A run as the audit log shows it, but computed from the run's own events. */
export interface RunSummary extends Omit<AuditEntry, 'position' | 'announcedTotal' | 'lastActivityAt'> {
  /** An import, or a preview that changed nothing (kept so an auditor sees who looked). */
  kind: 'import' | 'preview';
  /** The run whose failed devices this one re-imported, if it is a retry. */
  retryOf?: string;
  pages: number;
  /** What the MDM's listing got wrong in a completed run (fewer devices than announced, …). */
  warnings: string[];
}

export interface RunDetail extends RunSummary {
  outcomes: DeviceOutcome[];
  /** Records newly missing from the source's listing in this run. */
  missing: MissingDevice[];
}

export interface HistoryFilter {
  source?: MdmSourceName;
  /** Runs started at or after this time (ISO-8601). */
  from?: string;
  /** Runs started at or before this time (ISO-8601). */
  to?: string;
  /** At most this many, the newest: a source's older runs are then not read at all. */
  limit?: number;
}

/** Events of a run read at once: a page's outcomes are about 200 KB. */
const EVENTS_PER_READ = 8;

/** What of a run's per-device record to read: by default every outcome. */
export interface RunDetailOptions {
  /** Only outcomes of these kinds (a run's errors, say, without its 200,000 unchanged devices). */
  outcomes?: readonly OutcomeKind[];
  /**
   * Takes an ended run's outcomes a few pages at a time as they are read, so that they need not all
   * be held at once; the detail then has none. A run still going keeps its outcomes in the detail.
   */
  onOutcomes?: (outcomes: DeviceOutcome[]) => Promise<void>;
  /** Whether to keep the devices the run found missing from the listing: by default, yes. */
  missing?: boolean;
  /** Takes an ended run's missing devices as they are read, as `onOutcomes` its outcomes; the detail then has none. */
  onMissing?: (devices: MissingDevice[]) => Promise<void>;
  /**
   * Takes an ended run's summary before its outcomes are read (from its start and end events), for a
   * reader that shows it above them.
   */
  onSummary?: (run: RunSummary) => Promise<void>;
}

/** Whoever takes an ended run's outcomes and missing devices as they are read. */
type HandOver = Pick<RunDetailOptions, 'onOutcomes' | 'onMissing'>;

/** Which outcomes a summary keeps (none for a list, some or all for one run), and whether its missing devices. */
type Kept = { outcomes: ReadonlySet<OutcomeKind> | 'all' | 'none'; missing: boolean };
const NOTHING: Kept = { outcomes: 'none', missing: false };

function begun({ runId, source, triggeredBy, startedAt, retryOf }: ImportStarted['data'] | ImportCompleted['data'] | ImportFailed['data']): RunDetail {
  return { kind: 'import', ...(retryOf ? { retryOf } : {}), runId, source, triggeredBy, startedAt, finishedAt: null, status: 'running', counts: noCounts(), failureReason: null, pages: 0, warnings: [], outcomes: [], missing: [] };
}

/** Hands what `run` has gathered in `field` to `take`, if anyone takes it, and keeps none of it. */
async function handOff<F extends 'outcomes' | 'missing'>(run: RunDetail, field: F, take: ((read: RunDetail[F]) => Promise<void>) | undefined): Promise<void> {
  if (!take || run[field].length === 0) return;
  const read = run[field];
  run[field] = [] as unknown[] as RunDetail[F];
  await take(read);
}

/** Folds events into the runs they belong to; called again with the same map, it goes on where it stopped. */
function summarise(events: readonly RecordedEvent[], kept: Kept, runs = new Map<string, RunDetail>()): Map<string, RunDetail> {
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as ImportRunEvent;
    const { runId } = event.data;
    if (event.type === 'ImportStarted') {
      runs.set(runId, begun(event.data));
      continue;
    }
    // A finished run's end repeats what its start said, so a list can be made of ends alone.
    const ended = event.type === 'ImportCompleted' || event.type === 'ImportFailed';
    const run = runs.get(runId) ?? (ended ? runs.set(runId, begun(event.data)).get(runId) : undefined);
    if (!run) continue;
    switch (event.type) {
      case 'ImportPageRecorded':
        run.pages = event.data.page;
        run.counts = addOutcomes(run.counts, event.data.outcomes);
        if (kept.outcomes === 'all') run.outcomes.push(...event.data.outcomes);
        else if (kept.outcomes !== 'none') for (const outcome of event.data.outcomes) if (kept.outcomes.has(outcome.outcome)) run.outcomes.push(outcome);
        break;
      case 'ImportMissingRecorded':
        run.counts = { ...run.counts, missing: run.counts.missing + event.data.devices.length };
        if (kept.missing) run.missing.push(...event.data.devices);
        break;
      case 'ImportCompleted':
        Object.assign(run, { status: 'completed', finishedAt: event.data.completedAt, counts: countsOf(event.data.counts), pages: event.data.pages, warnings: event.data.warnings ?? [] });
        break;
      case 'ImportFailed':
        Object.assign(run, { status: 'failed', finishedAt: event.data.failedAt, counts: countsOf(event.data.counts), pages: event.data.pages, failureReason: event.data.reason });
        break;
    }
  }
  return runs;
}

/**
 * Import history for auditors, read from the runs' event streams themselves, so it does not depend
 * on any read model being current or correct.
 */
export class ImportHistory {
  constructor(private readonly store: EventStore) {}

  async runs(filter: HistoryFilter = {}): Promise<RunSummary[]> {
    const sources = filter.source ? [filter.source] : MDM_SOURCES;
    const summaries: RunSummary[] = [];
    const wanted = (run: RunSummary) => !(filter.from && run.startedAt < filter.from) && !(filter.to && run.startedAt > filter.to);
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    for (const source of sources) {
      const stream = importRunsStream(source);
      let kept = 0;
      for await (const span of runsNewestFirst(this.store, stream)) {
        const run = await this.summaryOf(stream, span);
        if (!run) continue; // events that name no start of theirs: nothing an auditor could read as a run
        if (!wanted(run)) continue;
        summaries.push(run);
        if (++kept >= limit) break;
      }
      summaries.push(...(await this.previews(source)).filter(wanted));
    }
    // Newest first; runs started in the same millisecond by run id, as the audit log lists them.
    return summaries.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId)).slice(0, limit);
  }

  /**
   * A finished run's end event says all a list needs, and a run still going its newest page or
   * heartbeat: the per-device outcomes, most of a run stream's bytes, are read only for a run whose
   * pages were recorded without the counts so far.
   */
  private async summaryOf(stream: string, span: RunSpan): Promise<RunSummary | undefined> {
    const known = [span.start, span.end].filter((event) => event !== null);
    const detail = span.end ? summarise(known, NOTHING).get(span.runId) : ((await this.fromCountsSoFar(stream, span)) ?? (await this.detailOf(stream, span, NOTHING)));
    if (!detail) return undefined;
    const { outcomes: _o, missing: _m, ...run } = detail;
    return run;
  }

  /**
   * A run still going, summarised from its start and its newest page or heartbeat, which carry the
   * run's counts so far: stepping back from its newest event over missing-device lists (counted) and
   * heartbeats written before they carried counts. Null when the run's pages predate those counts:
   * then every page is read.
   */
  private async fromCountsSoFar(stream: string, span: RunSpan): Promise<RunDetail | null> {
    let missing = 0;
    let counted: { pages: number; counts: RunCounts } | null = null;
    for (let revision = span.lastRevision; revision > span.startRevision && !counted; revision -= 1) {
      const event = span.last?.revision === revision ? span.last : await eventAt(this.store, stream, revision);
      if (event?.type === 'ImportHeartbeat') {
        const { pages, runCounts } = event.data as ImportHeartbeat['data'];
        if (pages !== undefined && runCounts) counted = { pages, counts: runCounts };
        continue;
      }
      if (event?.type === 'ImportMissingRecorded') {
        missing += (event.data as ImportMissingRecorded['data']).devices.length;
        continue;
      }
      const page = event?.type === 'ImportPageRecorded' ? (event.data as ImportPageRecorded['data']) : null;
      if (!page?.runCounts) return null;
      counted = { pages: page.page, counts: page.runCounts };
    }
    const start = span.start ?? (await eventAt(this.store, stream, span.startRevision));
    const run = start && summarise([start], NOTHING).get(span.runId);
    if (!run) return null;
    const counts = counted?.counts ?? run.counts;
    return { ...run, pages: counted?.pages ?? 0, counts: { ...countsOf(counts), missing: counts.missing + missing } };
  }

  /**
   * A run read from its own events, from its start to its end (or to the last event read while it
   * runs). They are read a few pages at a time, keeping only the outcomes asked for: a run of 200,000
   * devices is some 36 MB of JSON, which read at once held the event loop for hundreds of
   * milliseconds and the heap for as long as the request.
   */
  private async detailOf(stream: string, span: RunSpan, kept: Kept, handOver: HandOver = {}): Promise<RunDetail | undefined> {
    const runs = new Map<string, RunDetail>();
    const { onOutcomes, onMissing } = span.end ? handOver : {};
    for (let from = span.startRevision; from <= span.lastRevision; from += EVENTS_PER_READ) {
      summarise(await this.store.readStream(stream, { fromRevision: from, maxCount: Math.min(EVENTS_PER_READ, span.lastRevision - from + 1) }), kept, runs);
      const run = runs.get(span.runId);
      if (run) {
        await handOff(run, 'outcomes', onOutcomes);
        await handOff(run, 'missing', onMissing);
      }
      await giveTurn();
    }
    return runs.get(span.runId);
  }

  /**
   * One run with every device's outcome. It is found by stepping from run to run through their
   * ends, newest first; then only its own events are read: a source's history holds every earlier
   * run's outcomes (about 200 KB a page), which one run's detail must not read.
   */
  async run(runId: string, options: RunDetailOptions = {}): Promise<RunDetail | null> {
    const kept: Kept = { outcomes: options.outcomes ? new Set(options.outcomes) : 'all', missing: options.missing ?? true };
    for (const source of MDM_SOURCES) {
      const stream = importRunsStream(source);
      for await (const span of runsNewestFirst(this.store, stream)) {
        if (span.runId !== runId) continue;
        const summary = span.end && options.onSummary ? await this.summaryOf(stream, span) : undefined;
        if (summary) await options.onSummary!(summary);
        return (await this.detailOf(stream, span, kept, options)) ?? null;
      }
    }
    for (const source of MDM_SOURCES) {
      const preview = (await this.previews(source)).find((p) => p.runId === runId);
      if (preview) return { ...preview, outcomes: [], missing: [] };
    }
    return null;
  }

  private async previews(source: MdmSourceName): Promise<RunSummary[]> {
    return (await this.store.readStream(previewsStream(source), { types: ['ImportPreviewed'] })).map((recorded) => {
      const { previewId, triggeredBy, startedAt, finishedAt, counts, warnings, failure } = (recorded.data as ImportPreviewed['data']);
      return { kind: 'preview', runId: previewId, source, triggeredBy, startedAt, finishedAt, status: failure ? 'failed' : 'completed', counts: countsOf(counts), failureReason: failure, pages: 0, warnings };
    });
  }
}
