import { expect } from 'chai';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_TOKEN, logRecords, type ServerProcess } from '../reliability/support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

/** The value of one sample in Prometheus's text format, or null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return null;
}

describe('GET /metrics on the real server process', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '1500', '--jamf-computers', '200', '--jamf-mobiles', '50', '--clean']);
    server = await world.start(world.dataFile('metrics'));
    await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
    await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
  });
  after(async () => world?.close());

  it('counts runs by outcome, devices, MDM answers by status, throttling and back-off, and projection lag', async () => {
    await world.hostile('intune', { throttleTimes: 2 });
    expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
    await world.hostile('jamf', { htmlPage: true });
    expect((await server.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT)).status).to.equal(502);
    await world.hostile('jamf', {});
    const scrape = await server.call('GET', '/metrics', { token: null });
    expect(scrape.status).to.equal(200);
    expect(scrape.headers.get('content-type')).to.match(/^text\/plain/);
    const text = scrape.text;
    expect(sample(text, 'ontrackio_import_runs_total', { source: 'intune', status: 'completed' })).to.equal(1);
    expect(sample(text, 'ontrackio_import_runs_total', { source: 'jamf', status: 'failed' })).to.equal(1);
    expect(sample(text, 'ontrackio_import_devices_total', { source: 'intune', outcome: 'created' })).to.equal(1500);
    expect(sample(text, 'ontrackio_import_run_duration_seconds_count', { source: 'intune', status: 'completed' })).to.equal(1);
    expect(sample(text, 'ontrackio_mdm_requests_total', { product: 'graph', status: '200' })).to.equal(2);
    expect(sample(text, 'ontrackio_mdm_requests_total', { product: 'graph', status: '429' })).to.equal(2);
    expect(sample(text, 'ontrackio_mdm_requests_total', { product: 'entra', status: '200' })).to.be.greaterThan(0);
    expect(sample(text, 'ontrackio_mdm_requests_total', { product: 'jamf', status: '200' })).to.be.greaterThan(0);
    expect(sample(text, 'ontrackio_mdm_throttled_total', { product: 'graph' })).to.equal(2);
    expect(sample(text, 'ontrackio_mdm_backoff_seconds_total', { product: 'graph' })).to.equal(0);
    expect(sample(text, 'ontrackio_projection_lag_events')).to.equal(0);
    expect(sample(text, 'process_resident_memory_bytes')).to.be.greaterThan(0);
  });

  it('says when each source was last read whole, the time to alert on; nothing for a source never read whole', async () => {
    const runs = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=intune')).body as Array<{ startedAt: string; status: string }>;
    const completed = runs.find((run) => run.status === 'completed')!;
    const text = (await server.call('GET', '/metrics', { token: null })).text;
    const name = 'ontrackio_register_last_complete_listing_timestamp_seconds';
    expect(sample(text, name, { source: 'intune' }), "the completed run's start").to.equal(Date.parse(completed.startedAt) / 1000);
    expect(sample(text, name, { source: 'jamf' }), 'its only run failed').to.equal(null);
    expect(text).to.include(`# TYPE ${name} gauge`);
  });

  it('logs each run as it ends: completed at info with its counts, failed at warn with why', async () => {
    const ended = logRecords(server).filter((r) => r.message === 'import run completed' || r.message === 'import run failed');
    expect(ended.map((r) => [r.level, r.message, r.source, typeof r.runId])).to.deep.equal([
      ['info', 'import run completed', 'intune', 'string'],
      ['warn', 'import run failed', 'jamf', 'string'],
    ]);
    expect(ended[0]).to.deep.include({ triggeredBy: 'ops@acme.example' });
    expect((ended[0]!.counts as { created: number }).created).to.equal(1500);
    expect(String(ended[1]!.failure)).to.match(/Jamf/);
  });
});

/** Asks for the CSV export on a raw socket, reads its first bytes, stops reading for a while, then hangs up. */
function cutOffExport(url: string, token: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET /api/hardware/export.csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`));
    socket.once('error', reject);
    socket.once('data', (chunk) => {
      socket.pause();
      setTimeout(() => {
        socket.destroy();
        resolve(chunk.length);
      }, 500);
    });
  });
}

describe('GET /metrics counts the register\'s CSV exports (real server process)', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '8000', '--jamf-computers', '0', '--jamf-mobiles', '0', '--clean']);
    server = await world.start(world.dataFile('exports'));
    await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
    // Rows of about 1 KB: 8 MB of CSV, more than the sockets on both ends hold, so the server must wait for its client.
    await world.hostile('intune', { modelLength: 900 });
    expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).body.counts.created).to.equal(8000);
  });
  after(async () => world?.close());

  const exports = async () => {
    const text = (await server.call('GET', '/metrics', { token: null })).text;
    return { complete: sample(text, 'ontrackio_register_exports_total', { outcome: 'complete' }), cutOff: sample(text, 'ontrackio_register_exports_total', { outcome: 'cut-off' }) };
  };

  it('an export read to the end is complete; one whose client hangs up while the server waits for it is cut off, and ends', async () => {
    const whole = await server.call('GET', '/api/hardware/export.csv');
    expect(whole.text.trimEnd().split('\r\n')).to.have.length(8001);
    expect(await exports()).to.deep.equal({ complete: 1, cutOff: null });

    expect(await cutOffExport(server.url, ADMIN_TOKEN)).to.be.greaterThan(0);
    const until = Date.now() + 10_000;
    while ((await exports()).cutOff === null && Date.now() < until) await sleep(100);
    expect(await exports()).to.deep.equal({ complete: 1, cutOff: 1 });
  });

  it('a HEAD of the export answers its headers without reading the register, and is not counted as an export', async () => {
    const head = await server.call('HEAD', '/api/hardware/export.csv');
    expect([head.status, head.headers.get('content-type'), head.headers.get('content-disposition'), head.text]).to.deep.equal([200, 'text/csv; charset=utf-8', 'attachment; filename="hardware-register.csv"', '']);
    expect((await server.call('HEAD', '/api/hardware/export.csv?limit=5')).status, 'its query is checked as for GET').to.equal(400);
    expect(await exports()).to.deep.equal({ complete: 1, cutOff: 1 });
  });
});
