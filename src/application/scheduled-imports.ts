import { isDue, nextScheduledRun, validateSchedule, type ScheduleInput, type SyncSchedule } from '../domain/connectors/sync-schedule.js';
import type { Readiness } from '../domain/connectors/connector-settings.js';
import { MDM_SOURCES, sourceDisplayName, type MdmSourceName } from '../domain/hardware/mdm-source.js';
import { ImportAlreadyRunning } from '../domain/import-run/run.js';
import type { BackgroundImports, StartedRun } from './background-imports.js';
import { RunStreamMoved } from './import-run-recorder.js';
import type { Clock } from './ports/clock.js';
import type { ConnectorSettingsStore } from './ports/connector-settings-store.js';
import type { EventStore } from './ports/event-store.js';
import { SourceNotConfigured, type MdmSourceProvider } from './ports/mdm-source.js';
import type { Projections } from './ports/projections.js';
import type { AuditEntry, AuditLogQueries } from './ports/read-models.js';
import { importRunsStream } from './streams.js';

/** Who a scheduled run is recorded as triggered by. */
export const SCHEDULE_TRIGGER = 'schedule';

/** A source's schedule as its card shows it. */
export interface ScheduleView {
  schedule: SyncSchedule;
  /** When the next scheduled import is due; in the past means at the next check. */
  nextRunAt: string | null;
  lastScheduledRun: AuditEntry | null;
  /** The last scheduled run failed and no run has succeeded since: why. */
  problem: string | null;
  /** Why no scheduled run starts while the schedule is on (the connector switched off or missing settings); then nextRunAt is null. */
  paused: string | null;
}

/** A schedule that is on, for a connector the scheduler cannot run: said, rather than a next run that never comes. */
function pausedBecause(source: MdmSourceName, ready: Readiness): string | null {
  if (ready.configured) return null;
  const name = sourceDisplayName(source);
  const missing = ready.missing.filter((field) => field !== 'enabled');
  const why = ready.missing.includes('enabled') ? `${name} is switched off` : `${name} has no ${missing.join(', ')}`;
  return `Scheduled runs are paused: ${why}. Finish its settings in Integrations; they resume at the next check.`;
}

export interface ScheduledImportsDeps {
  settings: ConnectorSettingsStore;
  /** Asked whether a source would open, as a scheduled run would find out when it starts. */
  sources: MdmSourceProvider;
  store: EventStore;
  auditLog: AuditLogQueries;
  projections: Projections;
  imports: BackgroundImports;
  clock: Clock;
}

/**
 * Starts the imports whose schedule is due, through the same command as a person would. Any number of
 * instances may check at once: each start is conditional on the source's run stream being where it was
 * when the run was found due, so one instance starts it and the others find it taken.
 */
export class ScheduledImports {
  constructor(private readonly deps: ScheduledImportsDeps) {}

  /** Looks at every source once; returns the runs this call started. */
  async tick(): Promise<StartedRun[]> {
    const started: StartedRun[] = [];
    for (const source of MDM_SOURCES) {
      const run = await this.runIfDue(source);
      if (run) started.push(run);
    }
    return started;
  }

  private async runIfDue(source: MdmSourceName): Promise<StartedRun | null> {
    const { deps } = this;
    const schedule = await deps.settings.schedule(source);
    if (schedule.kind === 'off') return null;
    // The stream's position first, then the audit log brought up to it: what is decided below is
    // decided on everything up to that position, and the start holds only if nothing came after.
    const [head] = await deps.store.readStream(importRunsStream(source), { backwards: true, maxCount: 1 });
    await deps.projections.catchUp();
    const last = await this.lastScheduledRun(source);
    if (!isDue(schedule, last?.startedAt ?? null, deps.clock.now().toISOString())) return null;
    try {
      return await deps.imports.start({ source, triggeredBy: SCHEDULE_TRIGGER, onlyIfRunsUnchangedSince: head?.revision ?? 'no_stream' });
    } catch (error) {
      // Taken by another instance, a run already going (it is due again once that ends), or not configured.
      if (error instanceof RunStreamMoved || error instanceof ImportAlreadyRunning || error instanceof SourceNotConfigured) return null;
      throw error;
    }
  }

  /** Saves the source's schedule, checked; the next check picks it up. */
  async save(source: MdmSourceName, input: ScheduleInput): Promise<ScheduleView> {
    await this.deps.settings.saveSchedule(source, validateSchedule(input, this.deps.clock.now().toISOString()));
    return this.view(source);
  }

  async view(source: MdmSourceName): Promise<ScheduleView> {
    const schedule = await this.deps.settings.schedule(source);
    const last = await this.lastScheduledRun(source);
    let problem: string | null = null;
    if (last?.status === 'failed') {
      const since = await this.deps.auditLog.list({ source, from: last.startedAt, limit: 100 });
      if (!since.some((run) => run.status === 'completed' && run.startedAt > last.startedAt)) problem = last.failureReason ?? 'The last scheduled run failed.';
    }
    const ready = schedule.kind === 'off' ? null : await this.deps.sources.readiness?.(source);
    const paused = ready ? pausedBecause(source, ready) : null;
    return { schedule, nextRunAt: paused ? null : nextScheduledRun(schedule, last?.startedAt ?? null), lastScheduledRun: last, problem, paused };
  }

  private async lastScheduledRun(source: MdmSourceName): Promise<AuditEntry | null> {
    return (await this.deps.auditLog.list({ source, triggeredBy: SCHEDULE_TRIGGER, limit: 1 }))[0] ?? null;
  }
}
