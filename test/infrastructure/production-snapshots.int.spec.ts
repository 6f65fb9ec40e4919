import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { InMemoryMdmSource } from '../../src/adapters/driven/synthetic/in-memory-mdm-source.js';
import type { ImportFromMdm } from '../../src/application/commands/import-from-mdm.js';
import type { HardwareRegisterQueries } from '../../src/application/ports/read-models.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { buildContainer, checkStartup, closeContainer } from '../../src/infrastructure/container.js';
import { fakeEventStoreDb } from '../../bench/modelled-stores/fake-eventstoredb.js';
import { fakeMongoDb } from '../../bench/modelled-stores/fake-mongodb.js';
import { RoundTripMeter } from '../../bench/modelled-stores/round-trips.js';
import { latitude } from '../support/mothers.js';

/**
 * The production wiring (EventStoreDB events, MongoDB read models and snapshots) over the benchmark's
 * in-memory clients: the snapshot path end to end, where the contracts test each adapter alone.
 */
describe('Production stores: a device with a history is read from its snapshot in MongoDB', () => {
  it('keeps a snapshot in MongoDB and reads the EventStoreDB stream from its revision, deciding the same', async () => {
    const fleet: MdmDevice[] = [latitude()];
    const esdb = fakeEventStoreDb(new RoundTripMeter(0));
    const reads: Array<{ stream: string; fromRevision: unknown }> = [];
    const readStream = esdb.readStream.bind(esdb);
    esdb.readStream = ((stream: string, options?: { fromRevision?: unknown }) => {
      if (stream.startsWith('hardware-')) reads.push({ stream, fromRevision: options?.fromRevision });
      return readStream(stream, options as never);
    }) as typeof esdb.readStream;
    const mongo = fakeMongoDb(new RoundTripMeter(0));
    const container = buildContainer(
      loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://modelled:2113?tls=false', MONGODB_URI: 'mongodb://modelled/ontrackio', SECRETS_KEY: randomBytes(32).toString('base64') }),
      { mdmSources: { open: async () => new InMemoryMdmSource('intune', () => fleet) }, productionClients: async () => ({ esdb, mongo }) },
    );
    try {
      await checkStartup(container);
      const importer = container.get<ImportFromMdm>(TOKENS.ImportFromMdm);
      const run = () => importer.execute({ source: 'intune', triggeredBy: 'admin@acme.example' });
      await run();
      for (const build of ['4602', '4751']) {
        fleet[0] = latitude({ osVersion: `10.0.22631.${build}` });
        expect((await run()).counts.updated).to.equal(1);
      }
      const snapshots = await mongo.db('ontrackio').collection<{ _id: string; revision: number }>('stream_snapshots').find({}).toArray();
      expect(snapshots.map((s) => [s._id, s.revision]), 'the third run read two events').to.deep.equal([['hardware-7XK9QW3', 1]]);

      reads.length = 0;
      fleet[0] = latitude({ osVersion: '10.0.22631.4890' });
      expect((await run()).counts.updated).to.equal(1);
      expect(reads, 'from the snapshot\'s revision, not the start').to.deep.equal([{ stream: 'hardware-7XK9QW3', fromRevision: 1n }]);
      const record = await container.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries).bySerial('7XK9QW3');
      expect(record).to.deep.include({ osVersion: '10.0.22631.4890', revision: 3 });
    } finally {
      await closeContainer(container);
    }
  });
});
