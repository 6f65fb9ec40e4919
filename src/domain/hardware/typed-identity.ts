import { reported } from '../shared/text.js';
import { invalid, refuseControlCharactersIn } from './hand-maintained.js';
import { normaliseMac } from './mac-address.js';

export interface TypedIdentity {
  manufacturer?: string | null;
  model?: string | null;
  operatingSystem?: string | null;
  osVersion?: string | null;
  macAddress?: string | null;
}

/**
 * The identity fields of a device registered by hand. A value an MDM sends that does not read is
 * "not reported"; a typed one is a slip to point out, never a field to drop without a word.
 */
export function typedIdentity(typed: TypedIdentity) {
  const identity = {
    manufacturer: reported(typed.manufacturer),
    model: reported(typed.model),
    operatingSystem: reported(typed.operatingSystem),
    osVersion: reported(typed.osVersion),
  };
  refuseControlCharactersIn(identity, ['manufacturer', 'model', 'operatingSystem', 'osVersion']);
  const mac = reported(typed.macAddress);
  const macAddress = normaliseMac(mac);
  if (mac !== null && macAddress === null) {
    throw invalid('macAddress', mac, 'Give the 12 hex digits of the network card, such as AA:BB:CC:DD:EE:FF (colons, dashes, dots or nothing between them), or leave it out. All zeros, 02:00:00:00:00:00 and a group address (an odd first octet, such as 01:00:5E) are no card\'s own.');
  }
  return { ...identity, macAddress };
}
