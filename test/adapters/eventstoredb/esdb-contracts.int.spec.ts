import { EventStoreDBClient } from '@eventstore/db-client';
import { EsdbEventStore } from '../../../src/adapters/driven/eventstoredb/esdb-event-store.js';
import { eventStoreContract } from '../../contracts/event-store.contract.js';
import { whenServer } from '../../support/real-servers.js';

whenServer('EVENTSTORE_CONNECTION_STRING', 'EventStore contract: EventStoreDB', (connectionString) => {
  eventStoreContract('EventStoreDB', async () => {
    const client = EventStoreDBClient.connectionString(connectionString);
    return { store: new EsdbEventStore(client), close: () => client.dispose() };
  });
});
