import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { generateFleet } from '../../src/adapters/driven/synthetic/fleet-generator.js';
import { InMemoryMdmSource } from '../../src/adapters/driven/synthetic/in-memory-mdm-source.js';
import type { ImportFromMdm } from '../../src/application/commands/import-from-mdm.js';
import type { HardwareRegisterQueries } from '../../src/application/ports/read-models.js';
import { categoryOf } from '../../src/application/streams.js';
import { TOKENS } from '../../src/application/tokens.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { buildContainer, checkStartup, closeContainer } from '../../src/infrastructure/container.js';
import type { ProjectionRunner } from '../../src/infrastructure/projection-runner.js';
import { fakeEventStoreDb } from '../../bench/modelled-stores/fake-eventstoredb.js';
import { fakeMongoDb } from '../../bench/modelled-stores/fake-mongodb.js';
import { RoundTripMeter } from '../../bench/modelled-stores/round-trips.js';

/**
 * EventStoreDB's $all holds every stream on the server: this module's other categories, and other
 * programs' streams when the store is shared. Each projection is sent only the categories it reads.
 */
describe('Production stores: the projections are sent only the events they read from EventStoreDB', () => {
  const DEVICES = 40;
  const FOREIGN = 30;

  it('a rebuild, the catch-ups of an import and the wake-up subscription are sent none of the other streams', async () => {
    const meter = new RoundTripMeter(0);
    const esdb = fakeEventStoreDb(meter);
    // Which streams' events EventStoreDB sent back, by category.
    let sent = new Map<string, number>();
    const count = meter.sent.bind(meter);
    meter.sent = (event) => {
      const category = categoryOf((event as unknown as { streamId: string }).streamId);
      sent.set(category, (sent.get(category) ?? 0) + 1);
      count(event);
    };
    const container = buildContainer(
      loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://modelled:2113?tls=false', MONGODB_URI: 'mongodb://modelled/ontrackio', SECRETS_KEY: randomBytes(32).toString('base64') }),
      {
        mdmSources: { open: async () => new InMemoryMdmSource('intune', () => generateFleet({ source: 'intune', size: DEVICES, seed: 7 }), 10) },
        productionClients: async () => ({ esdb, mongo: fakeMongoDb(new RoundTripMeter(0)) }),
      },
    );
    const otherProgram = (n: number) => esdb.appendToStream(`billing-${n}`, { type: 'InvoiceIssued', data: { n, lines: 'x'.repeat(20_000) } } as never, { expectedRevision: 'any' });
    try {
      for (let n = 0; n < FOREIGN; n += 1) await otherProgram(n);
      await checkStartup(container);
      const projections = container.get<ProjectionRunner>(TOKENS.Projections);
      await projections.start();

      sent = new Map();
      const result = await container.get<ImportFromMdm>(TOKENS.ImportFromMdm).execute({ source: 'intune', triggeredBy: 'admin@acme.example' });
      expect(result.counts.created).to.equal(DEVICES);
      await otherProgram(FOREIGN);
      await projections.catchUp();
      expect(sent.get('billing') ?? 0, "another program's events, during the import and after").to.equal(0);
      expect(sent.get('hardware'), 'each new hardware event: to its catch-up and to the wake-up').to.be.at.least(DEVICES);

      sent = new Map();
      const rebuilt = await projections.rebuild();
      const runEvents = rebuilt.events - DEVICES;
      expect(Object.fromEntries(sent), 'each event once, to the projection that reads it').to.deep.equal({ hardware: DEVICES, mdmImport: runEvents });
      expect(runEvents).to.be.above(0);
      const queries = container.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries);
      expect((await queries.search({ limit: 1 })).total).to.equal(DEVICES);
    } finally {
      await container.get<ProjectionRunner>(TOKENS.Projections).stop();
      await closeContainer(container);
    }
  });
});
