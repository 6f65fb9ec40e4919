import type { Category } from './category.js';
import type { Assignee } from './events.js';
import type { Condition, DetailsEdit, Status } from './hand-maintained.js';
import type { MdmDevice } from './mdm-device.js';
import type { MdmSourceName } from './mdm-source.js';
import type { SourcePrecedence } from './source-precedence.js';

/** Time enters through metadata so that every decision is repeatable in a spec. */
export interface CommandMetadata {
  now: string;
}

export type ImportDevice = {
  type: 'ImportDevice';
  data: {
    device: MdmDevice;
    runId: string;
    /** Resolved by exact email match to an active user, or null. */
    assignee: Assignee | null;
    /** Identity for a record created by this command; ignored when the serial is already registered. */
    newHardware: { hardwareId: string; assetTag: string } | null;
    /** Which MDM the identity follows per platform when both report the device; the default when absent. */
    precedence?: SourcePrecedence;
  };
  metadata: CommandMetadata;
};

export type RegisterHardware = {
  type: 'RegisterHardware';
  data: {
    hardwareId: string;
    assetTag: string;
    serial: string;
    name: string;
    category: Category;
    status?: Status;
    condition?: Condition;
    manufacturer?: string | null;
    model?: string | null;
    operatingSystem?: string | null;
    osVersion?: string | null;
    macAddress?: string | null;
    cpu?: string | null;
    ram?: string | null;
    storage?: string | null;
    purchasePrice?: number | null;
    purchaseDate?: string | null;
    registeredBy: string;
  };
  metadata: CommandMetadata;
};

export type EditDetails = {
  type: 'EditDetails';
  data: { changes: DetailsEdit; editedBy: string };
  metadata: CommandMetadata;
};

/**
 * Sent, after a run that read every page of its source's listing, for each record linked to that
 * source that the listing left out.
 */
export type MarkMissingFromMdm = {
  type: 'MarkMissingFromMdm';
  data: {
    source: MdmSourceName;
    runId: string;
    /** Start of the source's last earlier run whose listing was complete, if any: it listed every record not missing then. */
    lastCompleteListingAt: string | null;
  };
  metadata: CommandMetadata;
};

export type HardwareCommand = ImportDevice | RegisterHardware | EditDetails | MarkMissingFromMdm;
