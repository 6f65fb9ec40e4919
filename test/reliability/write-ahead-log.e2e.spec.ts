import { expect } from 'chai';
import type { ServerProcess } from './support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from './support/world.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';
import { whenCopiedBack } from '../support/write-ahead-log.js';

/**
 * SQLite writes each commit to the store's write-ahead log first. The server copies the log back into
 * the store file on a thread of its own, soon after the commits, instead of inside the import's commit
 * that fills the log past 1,000 frames.
 */
describe('Embedded store: the write-ahead log of a running server (real server process, emulated Intune)', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;
  let dataFile: string;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '600', '--jamf-computers', '1', '--jamf-mobiles', '1']);
    dataFile = world.dataFile('wal');
    server = await world.start(dataFile);
    await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
  });
  after(async () => world?.close());

  it('copies an import’s log back into the store file soon after, though the import wrote far fewer than 1,000 frames', async () => {
    const imported = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    expect(imported.status, imported.text).to.equal(200);
    expect(imported.body.counts.created).to.be.greaterThan(500);
    const state = await whenCopiedBack(dataFile, 10_000);
    expect(state.log, 'the import’s frames, or the writes after them').to.be.greaterThan(0);
    expect(state.checkpointed, JSON.stringify(state)).to.equal(state.log);
    expect(server.lines.filter((line) => /checkpoint/.test(line))).to.deep.equal([]);
  });
});
