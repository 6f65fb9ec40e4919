import type { ConnectorSettings } from '../../domain/connectors/connector-settings.js';
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
    const connector = this.connectors[source] as unknown as { testConnection(s: ConnectorSettings<S>): Promise<ConnectionCheck> };
    return connector.testConnection(settings);
  }
}
