import type { Db } from 'mongodb';
import type { AssetTagSequence } from '../../../application/ports/asset-tag-sequence.js';
import type { ConnectorSettings } from '../../../domain/connectors/connector-settings.js';
import type { MdmSourceName } from '../../../domain/hardware/mdm-source.js';
import type { SyncSchedule } from '../../../domain/connectors/sync-schedule.js';
import { DEFAULT_PRECEDENCE, type SourcePrecedence } from '../../../domain/hardware/source-precedence.js';
import { asTestList, unsealSettings, type ConnectorSettingsStore, type RecordedTest, type StoredConnectorSettings } from '../../../application/ports/connector-settings-store.js';
import type { SecretBox } from '../../../application/ports/secret-box.js';
import type { DirectoryUser, UserDirectory } from '../../../application/ports/user-directory.js';

/** One atomic $inc: concurrent imports on any number of app instances never share a tag. */
export class MongoAssetTagSequence implements AssetTagSequence {
  constructor(private readonly db: Db) {}

  async reserve(count: number): Promise<number> {
    const row = await this.db
      .collection<{ _id: string; value: number }>('sequences')
      .findOneAndUpdate({ _id: 'asset-tag' }, { $inc: { value: count } }, { upsert: true, returnDocument: 'after' });
    return row!.value - count + 1;
  }
}

/**
 * The monolith's users collection, read-only. Emails are matched ignoring letter case only (a
 * case-insensitive collation), and only active users count.
 */
export class MongoUserDirectory implements UserDirectory {
  constructor(
    private readonly db: Db,
    private readonly collection = 'users',
  ) {}

  async findActiveByEmails(emails: readonly string[]): Promise<Map<string, DirectoryUser>> {
    const docs = await this.db
      .collection(this.collection)
      .find({ email: { $in: [...emails] }, $or: [{ active: true }, { status: 'active' }] }, { collation: { locale: 'en', strength: 2 }, batchSize: emails.length })
      .project<{ _id: unknown; email: string; displayName?: string; name?: string }>({ email: 1, displayName: 1, name: 1 })
      .toArray();
    return new Map(docs.map((d) => [d.email.trim().toLowerCase(), { id: String(d._id), email: d.email.trim().toLowerCase(), displayName: d.displayName ?? d.name ?? null }]));
  }
}

/** Connector settings with the client secret sealed before it reaches MongoDB. */
export class MongoConnectorSettings implements ConnectorSettingsStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  private get settings() {
    return this.db.collection<{ _id: string; value: unknown }>('connector_settings');
  }

  async get<S extends MdmSourceName>(source: S): Promise<StoredConnectorSettings<S> | null> {
    const row = await this.settings.findOne({ _id: `connector:${source}` });
    if (!row) return null;
    const stored = row.value as ConnectorSettings<S>;
    return unsealSettings(stored, this.secrets);
  }

  async save<S extends MdmSourceName>(source: S, settings: ConnectorSettings<S>): Promise<void> {
    const value = { ...settings, clientSecret: settings.clientSecret ? this.secrets.seal(settings.clientSecret) : null };
    await this.settings.updateOne({ _id: `connector:${source}` }, { $set: { value } }, { upsert: true });
  }

  async recentTests(source: MdmSourceName): Promise<RecordedTest[]> {
    const row = await this.settings.findOne({ _id: `connector-test:${source}` });
    return row ? asTestList(row.value) : [];
  }

  async saveRecentTests(source: MdmSourceName, tests: RecordedTest[]): Promise<void> {
    await this.settings.updateOne({ _id: `connector-test:${source}` }, { $set: { value: tests } }, { upsert: true });
  }

  async schedule(source: MdmSourceName): Promise<SyncSchedule> {
    return ((await this.settings.findOne({ _id: `connector-schedule:${source}` }))?.value as SyncSchedule | undefined) ?? { kind: 'off' };
  }

  async saveSchedule(source: MdmSourceName, schedule: SyncSchedule): Promise<void> {
    await this.settings.updateOne({ _id: `connector-schedule:${source}` }, { $set: { value: schedule } }, { upsert: true });
  }

  async precedence(): Promise<SourcePrecedence> {
    return ((await this.settings.findOne({ _id: 'source-precedence' }))?.value as SourcePrecedence | undefined) ?? DEFAULT_PRECEDENCE;
  }

  async savePrecedence(precedence: SourcePrecedence): Promise<void> {
    await this.settings.updateOne({ _id: 'source-precedence' }, { $set: { value: precedence } }, { upsert: true });
  }
}
