import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFleet } from '../../src/adapters/driven/synthetic/fleet-generator.js';
import type { HardwareRecord } from '../../src/application/ports/read-models.js';
import { EmbeddedApp } from '../support/embedded-app.js';

async function wholeRegister(app: EmbeddedApp): Promise<HardwareRecord[]> {
  const rows: HardwareRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await app.register.search({ offset, limit: 1000 });
    rows.push(...page.items);
    if (rows.length >= page.total) return rows;
  }
}

describe('Read models on the embedded store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ontrackio-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds a register equal to the live one for a few thousand devices', async () => {
    let size = 3000;
    const app = new EmbeddedApp({ intune: () => generateFleet({ source: 'intune', size, seed: 11, noSerial: 0.02, virtual: 0.01, duplicates: 0.02 }) }, {}, 1000);
    try {
      await app.import('intune');
      const first = (await app.register.search({ limit: 1 })).items[0]!;
      await app.edits.edit(first.id, { name: 'Renamed by hand', purchasePrice: 999 }, 'admin@acme.example');
      size = 3200;
      await app.import('intune');
      const live = await wholeRegister(app);
      const liveAudit = await app.auditLog.list({});
      const report = await app.projections.rebuild();
      expect(report.events).to.be.greaterThan(3000);
      expect(await wholeRegister(app)).to.deep.equal(live);
      expect(await app.auditLog.list({})).to.deep.equal(liveAudit);
      expect(live.length).to.be.greaterThan(3000);
    } finally {
      await app.close();
    }
  });

  it('resumes each projection from its checkpoint after a restart', async () => {
    const env = { DATA_FILE: join(dir, 'register.sqlite') };
    let fleet = [...generateFleet({ source: 'jamf', size: 20, seed: 4 })];
    const first = new EmbeddedApp({ jamf: () => fleet }, env);
    await first.import('jamf');
    // Append events without letting this process project them: the next process must pick them up.
    fleet = [...generateFleet({ source: 'jamf', size: 25, seed: 4 })];
    const catchUp = first.projections.catchUp.bind(first.projections);
    first.projections.catchUp = async () => undefined;
    await first.import('jamf');
    expect((await first.register.search({})).total).to.equal(20);
    first.projections.catchUp = catchUp;
    await first.close();

    const second = new EmbeddedApp({}, env);
    try {
      await second.projections.catchUp();
      expect((await second.register.search({})).total).to.equal(25);
      const runs = await second.auditLog.list({});
      expect(runs.map((r) => r.counts.created)).to.deep.equal([5, 20]);
    } finally {
      await second.close();
    }
  });
});
