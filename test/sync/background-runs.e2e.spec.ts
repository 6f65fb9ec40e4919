import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcess } from '../reliability/support/server-process.js';
import { ADMIN_TOKEN } from '../reliability/support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';

interface Progress {
  runId: string;
  status: string;
  devicesRead: number;
  total: number | null;
  totalFrom: string | null;
  pages: number;
  elapsedMs: number;
  estimatedRemainingMs: number | null;
  counts: Record<string, number>;
}

/** Every Server-Sent Event of a run's stream, in order, until the server closes it. */
async function readEvents(server: ServerProcess, path: string): Promise<Array<{ event: string; data: any }>> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).to.equal(200);
  expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => /^event: /m.test(block))
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) }));
}

describe('Sync: imports as background runs with live progress (real server process, emulated MDMs)', function () {
  this.timeout(90_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '5000', '--jamf-computers', '4500', '--jamf-mobiles', '500', '--page-latency-ms', '150']);
    server = await world.start(world.dataFile('background'));
    await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
    await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
  });
  after(async () => world?.close());

  it('answers 202 as soon as the run exists, with Location; the run page shows progress toward the total Jamf announced, then the outcome', async () => {
    const started = await server.call('POST', '/api/admin/bulk-import/mdm/jamf');
    expect(started.status, started.text).to.equal(202);
    const location = started.headers.get('location')!;
    expect(location).to.equal(`/api/admin/bulk-import/mdm/runs/${started.body.runId}`);
    expect(started.body).to.include({ status: 'running', devicesRead: 0 });
    const seen: Progress[] = [];
    for (let i = 0; i < 400; i += 1) {
      const { body } = await server.call('GET', location);
      seen.push(body.progress);
      if (body.status !== 'running') break;
      expect(body.outcomes, 'outcomes wait for the end').to.equal(null);
      await sleep(50);
    }
    const during = seen.filter((p) => p.status === 'running' && p.devicesRead > 0);
    expect(during.length, 'seen while running').to.be.greaterThan(0);
    expect(during[0]!.total).to.equal(4500);
    expect(during[0]!.totalFrom).to.equal('mdm');
    expect(during.at(-1)!.estimatedRemainingMs).to.be.a('number');
    const reads = seen.map((p) => p.devicesRead);
    expect(reads, 'never goes back').to.deep.equal([...reads].sort((a, b) => a - b));
    const { body: ended } = await server.call('GET', location);
    expect(ended.status).to.equal('completed');
    expect(ended.progress).to.include({ devicesRead: 5000, total: 5000, estimatedRemainingMs: 0 });
    expect(ended.outcomes).to.have.length(5000);
    expect(ended.banner).to.include({ runId: started.body.runId, status: 'completed' });
  });

  it('streams the same progress as Server-Sent Events, then the banner, then closes', async () => {
    const started = await server.call('POST', '/api/admin/bulk-import/mdm/intune');
    expect(started.status).to.equal(202);
    const events = await readEvents(server, `${started.headers.get('location')}/stream`);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data as Progress);
    expect(progress.length).to.be.greaterThan(2);
    expect(progress.some((p) => p.status === 'running' && p.devicesRead > 0 && p.devicesRead < 5000), 'a page at a time').to.equal(true);
    expect(events.at(-1)!.event).to.equal('end');
    const banner = events.at(-1)!.data;
    expect(banner).to.include({ runId: started.body.runId, status: 'completed', source: 'intune' });
    expect(banner.counts.created + banner.counts.skipped, 'every device read').to.equal(5000);
    expect(banner.counts.created).to.be.greaterThan(4000);
  });

  it('estimates an Intune run from the last completed run, since Graph announces no total', async () => {
    const started = await server.call('POST', '/api/admin/bulk-import/mdm/intune');
    for (let i = 0; i < 400; i += 1) {
      const { body } = await server.call('GET', started.headers.get('location')!);
      if (body.status === 'running' && body.progress.devicesRead > 0) {
        expect(body.progress).to.include({ total: 5000, totalFrom: 'last-run' });
        break;
      }
      expect(body.status, 'seen while running').to.equal('running');
      await sleep(25);
    }
    await readEvents(server, `${started.headers.get('location')}/stream`);
  });

  it('with Prefer: wait=N answers the banner when the run ends in time, and 202 when it does not', async () => {
    const late = await server.call('POST', '/api/admin/bulk-import/mdm/intune', { headers: { prefer: 'wait=0' } });
    expect(late.status).to.equal(202);
    await readEvents(server, `${late.headers.get('location')}/stream`);
    const waited = await server.call('POST', '/api/admin/bulk-import/mdm/jamf', { headers: { prefer: 'respond-async, wait=120' } });
    expect(waited.status, waited.text).to.equal(200);
    expect(waited.body).to.include({ status: 'completed' });
    expect(waited.body.counts.unchanged + waited.body.counts.skipped).to.equal(5000);
    expect(waited.body.counts).to.include({ created: 0, updated: 0 });
  });

  it('refuses at once what cannot start (a run already going), and answers 404 for an unknown run', async () => {
    const first = await server.call('POST', '/api/admin/bulk-import/mdm/intune');
    const second = await server.call('POST', '/api/admin/bulk-import/mdm/intune');
    expect(second.status).to.equal(409);
    expect(second.body.detail).to.match(/already running/);
    await readEvents(server, `${first.headers.get('location')}/stream`);
    for (const path of ['/api/admin/bulk-import/mdm/runs/no-such-run', '/api/admin/bulk-import/mdm/runs/no-such-run/stream']) {
      const unknown = await server.call('GET', path);
      expect([unknown.status, unknown.body.type, unknown.body.title, unknown.body.fix]).to.deep.equal([
        404, 'https://ontrackio.dev/problems/not-found', 'Not found', 'Use a runId from GET /api/admin/bulk-import/mdm/runs.',
      ]);
    }
    const source = await server.call('POST', '/api/admin/bulk-import/mdm/intunes');
    expect([source.status, source.body.title, source.body.detail]).to.deep.equal([404, 'Not found', 'Source "intunes" is not intune or jamf.']);
  });
});
