import type { Assignee } from './events.js';
import type { HandMaintained } from './hand-maintained.js';
import type { Identity } from './identity.js';
import type { MdmSourceName } from './mdm-source.js';

export interface MdmRecord {
  sourceDeviceId: string;
  lastSyncedAt: string | null;
  /** The last time this source's import recorded anything on the record: a lower bound of its last listing. */
  lastListedAt: string | null;
  /** Set while the source's complete listings leave the device out. */
  missingSince: string | null;
}

export type Hardware =
  | { exists: false }
  | ({
      exists: true;
      hardwareId: string;
      serial: string;
      assetTag: string;
      identity: Identity;
      assignee: Assignee | null;
      mdmRecords: Partial<Record<MdmSourceName, MdmRecord>>;
      /** Someone chose the status (a hand registration or edit): imports never touch it then. */
      statusSetByHand: boolean;
      /** The MDM whose values the identity fields follow; null until an MDM first reports the device. */
      identitySource: MdmSourceName | null;
    } & HandMaintained);

export type ExistingHardware = Extract<Hardware, { exists: true }>;

export function initialState(): Hardware {
  return { exists: false };
}
