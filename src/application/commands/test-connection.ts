import { readiness, type ConnectorSettings } from '../../domain/connectors/connector-settings.js';
import { SecretUnreadable } from '../ports/secret-box.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { ConnectorSettingsStore } from '../ports/connector-settings-store.js';
import type { ConnectionCheck, MdmConnectors } from '../ports/mdm-connector.js';

/** Test connection, on the saved settings or on values the admin has not saved yet. */
export class TestConnection {
  constructor(
    private readonly settings: Pick<ConnectorSettingsStore, 'get'>,
    private readonly connectors: MdmConnectors,
  ) {}

  async test<S extends MdmSourceName>(source: S, unsaved?: ConnectorSettings<S>): Promise<ConnectionCheck> {
    const settings = unsaved ?? (await this.settings.get(source));
    if (!settings) {
      return { ok: false, cause: 'not-configured', message: 'No settings are saved for this connector.', fix: 'Fill in the connector fields, then test again.' };
    }
    // A disabled connector may be tested; one with a field missing (or a secret no key opens) cannot be.
    const missing = readiness(source, settings).missing.filter((field) => field !== 'enabled');
    if (missing.length > 0) {
      const unreadable = (settings as { secretUnreadable?: boolean }).secretUnreadable;
      return {
        ok: false,
        cause: 'not-configured',
        message: unreadable ? new SecretUnreadable().message : `The connector lacks ${missing.join(', ')}.`,
        fix: 'Fill in the missing fields (a secret is typed again), then test again.',
      };
    }
    const connector = this.connectors[source] as unknown as { testConnection(s: ConnectorSettings<S>): Promise<ConnectionCheck> };
    return connector.testConnection(settings);
  }
}
