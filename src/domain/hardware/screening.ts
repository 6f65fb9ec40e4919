import { readSerial } from './serial-number.js';
import { checkReportedLengths } from './reported-lengths.js';
import { isVirtualDevice } from './virtual-device.js';
import type { MdmDevice } from './mdm-device.js';

export type SkipReason = 'no-serial' | 'placeholder-serial' | 'virtual-device' | 'duplicate-serial';

export type Screening =
  | { kind: 'importable'; serial: string }
  | { kind: 'skipped'; reason: SkipReason; detail: string };

/**
 * Devices with no usable serial (Autopilot-only registrations, placeholder firmware values) and
 * virtual machines are not asset-trackable: they are skipped and counted, never merged.
 */
export function screenDevice(device: MdmDevice): Screening {
  checkReportedLengths(device);
  const serial = readSerial(device.serialNumber);
  if (serial.kind === 'missing') {
    return { kind: 'skipped', reason: 'no-serial', detail: 'the MDM reports no serial number' };
  }
  if (serial.kind === 'placeholder') {
    return { kind: 'skipped', reason: 'placeholder-serial', detail: `serial ${JSON.stringify(serial.raw)} is a firmware placeholder, not a real serial` };
  }
  if (isVirtualDevice(device)) {
    return { kind: 'skipped', reason: 'virtual-device', detail: `model ${JSON.stringify(device.model ?? '')} is a virtual machine or Cloud PC` };
  }
  return { kind: 'importable', serial: serial.serial };
}
