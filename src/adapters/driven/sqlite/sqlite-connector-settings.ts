import type { ConnectorSettings } from '../../../domain/connectors/connector-settings.js';
import type { MdmSourceName } from '../../../domain/hardware/mdm-source.js';
import type { SyncSchedule } from '../../../domain/connectors/sync-schedule.js';
import { DEFAULT_PRECEDENCE, type SourcePrecedence } from '../../../domain/hardware/source-precedence.js';
import { asTestList, unsealSettings, type ConnectorSettingsStore, type RecordedTest, type StoredConnectorSettings } from '../../../application/ports/connector-settings-store.js';
import type { SecretBox } from '../../../application/ports/secret-box.js';
import { writeTransaction, type SqliteDatabase } from './database.js';

/** Connector settings in the embedded store; the client secret is sealed, never stored in clear. */
export class SqliteConnectorSettings implements ConnectorSettingsStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly secrets: SecretBox,
  ) {}

  async get<S extends MdmSourceName>(source: S): Promise<StoredConnectorSettings<S> | null> {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(`connector:${source}`);
    if (!row) return null;
    const stored = JSON.parse(row.value) as ConnectorSettings<S> & { clientSecret: string | null };
    return unsealSettings(stored, this.secrets);
  }

  async save<S extends MdmSourceName>(source: S, settings: ConnectorSettings<S>): Promise<void> {
    const sealed = { ...settings, clientSecret: settings.clientSecret ? this.secrets.seal(settings.clientSecret) : null };
    this.put(`connector:${source}`, sealed);
  }

  async recentTests(source: MdmSourceName): Promise<RecordedTest[]> {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(`connector-test:${source}`);
    return row ? asTestList(JSON.parse(row.value)) : [];
  }

  async saveRecentTests(source: MdmSourceName, tests: RecordedTest[]): Promise<void> {
    this.put(`connector-test:${source}`, tests);
  }

  async schedule(source: MdmSourceName): Promise<SyncSchedule> {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(`connector-schedule:${source}`);
    return row ? (JSON.parse(row.value) as SyncSchedule) : { kind: 'off' };
  }

  async saveSchedule(source: MdmSourceName, schedule: SyncSchedule): Promise<void> {
    this.put(`connector-schedule:${source}`, schedule);
  }

  async precedence(): Promise<SourcePrecedence> {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get('source-precedence');
    return row ? (JSON.parse(row.value) as SourcePrecedence) : DEFAULT_PRECEDENCE;
  }

  async savePrecedence(precedence: SourcePrecedence): Promise<void> {
    this.put('source-precedence', precedence);
  }

  private put(key: string, value: unknown): void {
    writeTransaction(this.db, () =>
      this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value)),
    );
  }
}
