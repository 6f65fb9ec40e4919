import { expect } from 'chai';
import Database from 'better-sqlite3';
import type { ServerProcess } from '../reliability/support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';

interface Banner {
  counts: Record<string, number>;
}

/**
 * A device's stream grows with each change its MDM reports. The server keeps snapshots of long
 * streams in its store file, so that runs read what came after them, and decides the same.
 */
describe('Sync: devices with a long history (real server process, emulated MDMs)', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;
  let dataFile: string;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '1', '--jamf-computers', '30', '--jamf-mobiles', '5']);
    dataFile = world.dataFile('history');
    server = await world.start(dataFile);
    await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
  });
  after(async () => world?.close());

  const importJamf = async () => {
    const reply = await server.call('POST', '/api/admin/bulk-import/mdm/jamf', { headers: { prefer: 'wait=60' } });
    expect(reply.status, reply.text).to.equal(200);
    return reply.body as Banner;
  };
  const snapshotsIn = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare<[], { stream: string; revision: number }>('SELECT stream, revision FROM snapshots ORDER BY stream').all();
    } finally {
      db.close();
    }
  };

  it('decides a device that left and came back twice from its snapshot, and the register and its history stay true', async () => {
    await importJamf();
    const { items } = (await server.call('GET', '/api/hardware?source=jamf&limit=1&sort=serial')).body as { items: Array<{ serial: string; id: string }> };
    const serial = items[0]!.serial;
    for (let cycle = 0; cycle < 2; cycle += 1) {
      await world.retire('jamf', [serial]);
      expect((await importJamf()).counts.missing).to.equal(1);
      await world.retire('jamf', []);
      await importJamf();
    }
    // Imported, missing, seen again, missing, seen again: revisions 0 to 4.
    const events = (await server.call('GET', `/api/hardware/${items[0]!.id}/events`)).body as Array<{ revision: number; type: string }>;
    expect(events.map((e) => e.type)).to.deep.equal(['HardwareImported', 'HardwareMissingFromMdm', 'HardwareSeenAgainInMdm', 'HardwareMissingFromMdm', 'HardwareSeenAgainInMdm']);

    expect(snapshotsIn(dataFile), 'the second return read two events past the first snapshot').to.deep.include({ stream: `hardware-${serial}`, revision: 3 });

    const rerun = await importJamf();
    expect(rerun.counts).to.include({ created: 0, updated: 0, errors: 0, missing: 0 });
    const record = (await server.call('GET', `/api/hardware?q=${serial}`)).body as { items: Array<{ serial: string; sources: Array<{ source: string; missingSince: string | null }> }> };
    expect(record.items.find((r) => r.serial === serial)!.sources.find((s) => s.source === 'jamf')!.missingSince, 'listed again').to.equal(null);
  });
});
