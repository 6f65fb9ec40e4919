import type { ConnectorSettings } from '../../domain/connectors/connector-settings.js';
import type { MdmDevice } from '../../domain/hardware/mdm-device.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { MdmPage } from './mdm-source.js';

/** The outcome of Test connection, in words an admin can act on. */
export type ConnectionCheck =
  | { ok: true; message: string }
  | { ok: false; cause: string; message: string; fix: string };

/** One MDM product, reached with the settings an admin saved (or is about to save). */
export interface MdmConnector<S extends MdmSourceName = MdmSourceName> {
  readonly source: S;
  /** Loads what the connector needs before its first use, where it has something to load. */
  prepare?(): Promise<void>;
  devices(settings: ConnectorSettings<S>): AsyncIterable<MdmPage>;
  /** Fetches each device by its MDM id (the retry of a run's failed devices). */
  devicesById(settings: ConnectorSettings<S>, ids: readonly string[]): AsyncIterable<MdmPage>;
  testConnection(settings: ConnectorSettings<S>): Promise<ConnectionCheck>;
  /** Every device the MDM holds under this serial (normally one). */
  lookupBySerial(settings: ConnectorSettings<S>, serial: string): Promise<MdmDevice[]>;
}

export type MdmConnectors = { [S in MdmSourceName]: MdmConnector<S> };
