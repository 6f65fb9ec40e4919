import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';

/** A record as the register holds it: the revision of its stream that the register has projected. */
export interface KnownRecord {
  revision: number;
  hardwareId: string;
  assetTag: string;
}

/**
 * The last decision an import took for a serial from one source that left nothing more to do: the
 * hash of what it read from the entry, and the stream revision it was taken against.
 */
export interface DecisionFingerprint {
  serial: string;
  source: MdmSourceName;
  inputs: string;
  revision: number;
  /** Whether the inputs include the check-in time and the precedence (see decisionReadsCheckIn). */
  withCheckIn: boolean;
}

/**
 * What the read side knows of a page's serials, so that a network store is spared round trips.
 *
 * - A serial the register does not hold has its stream read only if an append finds one: a device
 *   taken for new is appended expecting no stream, a conflict sends it to the retry, and the retry
 *   reads the stream.
 * - A serial whose fingerprint matches the entry, taken at the revision the register holds, is
 *   unchanged without its stream being read. The register can lag the events; it is then behind the
 *   fingerprint or the stream, and the device is read. No write is ever decided from these: appends
 *   carry the revision read from the stream.
 */
export interface KnownHardware {
  known(serials: readonly string[]): Promise<Map<string, KnownRecord>>;
  fingerprints(source: MdmSourceName, serials: readonly string[]): Promise<Map<string, DecisionFingerprint>>;
  saveFingerprints(fingerprints: readonly DecisionFingerprint[]): Promise<void>;
}
