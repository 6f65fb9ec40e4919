import { DomainError } from '../shared/domain-error.js';
import type { MdmDevice } from './mdm-device.js';

/** The longest value of one reported field the register takes; real ones are tens of characters. */
export const MAX_REPORTED_LENGTH = 1_000;

const TEXT_FIELDS = [
  'deviceName', 'manufacturer', 'model', 'modelIdentifier', 'operatingSystem', 'osVersion',
  'wifiMacAddress', 'ethernetMacAddress', 'userEmail', 'lastSyncedAt',
] as const;

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
  for (const field of TEXT_FIELDS) {
    const value = device[field];
    if (typeof value === 'string' && value.length > MAX_REPORTED_LENGTH) throw tooLong(field, value.length);
  }
  for (const [key, value] of Object.entries(device.specifications)) {
    if (typeof value === 'string' && value.length > MAX_REPORTED_LENGTH) throw tooLong(`specifications.${key}`, value.length);
  }
}
