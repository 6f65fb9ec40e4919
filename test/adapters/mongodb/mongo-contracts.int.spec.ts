import { randomBytes, randomUUID } from 'node:crypto';
import { MongoConnectorSettings } from '../../../src/adapters/driven/mongodb/mongo-support.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/aes-gcm-secret-box.js';
import { connectorSettingsContract } from '../../contracts/connector-settings.contract.js';
import { MongoClient } from 'mongodb';
import { MongoReadModels } from '../../../src/adapters/driven/mongodb/mongo-read-models.js';
import { readModelContract } from '../../contracts/read-models.contract.js';
import { whenServer } from '../../support/real-servers.js';

whenServer('MONGODB_URI', 'Read-model contract: MongoDB', (uri) => {
  readModelContract('MongoDB', async () => {
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
    const db = client.db(`contract_${randomUUID().slice(0, 8)}`);
    const models = new MongoReadModels(db);
    await models.ensureIndexes();
    return {
      store: models,
      register: models,
      auditLog: models,
      known: models,
      close: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  });
});

whenServer('MONGODB_URI', 'Connector-settings contract: MongoDB', (uri) => {
  connectorSettingsContract('MongoDB', async () => {
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
    const db = client.db(`contract_${randomUUID().slice(0, 8)}`);
    return {
      store: new MongoConnectorSettings(db, new AesGcmSecretBox(randomBytes(32))),
      close: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  });
});
