import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { runCliProcess, type ServerProcess } from '../reliability/support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';

interface Banner {
  runId: string;
  counts: Record<string, number>;
  missingDevices: Array<{ serial: string; assetTag: string; lastListedAt: string | null }>;
}

describe('Sync: devices that left the MDM (real server process, emulated MDMs)', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;
  let dataFile: string;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '300', '--jamf-computers', '120', '--jamf-mobiles', '40']);
    dataFile = world.dataFile('missing');
    server = await world.start(dataFile);
    await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
    await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
  });
  after(async () => world?.close());

  const importFrom = async (source: 'intune' | 'jamf') => {
    const reply = await server.call('POST', `/api/admin/bulk-import/mdm/${source}`, { headers: { prefer: 'wait=60' } });
    expect(reply.status, reply.text).to.equal(200);
    return reply.body as Banner;
  };

  it('flags the devices a complete listing leaves out, shows them in the banner, the register filter, the history and the CLI; then clears them when listed again', async () => {
    await importFrom('intune');
    const { items } = (await server.call('GET', '/api/hardware?source=intune&limit=2&sort=serial')).body as { items: Array<{ serial: string; id: string; status: string; assignee: unknown }> };
    const gone = items.map((r) => r.serial);
    await world.retire('intune', gone);

    const run = await importFrom('intune');
    expect(run.counts.missing).to.equal(2);
    expect(run.missingDevices.map((d) => d.serial).sort()).to.deep.equal([...gone].sort());
    expect(run.missingDevices.every((d) => typeof d.lastListedAt === 'string')).to.equal(true);

    const missing = (await server.call('GET', '/api/hardware?missingFrom=intune')).body as { total: number; items: Array<{ serial: string; status: string; sources: Array<{ source: string; missingSince: string | null }> }> };
    expect(missing.total).to.equal(2);
    for (const record of missing.items) {
      const before = items.find((i) => i.serial === record.serial)!;
      expect(record.status, 'status untouched').to.equal(before.status);
      expect(record.sources.find((s) => s.source === 'intune')!.missingSince).to.be.a('string');
    }
    expect((await server.call('GET', '/api/hardware?missingFrom=jamf')).body.total).to.equal(0);
    expect((await server.call('GET', '/api/hardware?missingFrom=nowhere')).status).to.equal(400);

    const detail = (await server.call('GET', `/api/admin/bulk-import/mdm/runs/${run.runId}`)).body as { counts: { missing: number }; missing: Array<{ serial: string }> };
    expect(detail.counts.missing).to.equal(2);
    expect(detail.missing.map((d) => d.serial).sort()).to.deep.equal([...gone].sort());
    const noErrors = await server.call('GET', `/api/admin/bulk-import/mdm/runs/${run.runId}?outcome=error`);
    expect(noErrors.headers.get('transfer-encoding'), 'the missing devices written as they are read, not held whole first').to.equal('chunked');
    expect(noErrors.body).to.deep.include({ outcomes: [], missing: detail.missing, counts: detail.counts });
    expect(noErrors.body.banner.missingDevices).to.deep.equal(detail.missing);
    const [entry] = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=intune')).body as Array<{ counts: { missing: number } }>;
    expect(entry!.counts.missing).to.equal(2);

    const cli = await runCliProcess(['register', '--missing-from', 'intune', '--json'], world.env(dataFile));
    expect(cli.code, cli.stderr).to.equal(0);
    expect(JSON.parse(cli.stdout).items.map((r: { serial: string }) => r.serial).sort()).to.deep.equal([...gone].sort());
    const text = await runCliProcess(['register', '--missing-from', 'intune'], world.env(dataFile));
    expect(text.stdout).to.match(/missing from Microsoft Intune since \d{4}-\d{2}-\d{2}/);

    const exported = parse((await server.call('GET', '/api/hardware/export.csv?missingFrom=intune')).text) as string[][];
    const column = exported[0]!.indexOf('Missing from MDM');
    expect(column, 'the export says what the register says').to.be.greaterThan(-1);
    expect(exported.slice(1).map((row) => row[1]).sort()).to.deep.equal([...gone].sort());
    for (const row of exported.slice(1)) expect(row[column]).to.match(/^intune since \d{4}-\d{2}-\d{2}T[\d:.]+Z$/);

    const events = (await server.call('GET', `/api/hardware/${items[0]!.id}/events`)).body as Array<{ type: string }>;
    expect(events.map((e) => e.type)).to.include('HardwareMissingFromMdm');

    expect((await importFrom('intune')).counts.missing, 'said once').to.equal(0);
    await world.retire('intune', []);
    const back = await importFrom('intune');
    expect(back.counts).to.include({ missing: 0, updated: 2 });
    expect((await server.call('GET', '/api/hardware?missingFrom=intune')).body.total).to.equal(0);
  });

  it('does not flag anything after a listing the MDM cut short', async () => {
    await importFrom('jamf');
    await world.hostile('jamf', { totalCount: 1_000_000 });
    try {
      const { items } = (await server.call('GET', '/api/hardware?source=jamf&limit=1')).body as { items: Array<{ serial: string }> };
      await world.retire('jamf', [items[0]!.serial]);
      const run = await importFrom('jamf');
      expect(run.counts.missing).to.equal(0);
      expect((await server.call('GET', '/api/hardware?missingFrom=jamf')).body.total).to.equal(0);
    } finally {
      await world.hostile('jamf', {});
      await world.retire('jamf', []);
    }
  });

  it('previews through the API: what an import would mark missing, nothing changed, no asset tag taken, and who looked is in the history', async () => {
    await importFrom('intune');
    const { items } = (await server.call('GET', '/api/hardware?source=intune&limit=1&sort=serial&order=desc')).body as { items: Array<{ serial: string }> };
    await world.retire('intune', [items[0]!.serial]);
    try {
      const recordsBefore = (await server.call('GET', '/api/hardware?limit=1')).body.total;
      const preview = await server.call('POST', '/api/admin/bulk-import/mdm/intune/preview');
      expect(preview.status, preview.text).to.equal(200);
      expect(preview.body.counts.missing).to.equal(1);
      expect(preview.body.missingDevices.map((d: { serial: string }) => d.serial)).to.deep.equal([items[0]!.serial]);
      expect((await server.call('GET', '/api/hardware?missingFrom=intune')).body.total).to.equal(0);
      expect((await server.call('GET', '/api/hardware?limit=1')).body.total).to.equal(recordsBefore);
      const [latest] = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=intune')).body as Array<{ kind: string; runId: string; triggeredBy: string }>;
      expect(latest).to.include({ kind: 'preview', runId: preview.body.previewId, triggeredBy: 'ops@acme.example' });
      await world.hostile('intune', { htmlPage: true });
      const failed = await server.call('POST', '/api/admin/bulk-import/mdm/intune/preview');
      expect(failed.status).to.equal(502);
      expect(failed.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(failed.body.fix).to.match(/nothing was changed/);
      expect(failed.body.result.status).to.equal('failed');
    } finally {
      await world.hostile('intune', {});
      await world.retire('intune', []);
    }
  });

  it('keeps the source precedence an admin chooses, refusing an unknown MDM by field', async () => {
    expect((await server.call('GET', '/api/admin/settings/source-precedence')).body).to.deep.equal({ apple: 'jamf', other: 'intune' });
    const refused = await server.call('PUT', '/api/admin/settings/source-precedence', { body: { apple: 'kandji', other: 'intune' } });
    expect(refused.status).to.equal(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['apple']);
    const saved = await server.call('PUT', '/api/admin/settings/source-precedence', { body: { apple: 'intune', other: 'intune' } });
    expect(saved.status, saved.text).to.equal(200);
    expect((await server.call('GET', '/api/admin/settings/source-precedence')).body).to.deep.equal({ apple: 'intune', other: 'intune' });
    await server.call('PUT', '/api/admin/settings/source-precedence', { body: { apple: 'jamf', other: 'intune' } });
  });
});
