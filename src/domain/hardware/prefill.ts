import { reported, reportedTime } from '../shared/text.js';
import { inferCategory, type Category } from './category.js';
import { normaliseEmail } from './email-address.js';
import { identityOf, type Identity } from './identity.js';
import type { MdmDevice, Specifications } from './mdm-device.js';
import type { MdmSourceName } from './mdm-source.js';

/** What "Look up by serial" puts into the Hardware form: the same mapping an import would write. */
export interface HardwarePrefill extends Identity {
  serial: string | null;
  category: Category;
  assignedUserEmail: string | null;
  deviceName: string | null;
  specifications: Specifications;
  source: MdmSourceName;
  sourceDeviceId: string;
  lastSyncedAt: string | null;
}

export function prefillFrom(device: MdmDevice): HardwarePrefill {
  const identity = identityOf(device);
  return {
    serial: reported(device.serialNumber)?.toUpperCase() ?? null,
    ...identity,
    category: inferCategory(identity.model, identity.operatingSystem),
    assignedUserEmail: normaliseEmail(device.userEmail),
    deviceName: reported(device.deviceName),
    specifications: device.specifications,
    source: device.source,
    sourceDeviceId: device.sourceDeviceId,
    lastSyncedAt: reportedTime(device.lastSyncedAt),
  };
}
