import type { SkipReason } from '../hardware/screening.js';

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
