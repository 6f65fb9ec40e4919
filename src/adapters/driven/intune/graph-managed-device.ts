import type { MdmDevice, Specifications } from '../../../domain/hardware/mdm-device.js';
import { entryId } from '../mdm-entries.js';

/** The managedDevice properties the import asks Graph for ($select). */
export const MANAGED_DEVICE_FIELDS = [
  'id', 'deviceName', 'serialNumber', 'manufacturer', 'model', 'operatingSystem', 'osVersion', 'wiFiMacAddress',
  'ethernetMacAddress', 'userPrincipalName', 'emailAddress', 'lastSyncDateTime', 'totalStorageSpaceInBytes',
  'physicalMemoryInBytes', 'deviceEnrollmentType', 'managedDeviceOwnerType', 'complianceState', 'azureADDeviceId',
  'imei', 'isEncrypted',
] as const;

type Raw = Record<string, unknown>;

const NEVER = '0001-01-01T00:00:00Z';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

function text(raw: Raw, field: string): string | null {
  const value = raw[field];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function bytes(raw: Raw, field: string): number | null {
  const value = raw[field];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * Maps one Graph managedDevice onto the register's vocabulary. Graph reports unset values as "",
 * "never synced" as year 1 and unknown sizes as 0: all of them mean "not reported".
 */
export function fromManagedDevice(raw: Raw): MdmDevice {
  const id = entryId(raw, 'id', false);
  const synced = text(raw, 'lastSyncDateTime');
  const specifications: Specifications = {};
  const put = (key: string, value: string | number | boolean | null) => {
    if (value !== null) specifications[key] = value;
  };
  put('totalStorageBytes', bytes(raw, 'totalStorageSpaceInBytes'));
  put('physicalMemoryBytes', bytes(raw, 'physicalMemoryInBytes'));
  put('enrollmentType', text(raw, 'deviceEnrollmentType'));
  put('ownership', text(raw, 'managedDeviceOwnerType'));
  put('complianceState', text(raw, 'complianceState'));
  const entraId = text(raw, 'azureADDeviceId');
  put('entraDeviceId', entraId === EMPTY_GUID ? null : entraId);
  put('imei', text(raw, 'imei'));
  if (typeof raw.isEncrypted === 'boolean') put('encrypted', raw.isEncrypted);
  return {
    source: 'intune',
    sourceDeviceId: id,
    serialNumber: text(raw, 'serialNumber'),
    manufacturer: text(raw, 'manufacturer'),
    model: text(raw, 'model'),
    operatingSystem: text(raw, 'operatingSystem'),
    osVersion: text(raw, 'osVersion'),
    wifiMacAddress: text(raw, 'wiFiMacAddress'),
    ethernetMacAddress: text(raw, 'ethernetMacAddress'),
    userEmail: text(raw, 'userPrincipalName') ?? text(raw, 'emailAddress'),
    deviceName: text(raw, 'deviceName'),
    lastSyncedAt: synced && synced !== NEVER && !synced.startsWith('0001-') ? synced : null,
    specifications,
  };
}
