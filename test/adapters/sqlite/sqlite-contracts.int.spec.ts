import { randomBytes } from 'node:crypto';
import { SqliteConnectorSettings } from '../../../src/adapters/driven/sqlite/sqlite-connector-settings.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/aes-gcm-secret-box.js';
import { connectorSettingsContract } from '../../contracts/connector-settings.contract.js';
import { openDatabase } from '../../../src/adapters/driven/sqlite/database.js';
import { SqliteEventStore } from '../../../src/adapters/driven/sqlite/sqlite-event-store.js';
import { SqliteReadModels } from '../../../src/adapters/driven/sqlite/sqlite-read-models.js';
import { eventStoreContract } from '../../contracts/event-store.contract.js';
import { readModelContract } from '../../contracts/read-models.contract.js';
import { SqliteStreamSnapshots } from '../../../src/adapters/driven/sqlite/sqlite-stream-snapshots.js';
import { streamSnapshotsContract } from '../../contracts/stream-snapshots.contract.js';
import { SqliteAssetTagSequence } from '../../../src/adapters/driven/sqlite/sqlite-asset-tag-sequence.js';
import { assetTagSequenceContract } from '../../contracts/asset-tag-sequence.contract.js';

eventStoreContract('embedded SQLite', async () => {
  const db = openDatabase(':memory:');
  return { store: new SqliteEventStore(db), close: async () => void db.close() };
});

readModelContract('embedded SQLite', async () => {
  const db = openDatabase(':memory:');
  const models = new SqliteReadModels(db);
  return { store: models, register: models, auditLog: models, known: models, close: async () => void db.close() };
});

connectorSettingsContract('embedded SQLite', async () => {
  const db = openDatabase(':memory:');
  return { store: new SqliteConnectorSettings(db, new AesGcmSecretBox(randomBytes(32))), close: async () => void db.close() };
});

streamSnapshotsContract('embedded SQLite', async () => {
  const db = openDatabase(':memory:');
  return { snapshots: new SqliteStreamSnapshots(db), close: async () => void db.close() };
});

assetTagSequenceContract('embedded SQLite', async () => {
  const db = openDatabase(':memory:');
  return { tags: new SqliteAssetTagSequence(db), close: async () => void db.close() };
});
