import { DomainError } from '../shared/domain-error.js';
import type { MdmSourceName } from '../hardware/mdm-source.js';
import type { ConnectorSettings, SettingsBySource } from './connector-settings.js';

/** Where a secret goes and whom it speaks for: a stored secret is only ever used with these values. */
const BOUND: { [S in MdmSourceName]: ReadonlyArray<keyof SettingsBySource[S] & string> } = {
  intune: ['tenantId', 'clientId', 'authorityHost', 'graphBaseUrl'],
  jamf: ['tenantUrl', 'clientId'],
};

/** The stored client secret may not follow a changed address or identity: it must be typed again. */
export class SecretMustBeReentered extends DomainError {
  constructor(readonly changed: readonly string[]) {
    super(
      'secret-required',
      `The stored client secret was saved for other values of ${changed.join(', ')}; it is never sent anywhere else.`,
      'clientSecret',
      `Type the client secret again to use it with the new ${changed.join(' and ')}, or put back the saved values.`,
    );
  }
}

/** The bound fields whose candidate value differs from the stored one. */
export function fieldsAwayFromSecret<S extends MdmSourceName>(source: S, stored: ConnectorSettings<S>, candidate: ConnectorSettings<S>): string[] {
  return BOUND[source].filter((field) => (stored[field] ?? null) !== (candidate[field] ?? null));
}

/**
 * The secret to use with `candidate`: the one typed now, or else the stored one, but only while every
 * bound field still has its stored value.
 */
export function secretFor<S extends MdmSourceName>(source: S, typed: string | null, stored: ConnectorSettings<S> | null, candidate: ConnectorSettings<S>): string | null {
  if (typed) return typed;
  if (!stored?.clientSecret) return null;
  const changed = fieldsAwayFromSecret(source, stored, candidate);
  if (changed.length > 0) throw new SecretMustBeReentered(changed);
  return stored.clientSecret;
}
