import { MDM_SOURCES, type MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { ImportRunEvent } from '../../domain/import-run/events.js';
import { addOutcomes, countsOf, noCounts, type DeviceOutcome, type MissingDevice } from '../../domain/import-run/outcome.js';
import type { EventStore, RecordedEvent } from '../ports/event-store.js';
import type { AuditEntry } from '../ports/read-models.js';
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
}

const runIdOf = (event: RecordedEvent): unknown => (event.data as { runId?: unknown }).runId;

const SUMMARY_TYPES: ReadonlyArray<ImportRunEvent['type']> = ['ImportStarted', 'ImportCompleted', 'ImportFailed'];

function summarise(events: readonly RecordedEvent[], withOutcomes: boolean): Map<string, RunDetail> {
  const runs = new Map<string, RunDetail>();
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as ImportRunEvent;
    const { runId } = event.data;
    if (event.type === 'ImportStarted') {
      const { source, triggeredBy, startedAt, retryOf } = event.data;
      runs.set(runId, { kind: 'import', ...(retryOf ? { retryOf } : {}), runId, source, triggeredBy, startedAt, finishedAt: null, status: 'running', counts: noCounts(), failureReason: null, pages: 0, warnings: [], outcomes: [], missing: [] });
      continue;
    }
    const run = runs.get(runId);
    if (!run) continue;
    switch (event.type) {
      case 'ImportPageRecorded':
        run.pages = event.data.page;
        run.counts = addOutcomes(run.counts, event.data.outcomes);
        if (withOutcomes) run.outcomes.push(...event.data.outcomes);
        break;
      case 'ImportMissingRecorded':
        run.counts = { ...run.counts, missing: run.counts.missing + event.data.devices.length };
        if (withOutcomes) run.missing.push(...event.data.devices);
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
    for (const source of sources) {
      for (const { outcomes: _o, missing: _m, ...run } of (await this.summaries(source)).values()) {
        if (filter.from && run.startedAt < filter.from) continue;
        if (filter.to && run.startedAt > filter.to) continue;
        summaries.push(run);
      }
      for (const preview of await this.previews(source)) {
        if (filter.from && preview.startedAt < filter.from) continue;
        if (filter.to && preview.startedAt > filter.to) continue;
        summaries.push(preview);
      }
    }
    return summaries.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /**
   * A finished run's start and end events say all a list needs; the per-device outcomes, which are
   * most of a run stream's bytes, are read only for a run still going, whose counts are in them.
   */
  private async summaries(source: MdmSourceName): Promise<Map<string, RunDetail>> {
    const stream = importRunsStream(source);
    const boundaries = await this.store.readStream(stream, { types: SUMMARY_TYPES });
    const runs = summarise(boundaries, false);
    // A run still going is counted from its own pages: not every earlier run's.
    for (const [runId, run] of runs) {
      if (run.status === 'running') runs.set(runId, summarise(await this.eventsOfRun(stream, boundaries, runId), false).get(runId)!);
    }
    return runs;
  }

  /** A run's own events, from its start to its end (or to the stream's end while it runs); [] for a run not there. */
  private async eventsOfRun(stream: string, boundaries: readonly RecordedEvent[], runId: string): Promise<RecordedEvent[]> {
    const started = boundaries.find((e) => e.type === 'ImportStarted' && runIdOf(e) === runId);
    if (!started) return [];
    const ended = boundaries.find((e) => e.type !== 'ImportStarted' && e.revision > started.revision && runIdOf(e) === runId);
    return this.store.readStream(stream, { fromRevision: started.revision, ...(ended ? { maxCount: ended.revision - started.revision + 1 } : {}) });
  }

  /**
   * One run with every device's outcome. Its start and end are found among the runs' start and end
   * events; then only its own events are read: a source's history holds every earlier run's outcomes
   * (about 200 KB a page), which one run's detail must not read.
   */
  async run(runId: string): Promise<RunDetail | null> {
    for (const source of MDM_SOURCES) {
      const stream = importRunsStream(source);
      const boundaries = await this.store.readStream(stream, { types: SUMMARY_TYPES });
      const run = summarise(await this.eventsOfRun(stream, boundaries, runId), true).get(runId);
      if (run) return run;
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
