import type { Assignee } from './events.js';
import { identityOf } from './identity.js';
import type { MdmDevice } from './mdm-device.js';
import type { SourcePrecedence } from './source-precedence.js';
import type { Hardware } from './state.js';

/**
 * Whether deciding an entry against this record reads the entry's check-in time and the source
 * precedence. They only matter when the record also holds another source, or another device of
 * this source: then they settle who owns the identity fields and which entry a serial follows.
 */
export function decisionReadsCheckIn(state: Hardware, device: MdmDevice): boolean {
  if (!state.exists) return true;
  return Object.entries(state.mdmRecords).some(([source, record]) => source !== device.source || record?.sourceDeviceId !== device.sourceDeviceId);
}

/**
 * Everything an import decision reads from an entry, as one string. Two entries with the same
 * string get the same decision against the same record state: run id and time only stamp the
 * events. With `withCheckIn` false, the check-in time and the precedence are left out (see above).
 */
export function decisionInputs(
  entry: { device: MdmDevice; serial: string; assignee: Assignee | null; precedence: SourcePrecedence },
  withCheckIn: boolean,
): string {
  const { device, serial, assignee, precedence } = entry;
  return JSON.stringify([
    device.source, device.sourceDeviceId, serial, identityOf(device),
    assignee ? [assignee.userId, assignee.email, assignee.name] : null,
    withCheckIn ? [device.lastSyncedAt, precedence.apple, precedence.other] : null,
  ]);
}
