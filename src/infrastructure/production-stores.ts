import { EventStoreDBClient } from '@eventstore/db-client';
import type { Container } from 'inversify';
import { MongoClient } from 'mongodb';
import { EsdbEventStore } from '../adapters/driven/eventstoredb/esdb-event-store.js';
import { MongoReadModels } from '../adapters/driven/mongodb/mongo-read-models.js';
import { MongoAssetTagSequence, MongoConnectorSettings, MongoUserDirectory } from '../adapters/driven/mongodb/mongo-support.js';
import { DependencyUnavailable } from '../application/ports/errors.js';
import type { SecretBox } from '../application/ports/secret-box.js';
import type { StoreHealth } from '../application/ports/store-health.js';
import { TOKENS } from '../application/tokens.js';
import type { Config } from './config.js';
import { ProjectionRunner } from './projection-runner.js';

export function mongoDatabaseName(uri: string, configured: string | null): string {
  if (configured) return configured;
  const path = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : 'ontrackio';
}

/** Production: events in EventStoreDB; the register, audit log, users, settings and sequences in MongoDB. */
export function bindProductionStores(container: Container, config: Config, secrets: SecretBox): void {
  const esdb = EventStoreDBClient.connectionString(config.eventStoreConnectionString!);
  const mongo = new MongoClient(config.mongodbUri!, { serverSelectionTimeoutMS: 5_000, appName: 'ontrackio-mdm-import' });
  const db = mongo.db(mongoDatabaseName(config.mongodbUri!, config.mongodbDatabase));
  const store = new EsdbEventStore(esdb);
  const readModels = new MongoReadModels(db);
  const runner = new ProjectionRunner(store, readModels);
  const closers = container.get<Array<() => Promise<void> | void>>(TOKENS.Closers);
  closers.push(() => mongo.close(), () => esdb.dispose());
  closers.push(() => runner.stop());

  container.bind(TOKENS.EventStore).toConstantValue(store);
  container.bind(TOKENS.ReadModelStore).toConstantValue(readModels);
  container.bind(TOKENS.HardwareRegisterQueries).toConstantValue(readModels);
  container.bind(TOKENS.AuditLogQueries).toConstantValue(readModels);
  container.bind(TOKENS.UserDirectory).toConstantValue(new MongoUserDirectory(db, config.mongodbUsersCollection));
  container.bind(TOKENS.AssetTagSequence).toConstantValue(new MongoAssetTagSequence(db));
  container.bind(TOKENS.ConnectorSettings).toConstantValue(new MongoConnectorSettings(db, secrets));
  container.bind(TOKENS.Projections).toConstantValue(runner);
  container.bind<StoreHealth>(TOKENS.StoreHealth).toConstantValue({
    check: async () => {
      const results = await Promise.allSettled([store.ping(), db.command({ ping: 1 })]);
      return [
        { component: 'EventStoreDB', ok: results[0].status === 'fulfilled', detail: results[0].status === 'rejected' ? String((results[0].reason as Error).message) : undefined },
        { component: 'MongoDB', ok: results[1].status === 'fulfilled', detail: results[1].status === 'rejected' ? String((results[1].reason as Error).message) : undefined },
      ];
    },
  });
  container.bind(TOKENS.StartupCheck).toConstantValue(async () => {
    try {
      await mongo.connect();
      await db.command({ ping: 1 });
    } catch (error) {
      throw new DependencyUnavailable('MongoDB', `MongoDB does not answer at MONGODB_URI: ${(error as Error).message}. Check the URI and that the server is up.`, error);
    }
    await store.ping();
    await readModels.ensureIndexes();
  });
}
