import { randomBytes, randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { MongoAssetTagSequence, MongoConnectorSettings } from '../../../src/adapters/driven/mongodb/mongo-support.js';
import { MongoReadModels } from '../../../src/adapters/driven/mongodb/mongo-read-models.js';
import { MongoStreamSnapshots } from '../../../src/adapters/driven/mongodb/mongo-stream-snapshots.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/aes-gcm-secret-box.js';
import { connectorSettingsContract } from '../../contracts/connector-settings.contract.js';
import { readModelContract } from '../../contracts/read-models.contract.js';
import { streamSnapshotsContract } from '../../contracts/stream-snapshots.contract.js';
import { assetTagSequenceContract } from '../../contracts/asset-tag-sequence.contract.js';
import { whenServer } from '../../support/real-servers.js';
import { mongoAuditIndexSpec } from './mongo-audit-indexes.js';
import { mongoSearchFieldsSpec } from './mongo-search-fields.js';

whenServer('MONGODB_URI', 'Contracts: MongoDB (read models, connector settings, stream snapshots, asset tags)', (uri) => {
  /** A database of its own for each test, dropped after it. */
  const freshDatabase = async <T extends object>(adapters: (db: Db) => Promise<T> | T) => {
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
    const db = client.db(`contract_${randomUUID().slice(0, 8)}`);
    return {
      ...(await adapters(db)),
      close: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  };

  readModelContract('MongoDB', () =>
    freshDatabase(async (db) => {
      const models = new MongoReadModels(db);
      await models.ensureIndexes();
      return { store: models, register: models, auditLog: models, known: models };
    }),
  );
  connectorSettingsContract('MongoDB', () => freshDatabase((db) => ({ store: new MongoConnectorSettings(db, new AesGcmSecretBox(randomBytes(32))) })));
  streamSnapshotsContract('MongoDB', () => freshDatabase((db) => ({ snapshots: new MongoStreamSnapshots(db) })));
  assetTagSequenceContract('MongoDB', () => freshDatabase((db) => ({ tags: new MongoAssetTagSequence(db) })));
  mongoSearchFieldsSpec('MongoDB', () => freshDatabase((db) => ({ db })), { explain: true });
  mongoAuditIndexSpec('MongoDB', () => freshDatabase((db) => ({ db })), { explain: true });
});
