import { expect } from 'chai';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';
import { logRecords } from '../reliability/support/server-process.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

const LOADED = 'connector libraries loaded';
const LISTENING = 'OnTrackio MDM import listening';

/** The Microsoft libraries load in one synchronous piece: a server has them loaded before it takes requests. */
describe('A server started with Intune enabled (real server process)', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '300', '--jamf-computers', '1', '--jamf-mobiles', '1']);
  });
  after(async () => world?.close());

  it('loads the Intune libraries before it listens, says so, and imports with them', async () => {
    const dataFile = world.dataFile('startup');
    const first = await world.start(dataFile);
    expect(logRecords(first).map((r) => r.message), 'no connector is enabled yet').to.not.include(LOADED);
    expect((await first.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() })).status).to.equal(200);
    await first.kill('SIGTERM');

    const restarted = await world.start(dataFile);
    const messages = logRecords(restarted).map((r) => r.message);
    expect(messages.indexOf(LOADED), messages.join(' | ')).to.be.within(0, messages.indexOf(LISTENING) - 1);
    expect(logRecords(restarted).find((r) => r.message === LOADED)).to.deep.include({ sources: ['intune'] });
    const run = await restarted.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    expect(run.status, run.text).to.equal(200);
    expect(run.body).to.deep.include({ status: 'completed' });
    // The fleet has its virtual machines and shared serials, which the import skips; every device is accounted for.
    expect(run.body.counts.created).to.be.greaterThan(0);
    expect(run.body.counts.created + run.body.counts.skipped).to.equal(300);
  });
});
