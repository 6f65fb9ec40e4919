import type { Category } from './category.js';
import type { Assignee } from './events.js';
import type { Condition, DetailsEdit, Status } from './hand-maintained.js';
import type { MdmDevice } from './mdm-device.js';

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

export type HardwareCommand = ImportDevice | RegisterHardware | EditDetails;
