import { expect } from 'chai';
import type { ServerProcess } from '../reliability/support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

describe('Sync: retry only the devices that failed (real server process, emulated MDMs)', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '200', '--jamf-computers', '60', '--jamf-mobiles', '30']);
    server = await world.start(world.dataFile('retry'));
    await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
    await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
  });
  after(async () => world?.close());

  it('Intune: fetches each failed device from Graph by id and imports it, in a run linked to the first; a device gone since is said so', async () => {
    // Learn three Graph ids from a clean run of the listing.
    const clean = (await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).body as { runId: string };
    const outcomes = (await server.call('GET', `/api/admin/bulk-import/mdm/runs/${clean.runId}`)).body.outcomes as Array<{ outcome: string; sourceDeviceId: string; serial: string }>;
    const created = outcomes.filter((o) => o.outcome === 'created').slice(0, 3);
    const ids = created.map((o) => o.sourceDeviceId);
    await world.hostile('intune', { garbledSerialIds: ids });
    const garbled = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    expect(garbled.body.counts).to.include({ errors: 3, missing: 0 });
    await world.hostile('intune', {});
    await world.retire('intune', [created[2]!.serial]);
    try {
      const before = (await world.stats('intune')).graphRequests as number;
      const retried = await server.call('POST', `/api/admin/bulk-import/mdm/runs/${garbled.body.runId}/retry`, WAIT_FOR_RESULT);
      expect(retried.status, retried.text).to.equal(200);
      expect(retried.body.counts).to.include({ unchanged: 2, skipped: 1, errors: 0, missing: 0 });

      expect(retried.body.skippedDevices[0]).to.include({ sourceDeviceId: ids[2], reason: 'no-longer-in-mdm' });
      expect((await world.stats('intune')).graphRequests as number - before, 'one Graph call per device, no listing').to.equal(3);
      const [latest] = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=intune')).body as Array<{ runId: string; retryOf?: string }>;
      expect(latest).to.include({ runId: retried.body.runId, retryOf: garbled.body.runId });
      const again = await server.call('POST', `/api/admin/bulk-import/mdm/runs/${retried.body.runId}/retry`);
      expect(again.status).to.equal(422);
      expect(again.body.detail).to.match(/nothing to retry: no device ended in error/);
      expect((await server.call('POST', '/api/admin/bulk-import/mdm/runs/no-such-run/retry')).status).to.equal(404);
    } finally {
      await world.retire('intune', []);
    }
  });

  it('Jamf: fetches a computer from its inventory record and a mobile device from the detail, by id; one Jamf no longer has is said so', async () => {
    const clean = (await server.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT)).body as { runId: string };
    const outcomes = (await server.call('GET', `/api/admin/bulk-import/mdm/runs/${clean.runId}`)).body.outcomes as Array<{ outcome: string; sourceDeviceId: string; serial: string }>;
    const computer = outcomes.find((o) => o.outcome === 'created' && o.sourceDeviceId.startsWith('computer-'))!;
    const mobile = outcomes.find((o) => o.outcome === 'created' && o.sourceDeviceId.startsWith('mobile-'))!;
    const gone = outcomes.filter((o) => o.outcome === 'created' && o.sourceDeviceId.startsWith('computer-'))[1]!;
    await world.hostile('jamf', { garbledSerialIds: [computer.sourceDeviceId, mobile.sourceDeviceId, gone.sourceDeviceId] });
    const garbled = await server.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT);
    expect(garbled.body.counts).to.include({ errors: 3, missing: 0 });
    await world.hostile('jamf', {});
    await world.retire('jamf', [gone.serial]);
    try {
      const started = await server.call('POST', `/api/admin/bulk-import/mdm/runs/${garbled.body.runId}/retry`);
      expect(started.status, started.text).to.equal(202);
      let run: any;
      for (let i = 0; i < 100; i += 1) {
        run = (await server.call('GET', started.headers.get('location')!)).body;
        if (run.status !== 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(run.status, run.failureReason).to.equal('completed');
      expect(run.counts).to.include({ unchanged: 2, skipped: 1, errors: 0 });
      expect(run.outcomes.find((o: { reason?: string }) => o.reason === 'no-longer-in-mdm')).to.include({ sourceDeviceId: gone.sourceDeviceId });
      expect(run.retryOf).to.equal(garbled.body.runId);
    } finally {
      await world.retire('jamf', []);
    }
  });
});
