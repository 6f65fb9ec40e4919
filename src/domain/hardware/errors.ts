import { DomainError } from '../shared/domain-error.js';

export class HardwareNotFound extends DomainError {
  constructor(what: string, field?: string, fix = 'Check the id or serial, or import the device first.') {
    super('hardware-not-found', `No hardware ${what} in the register.`, field, fix);
  }
}

export class SerialAlreadyRegistered extends DomainError {
  constructor(serial: string, assetTag: string) {
    super(
      'serial-already-registered',
      `Serial ${serial} is already in the register as ${assetTag}.`,
      'serial',
      'Edit the existing record instead of registering the device again.',
    );
  }
}

/**
 * Another MDM record with the same serial checked in more recently: the most recently synced
 * entry wins, so this one is skipped and reported rather than allowed to overwrite it.
 */
export class SupersededEntry extends DomainError {
  constructor(serial: string, keptDeviceId: string, keptSyncedAt: string | null) {
    super(
      'duplicate-serial',
      `Serial ${serial} is also reported by device ${keptDeviceId}${keptSyncedAt ? `, synced more recently (${keptSyncedAt})` : ''}; that entry is kept.`,
      'serialNumber',
      'Retire the stale enrolment in the MDM to stop seeing this.',
    );
  }
}

export class NotAnImportableDevice extends DomainError {
  constructor(reason: string) {
    super('not-importable', `This device cannot be imported: ${reason}.`, 'serialNumber');
  }
}
