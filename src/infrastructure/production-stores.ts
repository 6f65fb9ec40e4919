import type { Container } from 'inversify';
import type { EventStoreDBClient } from '@eventstore/db-client';
import type { Db } from 'mongodb';
import { DependencyUnavailable } from '../application/ports/errors.js';
import type { EventStore } from '../application/ports/event-store.js';
import type { ConnectorSettingsStore } from '../application/ports/connector-settings-store.js';
import type { AssetTagSequence } from '../application/ports/asset-tag-sequence.js';
import type { ReadModelStore } from '../application/ports/read-models.js';
import type { SecretBox } from '../application/ports/secret-box.js';
import type { StoreHealth } from '../application/ports/store-health.js';
import type { StreamSnapshots } from '../application/ports/stream-snapshots.js';
import type { UserDirectory } from '../application/ports/user-directory.js';
import { TOKENS } from '../application/tokens.js';
import type { Config } from './config.js';
import { ProjectionRunner } from './projection-runner.js';

export function mongoDatabaseName(uri: string, configured: string | null): string {
  if (configured) return configured;
  const path = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : 'ontrackio';
}

interface ProductionStores {
  store: EventStore & { ping(): Promise<void> };
  readModels: ReadModelStore & { ensureIndexes(): Promise<void> };
  users: UserDirectory;
  tags: AssetTagSequence;
  settings: ConnectorSettingsStore;
  snapshots: StreamSnapshots;
  health: StoreHealth;
  runner: ProjectionRunner;
}

/** The two drivers' clients, as the adapters use them (the benchmark's model of the stores passes counting fakes). */
export interface ProductionClients {
  esdb: Pick<EventStoreDBClient, 'readStream' | 'appendToStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;
  mongo: { connect(): Promise<unknown>; close(): Promise<void>; db(name: string): Db };
}

/** The drivers are loaded here, not at start-up, so the embedded default does not carry them in memory. */
async function driverClients(config: Config): Promise<ProductionClients> {
  const [{ EventStoreDBClient }, { MongoClient }] = await Promise.all([import('@eventstore/db-client'), import('mongodb')]);
  return {
    esdb: EventStoreDBClient.connectionString(config.eventStoreConnectionString!),
    // Without a socket timeout, a MongoDB that stops answering once connected holds a call, and the run,
    // forever. One given in MONGODB_URI is the operator's and stays.
    mongo: new MongoClient(config.mongodbUri!, {
      serverSelectionTimeoutMS: 5_000,
      ...(/[?&]socketTimeoutMS=/i.test(config.mongodbUri!) ? {} : { socketTimeoutMS: config.storeTimeoutMs }),
      appName: 'ontrackio-mdm-import',
    }),
  };
}

/** Connects to EventStoreDB and MongoDB. */
async function connect(config: Config, secrets: SecretBox, closers: Array<() => Promise<void> | void>, clients: (config: Config) => Promise<ProductionClients>): Promise<ProductionStores> {
  const [{ EsdbEventStore }, { MongoReadModels }, mongoSupport, { MongoStreamSnapshots }] = await Promise.all([
    import('../adapters/driven/eventstoredb/esdb-event-store.js'),
    import('../adapters/driven/mongodb/mongo-read-models.js'),
    import('../adapters/driven/mongodb/mongo-support.js'),
    import('../adapters/driven/mongodb/mongo-stream-snapshots.js'),
  ]);
  const { esdb, mongo } = await clients(config);
  closers.push(() => mongo.close(), () => esdb.dispose());
  const db = mongo.db(mongoDatabaseName(config.mongodbUri!, config.mongodbDatabase));
  const store = new EsdbEventStore(esdb as EventStoreDBClient, { readDeadlineMs: config.storeTimeoutMs });
  const readModels = new MongoReadModels(db);
  try {
    await mongo.connect();
    await db.command({ ping: 1 });
  } catch (error) {
    throw new DependencyUnavailable('MongoDB', `MongoDB does not answer at MONGODB_URI: ${(error as Error).message}. Check the URI and that the server is up.`, error);
  }
  await store.ping();
  await readModels.ensureIndexes();
  const runner = new ProjectionRunner(store, readModels);
  closers.push(() => runner.stop());
  return {
    store,
    readModels,
    users: new mongoSupport.MongoUserDirectory(db, config.mongodbUsersCollection),
    tags: new mongoSupport.MongoAssetTagSequence(db),
    settings: new mongoSupport.MongoConnectorSettings(db, secrets),
    snapshots: new MongoStreamSnapshots(db),
    runner,
    health: {
      check: async () => {
        const results = await Promise.allSettled([store.ping(), db.command({ ping: 1 })]);
        return (['EventStoreDB', 'MongoDB'] as const).map((component, i) => {
          const result = results[i]!;
          return { component, ok: result.status === 'fulfilled', detail: result.status === 'rejected' ? String((result.reason as Error).message) : undefined };
        });
      },
    },
  };
}

/** Production: events in EventStoreDB; the register, audit log, users, settings and sequences in MongoDB. */
export function bindProductionStores(container: Container, config: Config, secrets: SecretBox, clients: (config: Config) => Promise<ProductionClients> = driverClients): void {
  let stores: ProductionStores | null = null;
  const ready = () => {
    if (!stores) throw new Error('The production stores are used before start-up connected them (call checkStartup first).');
    return stores;
  };
  const closers = container.get<Array<() => Promise<void> | void>>(TOKENS.Closers);
  container.bind(TOKENS.StartupCheck).toConstantValue(async () => {
    stores ??= await connect(config, secrets, closers, clients);
  });
  container.bind(TOKENS.EventStore).toDynamicValue(() => ready().store);
  container.bind(TOKENS.ReadModelStore).toDynamicValue(() => ready().readModels);
  container.bind(TOKENS.HardwareRegisterQueries).toDynamicValue(() => ready().readModels);
  // Each stream read is a round trip: one register query spares those of devices not yet in it.
  container.bind(TOKENS.KnownHardware).toDynamicValue(() => ready().readModels);
  container.bind(TOKENS.AuditLogQueries).toDynamicValue(() => ready().readModels);
  container.bind(TOKENS.StreamSnapshots).toDynamicValue(() => ready().snapshots);
  // Every batch of a page costs its own directory, read-side, asset-tag and fingerprint round trips: the whole page is one.
  container.bind<number | null>(TOKENS.DecisionBatch).toConstantValue(null);
  container.bind(TOKENS.UserDirectory).toDynamicValue(() => ready().users);
  container.bind(TOKENS.AssetTagSequence).toDynamicValue(() => ready().tags);
  container.bind(TOKENS.ConnectorSettings).toDynamicValue(() => ready().settings);
  container.bind(TOKENS.Projections).toDynamicValue(() => ready().runner);
  container.bind(TOKENS.StoreHealth).toDynamicValue(() => ready().health);
}
