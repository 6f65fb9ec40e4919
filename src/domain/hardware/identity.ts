import { reported } from '../shared/text.js';
import { preferredMac } from './mac-address.js';
import type { MdmDevice } from './mdm-device.js';

/** The only fields an import may overwrite, and only with a value the MDM still reports. */
export const IDENTITY_FIELDS = ['manufacturer', 'model', 'operatingSystem', 'osVersion', 'macAddress'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];
export type Identity = Record<IdentityField, string | null>;
export type IdentityChanges = Partial<Record<IdentityField, { from: string | null; to: string }>>;

/**
 * Intune and Jamf's mobile-device records both report an iPad's system as iOS; the register says
 * iPadOS for it, whichever MDM reported it, so one iPad reads alike from both.
 */
function operatingSystemOf(operatingSystem: string | null, model: string | null): string | null {
  return operatingSystem !== null && /^ios$/i.test(operatingSystem.trim()) && model !== null && /\bipad/i.test(model) ? 'iPadOS' : operatingSystem;
}

export function identityOf(device: MdmDevice): Identity {
  const model = reported(device.model);
  return {
    manufacturer: reported(device.manufacturer),
    model,
    operatingSystem: operatingSystemOf(reported(device.operatingSystem), model),
    osVersion: reported(device.osVersion),
    macAddress: preferredMac(device.wifiMacAddress, device.ethernetMacAddress),
  };
}

/** A field the MDM stopped reporting is left as it is, never nulled. */
export function identityChanges(current: Identity, reportedNow: Identity): IdentityChanges {
  const changes: IdentityChanges = {};
  for (const field of IDENTITY_FIELDS) {
    const to = reportedNow[field];
    if (to !== null && to !== current[field]) changes[field] = { from: current[field], to };
  }
  return changes;
}

/** What a second MDM may add: only the fields the identity's owner leaves empty. */
export function emptyFieldFills(current: Identity, reportedNow: Identity): IdentityChanges {
  const changes: IdentityChanges = {};
  for (const field of IDENTITY_FIELDS) {
    const to = reportedNow[field];
    if (current[field] === null && to !== null) changes[field] = { from: null, to };
  }
  return changes;
}
