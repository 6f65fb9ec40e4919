import { expect } from 'chai';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcess } from './support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from './support/world.js';
import './support/tally.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

async function untilRunning(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 400; i += 1) {
    const [run] = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=intune&limit=1')).body;
    if (run?.status === 'running' && run.pages >= 1) return run.runId;
    await sleep(25);
  }
  throw new Error('no run started');
}

/** SIGTERM as an orchestrator sends it: not ready at once, no new work, the running import finished or recorded as interrupted, then exit 0. */
describe('Reliability: graceful shutdown (real server process, SIGTERM)', function () {
  this.timeout(120_000);
  let world: ReliabilityWorld;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '4000', '--jamf-computers', '100', '--jamf-mobiles', '50', '--page-latency-ms', '300']);
  });
  after(async () => world?.close());

  async function configured(extra: Record<string, string>, dataFile = world.dataFile('shutdown')): Promise<ServerProcess> {
    const server = await world.start(dataFile, extra);
    await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
    await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
    return server;
  }

  it('turns /readyz to 503 at once, refuses new imports, lets the running one finish, then exits 0', async () => {
    const server = await configured({ DRAIN_TIMEOUT_SECONDS: '60' });
    const running = server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    await untilRunning(server);
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    await sleep(100);
    const ready = await server.call('GET', '/readyz', { token: null });
    expect(ready.status).to.equal(503);
    expect(ready.body.status).to.equal('draining');
    const refused = await server.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT);
    expect(refused.status).to.equal(503);
    expect(refused.body.type).to.match(/shutting-down/);
    expect(refused.headers.get('retry-after')).to.equal('30');
    const finished = await running;
    expect(finished.status, finished.text).to.equal(200);
    expect(finished.body.status).to.equal('completed');
    const [code] = await exited;
    expect(code).to.equal(0);
  });

  it('past the drain timeout, records the running import as interrupted, answers its caller with 503, and exits 0', async () => {
    const dataFile = world.dataFile('interrupted');
    const server = await configured({ DRAIN_TIMEOUT_SECONDS: '1' }, dataFile);
    await world.hostile('intune', { hangPage: 2 });
    try {
      const running = server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      const runId = await untilRunning(server);
      const exited = once(server.child, 'exit');
      const started = Date.now();
      server.child.kill('SIGTERM');
      const answer = await running;
      expect(answer.status, answer.text).to.equal(503);
      expect(answer.body.detail).to.match(/^interrupted: the server shut down/);
      expect(answer.body.result.counts.created).to.be.greaterThan(0);
      const [code] = await exited;
      expect(code).to.equal(0);
      expect(Date.now() - started).to.be.below(10_000);
      const restarted = await world.start(dataFile);
      const run = (await restarted.call('GET', `/api/admin/bulk-import/mdm/runs/${runId}`)).body;
      expect(run.status).to.equal('failed');
      expect(run.failureReason).to.match(/^interrupted/);
      await restarted.kill('SIGTERM');
    } finally {
      await world.hostile('intune', {});
    }
  });

  it('waits for a background run (started with 202, nobody holding a request) within the drain timeout, then exits 0', async () => {
    const dataFile = world.dataFile('background');
    const server = await configured({ DRAIN_TIMEOUT_SECONDS: '60' }, dataFile);
    const started = await server.call('POST', '/api/admin/bulk-import/mdm/intune');
    expect(started.status, started.text).to.equal(202);
    await untilRunning(server);
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).to.equal(0);
    const restarted = await world.start(dataFile);
    const run = (await restarted.call('GET', started.headers.get('location')!)).body;
    expect(run.status, 'finished, not cut off').to.equal('completed');
    expect(run.progress.devicesRead, 'every device read').to.equal(4000);
    await restarted.kill('SIGTERM');
  });
});
