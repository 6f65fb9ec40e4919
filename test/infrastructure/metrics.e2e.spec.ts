import { expect } from 'chai';
import type { ServerProcess } from '../reliability/support/server-process.js';
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
});
