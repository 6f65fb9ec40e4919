import { DomainError, UnknownCommand } from '../shared/domain-error.js';
import type { MdmSourceName } from '../hardware/mdm-source.js';
import { sourceDisplayName } from '../hardware/mdm-source.js';
import type { ImportFailed, ImportRunEvent, PagePart } from './events.js';
import { addCounts, addOutcomes, countsOf, noCounts, type DeviceOutcome, type MissingDevice, type RunCounts } from './outcome.js';

/** The import runs of one source: at most one in progress at a time. */
export interface SourceRuns {
  inProgress: {
    runId: string;
    triggeredBy: string;
    startedAt: string;
    /** The last page or heartbeat: the lease runs from here. */
    lastActivityAt: string;
    owner: string | null;
    pages: number;
    counts: RunCounts;
    /** The run whose failed devices this one re-imports, if it is a retry. */
    retryOf?: string;
    /** It read the source's whole listing and recorded the records missing from it. */
    completeListing: boolean;
  } | null;
}

export function initialRuns(): SourceRuns {
  return { inProgress: null };
}

type Meta = { metadata: { now: string } };
/** What the caller knows of a run in progress: whether the process that holds it is known to be gone. */
type Lease = { leaseMs: number; ownerGone: boolean };
export type StartImport = { type: 'StartImport'; data: { runId: string; source: MdmSourceName; triggeredBy: string; owner: string; retryOf?: string } & Lease } & Meta;
export type Heartbeat = { type: 'Heartbeat'; data: { runId: string; source: MdmSourceName } } & Meta;
/** One page's outcomes; a page whose outcomes outgrow one write is recorded in parts (see `recordParts`), each a command of its own. */
export type RecordPage = { type: 'RecordPage'; data: { runId: string; source: MdmSourceName; outcomes: DeviceOutcome[]; announcedTotal?: number | null } & Partial<PagePart> } & Meta;
export type RecordMissing = { type: 'RecordMissing'; data: { runId: string; source: MdmSourceName; devices: MissingDevice[] } } & Meta;
export type CompleteImport = { type: 'CompleteImport'; data: { runId: string; source: MdmSourceName; warnings: string[] } } & Meta;
export type FailImport = { type: 'FailImport'; data: { runId: string; source: MdmSourceName; reason: string } } & Meta;
/** Closes the run in progress if its lease has lapsed or its process is gone; nothing otherwise. */
export type CloseAbandoned = { type: 'CloseAbandoned'; data: { source: MdmSourceName } & Lease } & Meta;
export type ImportRunCommand = StartImport | Heartbeat | RecordPage | RecordMissing | CompleteImport | FailImport | CloseAbandoned;

export class ImportAlreadyRunning extends DomainError {
  constructor(source: MdmSourceName, runId: string, startedAt: string, triggeredBy: string) {
    super(
      'import-in-progress',
      `An import from ${sourceDisplayName(source)} is already running (run ${runId}, started ${startedAt} by ${triggeredBy}).`,
      'source',
      'Wait for it to finish, then re-run if needed.',
    );
  }
}

export class RunNotInProgress extends DomainError {
  constructor(runId: string) {
    super('run-not-in-progress', `Import run ${runId} is not in progress.`);
  }
}

function elapsed(from: string, to: string): number {
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

/** A run is abandoned when its process is known to be gone, or when its lease lapsed without a page or heartbeat. */
function abandonment(running: NonNullable<SourceRuns['inProgress']>, lease: Lease, now: string): string | null {
  if (lease.ownerGone) return `abandoned: its process (${running.owner}) is gone; last progress ${running.lastActivityAt}`;
  if (elapsed(running.lastActivityAt, now) >= lease.leaseMs) return `abandoned: no progress or heartbeat since ${running.lastActivityAt}`;
  return null;
}

function current(state: SourceRuns, runId: string) {
  if (state.inProgress?.runId !== runId) throw new RunNotInProgress(runId);
  return state.inProgress;
}

function failed(state: NonNullable<SourceRuns['inProgress']>, source: MdmSourceName, reason: string, now: string): ImportFailed {
  return {
    type: 'ImportFailed',
    data: {
      runId: state.runId,
      source,
      triggeredBy: state.triggeredBy,
      startedAt: state.startedAt,
      failedAt: now,
      durationMs: elapsed(state.startedAt, now),
      reason,
      counts: state.counts,
      pages: state.pages,
      ...(state.retryOf ? { retryOf: state.retryOf } : {}),
      completeListing: state.completeListing,
    },
  };
}

export function decideRun(command: ImportRunCommand, state: SourceRuns): ImportRunEvent[] {
  const now = command.metadata.now;
  switch (command.type) {
    case 'StartImport': {
      const { runId, source, triggeredBy, owner, retryOf } = command.data;
      const events: ImportRunEvent[] = [];
      const running = state.inProgress;
      if (running) {
        // A run whose process died holds the source only until its lease lapses; a live one is never taken over.
        const reason = abandonment(running, command.data, now);
        if (!reason) throw new ImportAlreadyRunning(source, running.runId, running.startedAt, running.triggeredBy);
        events.push(failed(running, source, reason, now));
      }
      events.push({ type: 'ImportStarted', data: { runId, source, triggeredBy, startedAt: now, owner, ...(retryOf ? { retryOf } : {}) } });
      return events;
    }
    case 'Heartbeat': {
      const run = current(state, command.data.runId);
      return [{ type: 'ImportHeartbeat', data: { runId: run.runId, source: command.data.source, at: now, pages: run.pages, runCounts: run.counts } }];
    }
    case 'CloseAbandoned': {
      const running = state.inProgress;
      const reason = running && abandonment(running, command.data, now);
      return running && reason ? [failed(running, command.data.source, reason, now)] : [];
    }
    case 'RecordPage': {
      const run = current(state, command.data.runId);
      const { outcomes, source, announcedTotal, part, parts } = command.data;
      const counts = addOutcomes(noCounts(), outcomes);
      // The parts after the first go on with the page the first began.
      const page = part !== undefined && part > 1 ? run.pages : run.pages + 1;
      return [
        {
          type: 'ImportPageRecorded',
          data: {
            runId: run.runId, source, page, outcomes, counts, runCounts: addCounts(run.counts, counts), recordedAt: now, announcedTotal: announcedTotal ?? null,
            ...(part !== undefined && parts !== undefined && parts > 1 ? { part, parts } : {}),
          },
        },
      ];
    }
    case 'RecordMissing': {
      const run = current(state, command.data.runId);
      const { source, devices } = command.data;
      return [{ type: 'ImportMissingRecorded', data: { runId: run.runId, source, devices, recordedAt: now, listingStartedAt: run.startedAt } }];
    }
    case 'CompleteImport': {
      const run = current(state, command.data.runId);
      return [
        {
          type: 'ImportCompleted',
          data: {
            runId: run.runId,
            source: command.data.source,
            triggeredBy: run.triggeredBy,
            startedAt: run.startedAt,
            completedAt: now,
            durationMs: elapsed(run.startedAt, now),
            counts: run.counts,
            pages: run.pages,
            warnings: command.data.warnings,
            ...(run.retryOf ? { retryOf: run.retryOf } : {}),
            completeListing: run.completeListing,
          },
        },
      ];
    }
    case 'FailImport': {
      const run = current(state, command.data.runId);
      return [failed(run, command.data.source, command.data.reason, now)];
    }
    default: {
      const unknown: never = command;
      throw new UnknownCommand(unknown);
    }
  }
}

export function evolveRuns(state: SourceRuns, event: ImportRunEvent): SourceRuns {
  switch (event.type) {
    case 'ImportStarted': {
      const { runId, triggeredBy, startedAt, owner, retryOf } = event.data;
      return { inProgress: { runId, triggeredBy, startedAt, lastActivityAt: startedAt, owner: owner ?? null, pages: 0, counts: noCounts(), ...(retryOf ? { retryOf } : {}), completeListing: false } };
    }
    case 'ImportHeartbeat': {
      const run = state.inProgress;
      return run && run.runId === event.data.runId ? { inProgress: { ...run, lastActivityAt: event.data.at } } : state;
    }
    case 'ImportPageRecorded': {
      const run = state.inProgress;
      if (!run || run.runId !== event.data.runId) return state;
      return {
        inProgress: {
          ...run,
          pages: event.data.page,
          lastActivityAt: event.data.recordedAt,
          // A page that carries the run's counts so far is enough to go on from, without the pages before it.
          counts: event.data.runCounts ? countsOf(event.data.runCounts) : addOutcomes(run.counts, event.data.outcomes),
        },
      };
    }
    case 'ImportMissingRecorded': {
      const run = state.inProgress;
      if (!run || run.runId !== event.data.runId) return state;
      return { inProgress: { ...run, lastActivityAt: event.data.recordedAt, counts: { ...run.counts, missing: (run.counts.missing ?? 0) + event.data.devices.length }, completeListing: true } };
    }
    case 'ImportCompleted':
    case 'ImportFailed':
      return state.inProgress?.runId === event.data.runId ? { inProgress: null } : state;
    default: {
      const unknown: never = event;
      throw new Error(`Unknown import run event ${JSON.stringify(unknown)}`);
    }
  }
}
