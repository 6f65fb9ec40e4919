import { DomainError } from '../shared/domain-error.js';
import type { Assignee } from './events.js';
import type { Status } from './hand-maintained.js';

const ASSIGN_OR_RECOVER = 'see Assign and recover hardware';

/**
 * A status typed by hand must not contradict who holds the device: `assigned` names no one by itself,
 * and `available` says nobody has it. Who holds a device changes only by assigning or recovering it
 * (an import assigns it to the active user its MDM names), never by typing a status. The other
 * statuses hold either way: a lost or broken device may still be someone's.
 */
export function refuseStatusAgainstHolder(status: Status, holder: Assignee | null): void {
  if (status === 'assigned' && holder === null) {
    throw new DomainError(
      'status-without-assignee',
      'status "assigned" needs a person who holds the device, and nobody does.',
      'status',
      `Assign the device to a person (${ASSIGN_OR_RECOVER}), which sets its status; or choose available, in_repair, retired or lost.`,
    );
  }
  if (status === 'available' && holder !== null) {
    throw new DomainError(
      'status-while-assigned',
      `status "available" says nobody holds the device, but it is assigned to ${holder.email}.`,
      'status',
      `Recover it from ${holder.email} first (${ASSIGN_OR_RECOVER}), which makes it available; or choose assigned, in_repair, retired or lost.`,
    );
  }
}
