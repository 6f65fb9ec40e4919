import { DomainError } from '../shared/domain-error.js';
import type { MdmDevice } from './mdm-device.js';

/** The longest value of one reported field the register takes; real ones are tens of characters. */
export const MAX_REPORTED_LENGTH = 1_000;

function tooLong(field: string, length: number): DomainError {
  return new DomainError(
    'field-too-long',
    `${field} is ${length.toLocaleString('en-US')} characters long; the register takes reported values of at most ${MAX_REPORTED_LENGTH.toLocaleString('en-US')}.`,
    field,
    'Correct the value in the MDM, then re-run the import.',
  );
}

/**
 * A reported value longer than any real one makes the device that device's error, naming the field:
 * it is neither cut short in silence nor written into every event and record of the device.
 */
export function checkReportedLengths(device: MdmDevice): void {
  // Each field by name: a loop over their names, or Object.entries, cost a first import about 2 %.
  within('deviceName', device.deviceName);
  within('manufacturer', device.manufacturer);
  within('model', device.model);
  within('modelIdentifier', device.modelIdentifier);
  within('operatingSystem', device.operatingSystem);
  within('osVersion', device.osVersion);
  within('wifiMacAddress', device.wifiMacAddress);
  within('ethernetMacAddress', device.ethernetMacAddress);
  within('userEmail', device.userEmail);
  within('lastSyncedAt', device.lastSyncedAt);
  const specifications = device.specifications;
  for (const key in specifications) {
    const value = specifications[key];
    if (typeof value === 'string' && value.length > MAX_REPORTED_LENGTH) throw tooLong(`specifications.${key}`, value.length);
  }
}

function within(field: string, value: unknown): void {
  if (typeof value === 'string' && value.length > MAX_REPORTED_LENGTH) throw tooLong(field, value.length);
}
