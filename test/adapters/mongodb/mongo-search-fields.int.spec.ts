import { fakeMongoDb } from '../../../bench/modelled-stores/fake-mongodb.js';
import { RoundTripMeter } from '../../../bench/modelled-stores/round-trips.js';
import { mongoAuditIndexSpec } from './mongo-audit-indexes.js';
import { mongoSearchFieldsSpec } from './mongo-search-fields.js';

// On a real server too, with the other MongoDB contracts (mongo-contracts.int.spec.ts).
mongoSearchFieldsSpec('bench model of MongoDB', async () => ({ db: fakeMongoDb(new RoundTripMeter(0)).db('search'), close: async () => undefined }));
mongoAuditIndexSpec('bench model of MongoDB', async () => ({ db: fakeMongoDb(new RoundTripMeter(0)).db('audit'), close: async () => undefined }));
