import type { Category } from './category.js';
import type { Condition, DetailsEdit, Status } from './hand-maintained.js';
import type { Identity, IdentityChanges } from './identity.js';
import type { Specifications } from './mdm-device.js';
import type { MdmSourceName } from './mdm-source.js';

export interface Assignee {
  userId: string;
  email: string;
  name: string;
}

/** Which MDM record feeds this hardware, and when it last checked in. */
export interface SourceLink {
  source: MdmSourceName;
  sourceDeviceId: string;
  lastSyncedAt: string | null;
}

export type HardwareImported = {
  type: 'HardwareImported';
  data: SourceLink &
    Identity & {
      hardwareId: string;
      serial: string;
      assetTag: string;
      name: string;
      category: Category;
      status: Status;
      condition: Condition;
      assignee: Assignee | null;
      /** Pre-acknowledged on a match, so the employee is never prompted for a device they hold. */
      acknowledgement: { note: string; at: string } | null;
      specifications: Specifications;
      importRunId: string;
      importedAt: string;
    };
};

export type HardwareIdentityUpdated = {
  type: 'HardwareIdentityUpdated';
  data: SourceLink & {
    hardwareId: string;
    serial: string;
    changes: IdentityChanges;
    /** 'all': this source owns the identity; 'empty-fields': it only filled what the owner leaves empty. */
    scope: 'all' | 'empty-fields';
    importRunId: string;
    updatedAt: string;
  };
};

/** The serial is now (also) reported by this source record: a second MDM, or a re-enrolment. */
export type HardwareSourceLinked = {
  type: 'HardwareSourceLinked';
  data: SourceLink & { hardwareId: string; serial: string; importRunId: string; linkedAt: string };
};

/**
 * A device imported unassigned whose MDM user now matches an active user (the user was imported or
 * activated since): the import completes the assignment it could not make then.
 */
export type HardwareAssigned = {
  type: 'HardwareAssigned';
  data: { hardwareId: string; serial: string; source: SourceLink['source']; assignee: Assignee; acknowledgement: { note: string; at: string }; importRunId: string; assignedAt: string };
};

export type HardwareRegistered = {
  type: 'HardwareRegistered';
  data: Identity & {
    hardwareId: string;
    serial: string;
    assetTag: string;
    name: string;
    category: Category;
    status: Status;
    condition: Condition;
    cpu: string | null;
    ram: string | null;
    storage: string | null;
    purchasePrice: number | null;
    purchaseDate: string | null;
    registeredBy: string;
    registeredAt: string;
  };
};

export type HardwareDetailsEdited = {
  type: 'HardwareDetailsEdited';
  data: {
    hardwareId: string;
    serial: string;
    changes: DetailsEdit;
    /** What each changed field held before, so the event reads as from → to. Absent on events recorded before 2026-12-08. */
    previous?: DetailsEdit;
    editedBy: string;
    editedAt: string;
  };
};

/**
 * A run of this source read every page of its listing and this device was not on it. Nothing else
 * changes: the record keeps its fields, status and assignee; it only says since when it is missing.
 */
export type HardwareMissingFromMdm = {
  type: 'HardwareMissingFromMdm';
  data: {
    hardwareId: string;
    serial: string;
    source: MdmSourceName;
    sourceDeviceId: string;
    /** When this source is last known to have listed the device. */
    lastListedAt: string | null;
    importRunId: string;
    missingSince: string;
  };
};

/** A source lists again a device it had stopped listing. */
export type HardwareSeenAgainInMdm = {
  type: 'HardwareSeenAgainInMdm';
  data: { hardwareId: string; serial: string; source: MdmSourceName; sourceDeviceId: string; missingSince: string; importRunId: string; seenAt: string };
};

export type HardwareEvent =
  | HardwareImported
  | HardwareMissingFromMdm
  | HardwareSeenAgainInMdm
  | HardwareIdentityUpdated
  | HardwareSourceLinked
  | HardwareAssigned
  | HardwareRegistered
  | HardwareDetailsEdited;

export const HARDWARE_EVENT_TYPES: ReadonlySet<string> = new Set<HardwareEvent['type']>([
  'HardwareImported',
  'HardwareIdentityUpdated',
  'HardwareSourceLinked',
  'HardwareAssigned',
  'HardwareRegistered',
  'HardwareDetailsEdited',
  'HardwareMissingFromMdm',
  'HardwareSeenAgainInMdm',
]);

export function isHardwareEvent(event: { type: string }): event is HardwareEvent {
  return HARDWARE_EVENT_TYPES.has(event.type);
}
