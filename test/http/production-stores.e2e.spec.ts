import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { fakeEventStoreDb } from '../../bench/modelled-stores/fake-eventstoredb.js';
import { fakeMongoDb } from '../../bench/modelled-stores/fake-mongodb.js';
import { RoundTripMeter } from '../../bench/modelled-stores/round-trips.js';
import type { ContainerOverrides } from '../../src/infrastructure/container.js';
import { startHttpWorld, type HttpWorld } from '../support/http-world.js';
import { generateGraphFleet, type GraphDevice } from '../emulators/intune/graph-fleet.js';
import { intuneSettings, TENANT } from '../support/intune-world.js';
import { jamfSettings } from '../support/jamf-world.js';
import { whenServer } from '../support/real-servers.js';
import { expectFreshEventStoreDb } from '../support/fresh-eventstoredb.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

type Counts = { created: number; updated: number; unchanged: number; skipped: number; errors: number; missing: number };
type Record_ = { id: string; serial: string; assetTag: string; name: string; sources: Array<{ source: string; lastListedAt?: string }> };

/**
 * The whole service as production runs it: the real server, both MDM emulators, and the EventStoreDB
 * and MongoDB adapters. The other suites drive the server on the embedded store; these cases check
 * that the composition on the production stores does the same through HTTP, from the first import
 * to a rebuild.
 */
function onProductionStores(label: string, env: () => Promise<Record<string, string>>, overrides: () => ContainerOverrides) {
  describe(`The server on EventStoreDB and MongoDB (${label}), through HTTP`, function () {
    this.timeout(120_000);
    let world: HttpWorld;
    const firstRuns: Record<string, { runId: string; counts: Counts }> = {};
    let register: Record_[] = [];

    before(async () => (world = await startHttpWorld({ ...(await env()), SECRETS_KEY: randomBytes(32).toString('base64') }, overrides())));
    after(() => world?.stop());

    const everyRecord = async (): Promise<Record_[]> => {
      const { status, body } = await world.call('GET', '/api/hardware?limit=1000&sort=serial');
      expect(status).to.equal(200);
      expect(body.next, 'the fleet fits one page').to.equal(null);
      return body.items;
    };

    it('is ready, saying so for each store', async () => {
      const { status, body } = await world.call('GET', '/readyz');
      expect(status).to.equal(200);
      expect(body.components.map((c: { component: string; ok: boolean }) => [c.component, c.ok])).to.deep.equal([['EventStoreDB', true], ['MongoDB', true]]);
    });

    it('imports both sources: each importable device becomes one record with its own asset tag', async () => {
      await world.call('PUT', '/api/admin/integrations/intune', { body: intuneSettings(world.intune) });
      await world.call('PUT', '/api/admin/integrations/jamf', { body: jamfSettings(world.jamf) });
      for (const source of ['intune', 'jamf']) {
        const { status, body } = await world.call('POST', `/api/admin/bulk-import/mdm/${source}`, WAIT_FOR_RESULT);
        expect(status, body.failure ?? body.detail).to.equal(200);
        expect(body).to.include({ source, status: 'completed' });
        expect(body.counts).to.include({ errors: 0, updated: 0, unchanged: 0 });
        expect(body.counts.created).to.be.greaterThan(100);
        firstRuns[source] = { runId: body.runId, counts: body.counts };
      }
      register = await everyRecord();
      expect(register).to.have.length(firstRuns.intune!.counts.created + firstRuns.jamf!.counts.created);
      expect(new Set(register.map((r) => r.assetTag)).size, 'asset tags are unique').to.equal(register.length);
    });

    it('re-runs both sources as unchanged: the records stay as they were', async () => {
      for (const source of ['intune', 'jamf']) {
        const { body } = await world.call('POST', `/api/admin/bulk-import/mdm/${source}`, WAIT_FOR_RESULT);
        const first = firstRuns[source]!.counts;
        expect(body.counts).to.deep.equal({ ...first, created: 0, unchanged: first.created });
      }
      // Only when each source last listed the record moves: to this run's start.
      const withoutListingTimes = (records: Record_[]) => records.map((r) => ({ ...r, sources: r.sources.map(({ lastListedAt: _moved, ...link }) => link) }));
      const rerun = await everyRecord();
      expect(withoutListingTimes(rerun)).to.deep.equal(withoutListingTimes(register));
      register = rerun;
    });

    it('lists the runs from the event stream, and gives one run with every device', async () => {
      const { body: runs } = await world.call('GET', '/api/admin/bulk-import/mdm/runs');
      const imports = runs.filter((r: { kind?: string }) => r.kind !== 'preview');
      expect(imports.map((r: { source: string; status: string }) => [r.source, r.status]).sort()).to.deep.equal([
        ['intune', 'completed'], ['intune', 'completed'], ['jamf', 'completed'], ['jamf', 'completed'],
      ]);
      const { runId, counts } = firstRuns.intune!;
      const { status, body: run } = await world.call('GET', `/api/admin/bulk-import/mdm/runs/${runId}`);
      expect(status).to.equal(200);
      expect(run.outcomes).to.have.length(counts.created + counts.skipped);
      expect(run.outcomes.filter((o: { outcome: string }) => o.outcome === 'created')).to.have.length(counts.created);
    });

    it('finds a record by serial and by text, and shows its events', async () => {
      const record = register[0]!;
      const { body: bySerial } = await world.call('GET', `/api/hardware?serial=${encodeURIComponent(record.serial)}`);
      expect(bySerial.items.map((r: Record_) => r.id)).to.deep.equal([record.id]);
      const { body: byText } = await world.call('GET', `/api/hardware?q=${encodeURIComponent(record.assetTag)}`);
      expect(byText.items.map((r: Record_) => r.id)).to.include(record.id);
      const { body: events } = await world.call('GET', `/api/hardware/${record.id}/events`);
      expect(events.map((e: { type: string }) => e.type)).to.deep.equal(['HardwareImported']);
    });

    it('rebuilds the register from the events into the same records', async () => {
      const { status, body } = await world.call('POST', '/api/admin/register/rebuild');
      expect(status).to.equal(200);
      expect(body.events).to.be.greaterThan(register.length);
      expect(await everyRecord()).to.deep.equal(register);
    });

    // Over a network store a request's calls leave turns between them, so two edits of one record
    // can read the same revision; the second append then meets the first's event.
    it('saves edits of one record sent at the same moment as if sent one after the other', async () => {
      const record = register[1]!;
      const changes = [{ cpu: 'Apple M2' }, { ram: '16 GB' }, { storage: '512 GB' }, { condition: 'fair' }, { purchaseDate: '2024-03-01' }, { purchasePrice: 1299 }];
      const answers = await Promise.all(changes.map((body) => world.call('PATCH', `/api/hardware/${record.id}`, { body })));
      expect(answers.map((a) => a.status), JSON.stringify(answers.find((a) => a.status !== 200)?.body)).to.deep.equal(changes.map(() => 200));
      const { body: after } = await world.call('GET', `/api/hardware/${record.id}`);
      expect(after).to.include(Object.assign({}, ...changes));
      const { body: events } = await world.call('GET', `/api/hardware/${record.id}/events`);
      expect(events.filter((e: { type: string }) => e.type === 'HardwareDetailsEdited')).to.have.length(changes.length);
    });

    it('saves one of two edits made on the same read and sent at once with its If-Match, and refuses the other with 412', async () => {
      const record = register[2]!;
      const etag = (await world.call('GET', `/api/hardware/${record.id}`)).headers.get('etag')!;
      const names = ['Desk 1 laptop', 'Desk 2 laptop'];
      const answers = await Promise.all(names.map((name) => world.call('PATCH', `/api/hardware/${record.id}`, { body: { name }, headers: { 'if-match': etag } })));
      expect(answers.map((a) => a.status).sort(), JSON.stringify(answers.map((a) => a.body))).to.deep.equal([200, 412]);
      const saved = answers.find((a) => a.status === 200)!.body.name;
      expect((await world.call('GET', `/api/hardware/${record.id}`)).body.name).to.equal(saved);
      const { body: events } = await world.call('GET', `/api/hardware/${record.id}/events`);
      expect(events.filter((e: { type: string }) => e.type === 'HardwareDetailsEdited')).to.have.length(1);
    });

    it('registers a serial sent twice at the same moment once, and tells the other request it is taken', async () => {
      const device = { serial: 'HANDREG-RACE-1', name: 'Loaner laptop', category: 'laptop' };
      const answers = await Promise.all([1, 2].map(() => world.call('POST', '/api/hardware', { body: device })));
      expect(answers.map((a) => a.status).sort(), JSON.stringify(answers.map((a) => a.body))).to.deep.equal([201, 409]);
      expect(answers.find((a) => a.status === 409)!.body).to.include({ type: 'https://ontrackio.dev/problems/serial-already-registered', field: 'serial' });
      const { body } = await world.call('GET', `/api/hardware?serial=${device.serial}`);
      expect(body.items).to.have.length(1);
    });

    // EventStoreDB refuses a write of over 1 MiB (its MaxAppendSize): a Graph page of 1,000 devices
    // with long names, or one name of megabytes, made the page's record such a write.
    it('records a page whose outcomes outgrow one write of the store, and names a device with a name of megabytes by an excerpt', async () => {
      const tenant = world.intune.tenants.get(TENANT)!;
      const before = tenant.devices.length;
      const added: GraphDevice[] = generateGraphFleet({ size: 701, seed: 97, domain: 'acme.example' }).map((device, i) => ({ ...device, deviceName: `Long name ${i} `.padEnd(1_000, 'x') }));
      added[0]!.deviceName = 'M'.repeat(2_000_000);
      tenant.devices.push(...added);
      try {
        const { status, body } = await world.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
        expect(status, body.failure ?? body.detail).to.equal(200);
        expect(body).to.include({ status: 'completed' });
        expect(body.counts).to.include({ created: 700, errors: 1 });
        const [failed] = body.failedDevices;
        expect(failed.reason).to.equal('field-too-long');
        expect(failed.deviceName).to.have.length.below(1_100).and.to.match(/^M+…$/);
        const { body: run } = await world.call('GET', `/api/admin/bulk-import/mdm/runs/${body.runId}`);
        expect(run.pages, 'two pages of the listing, however many writes recorded them').to.equal(2);
        expect(run.outcomes).to.have.length(before + added.length);
        const recorded = run.outcomes.find((o: { outcome: string }) => o.outcome === 'error');
        expect(recorded).to.deep.include({ sourceDeviceId: added[0]!.id, deviceName: failed.deviceName });
        expect(run.outcomes.filter((o: { deviceName: string | null }) => o.deviceName?.startsWith('Long name '))).to.have.length(700);
      } finally {
        tenant.devices.splice(before);
      }
    });
  });
}

const METERS = () => ({ esdb: fakeEventStoreDb(new RoundTripMeter(0)), mongo: fakeMongoDb(new RoundTripMeter(0)) });
onProductionStores(
  "the benchmark's model of their clients",
  async () => ({ EVENTSTORE_CONNECTION_STRING: 'esdb://modelled:2113?tls=false', MONGODB_URI: 'mongodb://modelled/ontrackio' }),
  () => ({ productionClients: async () => METERS() }),
);

describe('The server on an EventStoreDB set to take less in one write than the module writes, through HTTP', function () {
  this.timeout(60_000);
  let world: HttpWorld;
  before(async () => {
    world = await startHttpWorld(
      { EVENTSTORE_CONNECTION_STRING: 'esdb://modelled:2113?tls=false', MONGODB_URI: 'mongodb://modelled/ontrackio', SECRETS_KEY: randomBytes(32).toString('base64') },
      { productionClients: async () => ({ esdb: fakeEventStoreDb(new RoundTripMeter(0), { maxAppendBytes: 16_384 }), mongo: fakeMongoDb(new RoundTripMeter(0)) }) },
    );
  });
  after(() => world?.stop());

  it("fails the import naming the server's MaxAppendSize and what to set it to", async () => {
    await world.call('PUT', '/api/admin/integrations/intune', { body: intuneSettings(world.intune) });
    const { status, body } = await world.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    expect(status).to.equal(503);
    expect(body.detail).to.match(/EventStoreDB refused to write the ImportPageRecorded event to stream mdmImport-intune: it takes at most 16,384 bytes in one write \(its MaxAppendSize\)/);
    expect(body.fix).to.match(/set the server's MaxAppendSize \(EVENTSTORE_MAX_APPEND_SIZE\) to at least 1 MiB/);
    const { body: runs } = await world.call('GET', '/api/admin/bulk-import/mdm/runs');
    expect(runs[0]).to.include({ status: 'failed' });
    expect(runs[0].failureReason).to.match(/its MaxAppendSize/);
  });
});

whenServer('EVENTSTORE_CONNECTION_STRING', 'The server on EventStoreDB and MongoDB (real servers)', (eventStore) =>
  whenServer('MONGODB_URI', 'The server on EventStoreDB and MongoDB (real servers)', (mongo) =>
    onProductionStores(
      'real servers',
      async () => {
        await expectFreshEventStoreDb(eventStore, 'this suite');
        return { EVENTSTORE_CONNECTION_STRING: eventStore, MONGODB_URI: mongo, MONGODB_DATABASE: `e2e_${randomBytes(6).toString('hex')}` };
      },
      () => ({}),
    ),
  ),
);
