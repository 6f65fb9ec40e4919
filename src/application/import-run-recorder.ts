import type { MdmSourceName } from '../domain/hardware/mdm-source.js';
import type { ImportRunEvent } from '../domain/import-run/events.js';
import type { DeviceOutcome } from '../domain/import-run/outcome.js';
import { decideRun, evolveRuns, initialRuns, type ImportRunCommand, type SourceRuns } from '../domain/import-run/run.js';
import type { EventStore, ExpectedRevision } from './ports/event-store.js';
import { StreamConflict } from './ports/errors.js';
import { importRunsStream } from './streams.js';
import { ImportAlreadyRunning } from '../domain/import-run/run.js';

export type RunEnded = Extract<ImportRunEvent, { type: 'ImportCompleted' | 'ImportFailed' }>;

/**
 * Records one run on its source's stream. Starting appends under the stream's revision, so when two
 * processes start the same source at once exactly one wins and the other is refused.
 */
export class ImportRunRecorder {
  private constructor(
    private readonly store: EventStore,
    readonly source: MdmSourceName,
    readonly runId: string,
    private state: SourceRuns,
    private revision: ExpectedRevision,
    readonly startEvent: Extract<ImportRunEvent, { type: 'ImportStarted' }>,
  ) {}

  static async start(
    store: EventStore,
    params: { source: MdmSourceName; runId: string; triggeredBy: string; staleAfterMs: number; now: string },
  ): Promise<ImportRunRecorder> {
    const stream = importRunsStream(params.source);
    const history = await store.readStream(stream);
    let state = initialRuns();
    for (const event of history) state = evolveRuns(state, { type: event.type, data: event.data } as ImportRunEvent);
    const revision: ExpectedRevision = history.at(-1)?.revision ?? 'no_stream';
    const { now, ...data } = params;
    const events = decideRun({ type: 'StartImport', data, metadata: { now } }, state);
    try {
      const { nextRevision } = await store.append(stream, events, revision);
      for (const event of events) state = evolveRuns(state, event);
      const started = events.at(-1) as Extract<ImportRunEvent, { type: 'ImportStarted' }>;
      return new ImportRunRecorder(store, params.source, params.runId, state, nextRevision, started);
    } catch (error) {
      if (error instanceof StreamConflict) {
        // Someone appended between our read and our write: that can only be another run starting.
        const again = await store.readStream(stream);
        let latest = initialRuns();
        for (const event of again) latest = evolveRuns(latest, { type: event.type, data: event.data } as ImportRunEvent);
        const running = latest.inProgress;
        if (running) throw new ImportAlreadyRunning(params.source, running.runId, running.startedAt, running.triggeredBy);
      }
      throw error;
    }
  }


  recordPage(outcomes: DeviceOutcome[], now: string): Promise<ImportRunEvent[]> {
    return this.record({ type: 'RecordPage', data: { runId: this.runId, source: this.source, outcomes }, metadata: { now } });
  }

  /** Ends the run; the returned event carries its final counts. */
  async complete(now: string): Promise<RunEnded> {
    return (await this.record({ type: 'CompleteImport', data: { runId: this.runId, source: this.source }, metadata: { now } })).at(-1) as RunEnded;
  }

  async fail(reason: string, now: string): Promise<RunEnded> {
    return (await this.record({ type: 'FailImport', data: { runId: this.runId, source: this.source, reason }, metadata: { now } })).at(-1) as RunEnded;
  }

  private async record(command: ImportRunCommand): Promise<ImportRunEvent[]> {
    const events = decideRun(command, this.state);
    const { nextRevision } = await this.store.append(importRunsStream(this.source), events, this.revision);
    this.revision = nextRevision;
    for (const event of events) this.state = evolveRuns(this.state, event);
    return events;
  }
}
