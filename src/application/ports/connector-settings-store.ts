import type { ConnectorSettings } from '../../domain/connectors/connector-settings.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';

/** Where connector settings live. Secrets are sealed before they are stored and opened when read. */
export interface ConnectorSettingsStore {
  get<S extends MdmSourceName>(source: S): Promise<ConnectorSettings<S> | null>;
  save<S extends MdmSourceName>(source: S, settings: ConnectorSettings<S>): Promise<void>;
}
