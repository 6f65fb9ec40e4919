import { DomainError } from '../shared/domain-error.js';
import { quote } from '../shared/quote.js';
import type { Identity } from './identity.js';
import { isMdmSource, sourceDisplayName, type MdmSourceName } from './mdm-source.js';

/** Which MDM a device's identity fields follow when both report it, by platform. */
export interface SourcePrecedence {
  apple: MdmSourceName;
  other: MdmSourceName;
}

/** Jamf Pro knows Apple devices best; Intune the rest. */
export const DEFAULT_PRECEDENCE: SourcePrecedence = { apple: 'jamf', other: 'intune' };

export type Platform = keyof SourcePrecedence;

const APPLE_SYSTEMS = /^(macos|mac os x|os x|ios|ipados|tvos|watchos|visionos)$/i;

/** Apple when either the record or the MDM's report says so. */
export function platformOf(...identities: ReadonlyArray<Pick<Identity, 'manufacturer' | 'operatingSystem'>>): Platform {
  const apple = identities.some((i) => /^apple\b/i.test(i.manufacturer ?? '') || APPLE_SYSTEMS.test(i.operatingSystem ?? ''));
  return apple ? 'apple' : 'other';
}

export function validatePrecedence(input: Partial<Record<string, unknown>>): SourcePrecedence {
  const checked = {} as SourcePrecedence;
  for (const platform of ['apple', 'other'] as const) {
    const value = input[platform];
    if (!isMdmSource(value)) {
      throw new DomainError('invalid-precedence', `${platform} is ${quote(value ?? null)}, not an MDM.`, platform, `Choose intune or jamf (${sourceDisplayName('intune')} or ${sourceDisplayName('jamf')}).`);
    }
    checked[platform] = value;
  }
  return checked;
}
