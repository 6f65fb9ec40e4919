import type { ConnectorSettings } from '../../domain/connectors/connector-settings.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { ConnectionCheck } from './mdm-connector.js';

/** Where connector settings live. Secrets are sealed before they are stored and opened when read. */
export interface ConnectorSettingsStore {
  get<S extends MdmSourceName>(source: S): Promise<ConnectorSettings<S> | null>;
  save<S extends MdmSourceName>(source: S, settings: ConnectorSettings<S>): Promise<void>;
  lastTest(source: MdmSourceName): Promise<RecordedTest | null>;
  saveTest(source: MdmSourceName, test: RecordedTest): Promise<void>;
}

/** The last Test connection result shown on the connector's card. */
export type RecordedTest = ConnectionCheck & { at: string; by: string; onUnsavedValues: boolean };
