import type { EventStoreDBClient } from '@eventstore/db-client';
import { fakeEventStoreDb } from '../../../bench/modelled-stores/fake-eventstoredb.js';
import { RoundTripMeter } from '../../../bench/modelled-stores/round-trips.js';
import { EsdbEventStore } from '../../../src/adapters/driven/eventstoredb/esdb-event-store.js';
import { eventStoreContract } from '../../contracts/event-store.contract.js';

// The adapter's own logic (paging, filtered catch-up reads, conflicts) on every machine: the bench's
// model of the client, which answers as the server does. The run against a real server is in
// esdb-contracts.int.spec.ts.
eventStoreContract('EventStoreDB adapter over the modelled client', async () => {
  const client = fakeEventStoreDb(new RoundTripMeter(0)) as EventStoreDBClient;
  return { store: new EsdbEventStore(client, { readDeadlineMs: 5_000 }), close: () => client.dispose() };
});
