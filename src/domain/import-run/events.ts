import type { MdmSourceName } from '../hardware/mdm-source.js';
import type { DeviceOutcome, MissingDevice, RunCounts } from './outcome.js';

interface RunRef {
  runId: string;
  source: MdmSourceName;
}

export type ImportStarted = {
  type: 'ImportStarted';
  /** `owner` names the process holding the run's lease (host/pid/instance); absent on older runs. */
  data: RunRef & {
    triggeredBy: string;
    startedAt: string;
    owner?: string;
    /** A run that re-imports only the devices that failed in this earlier run. */
    retryOf?: string;
  };
};

/** The run's process is alive and still working, pages or not: its lease is renewed. */
export type ImportHeartbeat = {
  type: 'ImportHeartbeat';
  data: RunRef & {
    at: string;
    /** Pages recorded so far and the run's counts, as on its last page: a run waiting on a slow page is summarised from its newest event. Absent on older runs. */
    pages?: number;
    runCounts?: RunCounts;
  };
};

/** Which part of its page an event records, when the page's outcomes outgrew one write of the store. */
export interface PagePart {
  /** 1-based. */
  part: number;
  parts: number;
}

/**
 * The outcome of every device of one page, recorded as the page is applied. A page whose outcomes
 * outgrow one write is recorded as several of these, one per write, with the same `page` and each
 * with its `part` of `parts`; `counts` are then the part's and `runCounts` the run's up to its end.
 */
export type ImportPageRecorded = {
  type: 'ImportPageRecorded';
  data: RunRef & Partial<PagePart> & {
    page: number;
    outcomes: DeviceOutcome[];
    /** This page's outcomes, counted. */
    counts: RunCounts;
    /** The run's counts up to and including this page, so a run still going is summarised from its last page. Absent on older runs. */
    runCounts?: RunCounts;
    recordedAt: string;
    /** What the MDM said its whole listing holds, when it said; for progress. Absent on older runs. */
    announcedTotal?: number | null;
  };
};

/**
 * The run read every page of the source's listing and looked for the records it left out: these are
 * newly missing (possibly none). A long list is recorded over several events.
 */
export type ImportMissingRecorded = {
  type: 'ImportMissingRecorded';
  data: RunRef & { devices: MissingDevice[]; recordedAt: string; /** The run's start: the moment its complete listing speaks for. */ listingStartedAt: string };
};

export type ImportCompleted = {
  type: 'ImportCompleted';
  data: RunRef & {
    triggeredBy: string;
    startedAt: string;
    completedAt: string;
    durationMs: number;
    counts: RunCounts;
    pages: number;
    /** What the MDM's listing itself got wrong (fewer devices than announced, …); absent on older runs. */
    warnings?: string[];
    /** As on the run's start, so its end alone summarises it; absent on older runs. */
    retryOf?: string;
    /** The run read the source's whole listing and recorded what was missing from it; absent on older runs. */
    completeListing?: boolean;
  };
};

/** A run that could not finish; what it applied before the failure stays applied. */
export type ImportFailed = {
  type: 'ImportFailed';
  data: RunRef & {
    triggeredBy: string;
    startedAt: string;
    failedAt: string;
    durationMs: number;
    reason: string;
    counts: RunCounts;
    pages: number;
    /** As on the run's start, so its end alone summarises it; absent on older runs. */
    retryOf?: string;
    /** The run read the source's whole listing and recorded what was missing from it; absent on older runs. */
    completeListing?: boolean;
  };
};

export type ImportRunEvent = ImportStarted | ImportHeartbeat | ImportPageRecorded | ImportMissingRecorded | ImportCompleted | ImportFailed;

export const IMPORT_RUN_EVENT_TYPES: ReadonlySet<string> = new Set<ImportRunEvent['type']>([
  'ImportStarted',
  'ImportHeartbeat',
  'ImportPageRecorded',
  'ImportMissingRecorded',
  'ImportCompleted',
  'ImportFailed',
]);

export function isImportRunEvent(event: { type: string }): event is ImportRunEvent {
  return IMPORT_RUN_EVENT_TYPES.has(event.type);
}
