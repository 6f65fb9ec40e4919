import { createHash } from 'node:crypto';
import { decide } from '../../domain/hardware/decide.js';
import type { ImportDevice } from '../../domain/hardware/commands.js';
import { decisionInputs, decisionReadsCheckIn } from '../../domain/hardware/decision-inputs.js';
import type { Assignee } from '../../domain/hardware/events.js';
import type { MdmDevice } from '../../domain/hardware/mdm-device.js';
import type { SourcePrecedence } from '../../domain/hardware/source-precedence.js';
import type { Hardware } from '../../domain/hardware/state.js';
import type { DeviceOutcome } from '../../domain/import-run/outcome.js';
import type { ExpectedRevision } from '../ports/event-store.js';
import type { DecisionFingerprint, KnownRecord } from '../ports/known-hardware.js';

/** What the read side knows of a page: the records the register holds, and their last settled decisions. */
export interface ReadSide {
  known: Map<string, KnownRecord>;
  stored: Map<string, DecisionFingerprint>;
}

/**
 * The devices whose entry matches the fingerprint of the record's last settled decision, taken at
 * the revision the register holds: deciding them again would change nothing, so their streams are
 * not read. A serial met twice (in this page or the run) goes the whole way: which entry it follows
 * is decided there.
 */
export function unchangedByFingerprint<C extends { device: MdmDevice; serial: string }>(
  candidates: readonly C[], { known, stored }: ReadSide, assigneeOf: (device: MdmDevice) => Assignee | null, precedence: SourcePrecedence, seen: ReadonlyMap<string, string>,
): Map<C, KnownRecord> {
  const perSerial = new Map<string, number>();
  for (const c of candidates) perSerial.set(c.serial, (perSerial.get(c.serial) ?? 0) + 1);
  const unchanged = new Map<C, KnownRecord>();
  for (const c of candidates) {
    const record = known.get(c.serial);
    const last = stored.get(c.serial);
    if (!record || !last || last.revision !== record.revision || perSerial.get(c.serial) !== 1 || seen.has(c.serial)) continue;
    if (fingerprintOf(c.device, c.serial, assigneeOf(c.device), precedence, last.withCheckIn) === last.inputs) unchanged.set(c, record);
  }
  return unchanged;
}

/** The hash of what a decision reads from an entry; null when the entry cannot be read that far (its decision will say why). */
function fingerprintOf(device: MdmDevice, serial: string, assignee: Assignee | null, precedence: SourcePrecedence, withCheckIn: boolean): string | null {
  try {
    return createHash('sha256').update(decisionInputs({ device, serial, assignee, precedence }, withCheckIn)).digest('base64url');
  } catch {
    return null;
  }
}

/** One serial's decision in a pass, as the page importer took it. */
export interface DecidedSerial {
  serial: string;
  /** The state the decisions led to, and the last command decided. */
  after?: Hardware;
  last?: ImportDevice;
  expectedRevision: ExpectedRevision;
  eventCount: number;
  outcome: DeviceOutcome['outcome'] | undefined;
}

/**
 * Fingerprints of the decisions that were written (or needed no write) and now leave nothing to
 * do: deciding the same entry again against the state they led to gives no event. Those already
 * stored as they are are left out.
 */
export function settledFingerprints(decided: Iterable<DecidedSerial>, precedence: SourcePrecedence, stored?: Map<string, DecisionFingerprint>): DecisionFingerprint[] {
  const settled: DecisionFingerprint[] = [];
  for (const { serial, after, last, expectedRevision, eventCount, outcome } of decided) {
    if (!after?.exists || !last) continue;
    if (outcome !== 'created' && outcome !== 'updated' && outcome !== 'unchanged') continue;
    try {
      if (decide({ ...last, data: { ...last.data, newHardware: null } }, after).length > 0) continue;
    } catch {
      continue;
    }
    const revision = (typeof expectedRevision === 'number' ? expectedRevision + 1 : 0) + eventCount - 1;
    const { device, assignee } = last.data;
    const withCheckIn = decisionReadsCheckIn(after, device);
    const inputs = fingerprintOf(device, serial, assignee, precedence, withCheckIn);
    const before = stored?.get(serial);
    if (inputs === null || (before && before.inputs === inputs && before.revision === revision && before.withCheckIn === withCheckIn)) continue;
    settled.push({ serial, source: device.source, inputs, revision, withCheckIn });
  }
  return settled;
}
