import type { ConnectorSettings } from '../../domain/connectors/connector-settings.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { SyncSchedule } from '../../domain/connectors/sync-schedule.js';
import type { SourcePrecedence } from '../../domain/hardware/source-precedence.js';
import type { ConnectionCheck } from './mdm-connector.js';
import { SecretUnreadable, type SecretBox } from './secret-box.js';

/** Saved settings; a secret no configured key opens reads as null, flagged so the card can say why. */
export type StoredConnectorSettings<S extends MdmSourceName = MdmSourceName> = ConnectorSettings<S> & { secretUnreadable?: boolean };

/** Where connector settings live. Secrets are sealed before they are stored and opened when read. */
export interface ConnectorSettingsStore {
  get<S extends MdmSourceName>(source: S): Promise<StoredConnectorSettings<S> | null>;
  save<S extends MdmSourceName>(source: S, settings: ConnectorSettings<S>): Promise<void>;
  /** The source's recent Test connection results, newest first (none before the first test). */
  recentTests(source: MdmSourceName): Promise<RecordedTest[]>;
  saveRecentTests(source: MdmSourceName, tests: RecordedTest[]): Promise<void>;
  /** The source's sync schedule; off when none was saved. */
  schedule(source: MdmSourceName): Promise<SyncSchedule>;
  saveSchedule(source: MdmSourceName, schedule: SyncSchedule): Promise<void>;
  /** Which MDM a device in both follows, per platform; the default when none was saved. */
  precedence(): Promise<SourcePrecedence>;
  savePrecedence(precedence: SourcePrecedence): Promise<void>;
}

/** The last Test connection result shown on the connector's card. */
export type RecordedTest = ConnectionCheck & {
  at: string;
  by: string;
  onUnsavedValues: boolean;
  /** A fingerprint of the values tested (the secret only as part of a hash): the card shows the test only while they are the saved ones. */
  settingsKey?: string;
};

/** Opens the sealed secret of stored settings; one that no key opens becomes null and is flagged. */
export function unsealSettings<T extends { clientSecret: string | null }>(stored: T, secrets: SecretBox): T & { secretUnreadable?: boolean } {
  if (!stored.clientSecret) return { ...stored, clientSecret: null };
  try {
    return { ...stored, clientSecret: secrets.open(stored.clientSecret) };
  } catch (error) {
    if (error instanceof SecretUnreadable) return { ...stored, clientSecret: null, secretUnreadable: true };
    throw error;
  }
}

/** Stored tests as a list: a store written before kept one test, not a list. */
export function asTestList(stored: unknown): RecordedTest[] {
  if (Array.isArray(stored)) return stored as RecordedTest[];
  return stored !== null && typeof stored === 'object' ? [stored as RecordedTest] : [];
}
