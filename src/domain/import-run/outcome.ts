import { MAX_REPORTED_LENGTH } from '../hardware/reported-lengths.js';
import type { SkipReason } from '../hardware/screening.js';
import { excerpt } from '../shared/quote.js';

export const OUTCOME_KINDS = ['created', 'updated', 'unchanged', 'skipped', 'error'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** What happened to one MDM device in one run: the auditor's per-device record. */
export interface DeviceOutcome {
  outcome: OutcomeKind;
  sourceDeviceId: string;
  serial: string | null;
  deviceName: string | null;
  hardwareId?: string;
  assetTag?: string;
  /** A skip reason, or an error code. */
  reason?: SkipReason | string;
  /** A sentence a person can act on. */
  detail?: string;
}

/** The most characters of a detail an outcome keeps; ours are a sentence or two. */
const DETAIL_CHARS = 2_000;

/**
 * The device as an outcome names it. A name longer than any the register takes is that device's error
 * (MAX_REPORTED_LENGTH), and its outcome then shows an excerpt: the run's record and its banner never
 * repeat megabytes that an MDM sent.
 */
export function outcomeName(deviceName: string | null | undefined): string | null {
  return deviceName ? excerpt(deviceName, MAX_REPORTED_LENGTH) : null;
}

/** A detail as an outcome keeps it: an error's message may quote what it was handed. */
export function outcomeDetail(detail: string): string {
  return excerpt(detail, DETAIL_CHARS);
}

export interface RunCounts {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: number;
  /** Records the source reported before and its complete listing left out this time. */
  missing: number;
}

/** A record newly missing from its source's listing: the banner's and the history's list. */
export interface MissingDevice {
  serial: string;
  hardwareId: string;
  assetTag: string;
  name: string;
  sourceDeviceId: string;
  lastListedAt: string | null;
}

export function noCounts(): RunCounts {
  return { created: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 };
}

/** Counts recorded before a field existed read as zero for it. */
export function countsOf(recorded: Partial<RunCounts> | undefined): RunCounts {
  return { ...noCounts(), ...recorded };
}

const COUNTER: Record<OutcomeKind, keyof RunCounts> = {
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  skipped: 'skipped',
  error: 'errors',
};

export function addOutcomes(counts: RunCounts, outcomes: readonly DeviceOutcome[]): RunCounts {
  const next = { ...counts };
  for (const { outcome } of outcomes) next[COUNTER[outcome]] += 1;
  return next;
}

export function addCounts(a: RunCounts, b: RunCounts): RunCounts {
  return {
    created: a.created + b.created,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    skipped: a.skipped + b.skipped,
    errors: a.errors + b.errors,
    missing: (a.missing ?? 0) + (b.missing ?? 0),
  };
}

/** MDM entries a run read, whatever became of them (newly missing records were not read). */
export function devicesRead(counts: RunCounts): number {
  return counts.created + counts.updated + counts.unchanged + counts.skipped + counts.errors;
}
