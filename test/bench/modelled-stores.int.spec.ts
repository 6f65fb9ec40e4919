import { EsdbEventStore } from '../../src/adapters/driven/eventstoredb/esdb-event-store.js';
import { MongoReadModels } from '../../src/adapters/driven/mongodb/mongo-read-models.js';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { fakeEventStoreDb } from '../../bench/modelled-stores/fake-eventstoredb.js';
import { fakeMongoDb } from '../../bench/modelled-stores/fake-mongodb.js';
import { RoundTripMeter } from '../../bench/modelled-stores/round-trips.js';
import { eventStoreContract } from '../contracts/event-store.contract.js';
import { readModelContract } from '../contracts/read-models.contract.js';
import { MongoStreamSnapshots } from '../../src/adapters/driven/mongodb/mongo-stream-snapshots.js';
import { streamSnapshotsContract } from '../contracts/stream-snapshots.contract.js';
import { MongoAssetTagSequence } from '../../src/adapters/driven/mongodb/mongo-support.js';
import { assetTagSequenceContract } from '../contracts/asset-tag-sequence.contract.js';

// The benchmark's model of the production stores is only worth its figures if the adapters behave
// on its fakes as on the real servers: the same contracts, with no round-trip time.
eventStoreContract('bench model of EventStoreDB', async () => ({
  store: new EsdbEventStore(fakeEventStoreDb(new RoundTripMeter(0)) as EventStoreDBClient),
  close: async () => undefined,
}));

readModelContract('bench model of MongoDB', async () => {
  const models = new MongoReadModels(fakeMongoDb(new RoundTripMeter(0)).db('contract'));
  await models.ensureIndexes();
  return { store: models, register: models, auditLog: models, known: models, close: async () => undefined };
});

streamSnapshotsContract('bench model of MongoDB', async () => ({
  snapshots: new MongoStreamSnapshots(fakeMongoDb(new RoundTripMeter(0)).db('contract')),
  close: async () => undefined,
}));

assetTagSequenceContract('bench model of MongoDB', async () => ({
  tags: new MongoAssetTagSequence(fakeMongoDb(new RoundTripMeter(0)).db('contract')),
  close: async () => undefined,
}));
