import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcess } from '../reliability/support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';

describe('Sync: scheduled imports (two real server processes on one store file)', function () {
  this.timeout(90_000);
  let world: ReliabilityWorld;
  let servers: ServerProcess[];

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '300', '--jamf-computers', '200', '--jamf-mobiles', '50', '--page-latency-ms', '100']);
    const dataFile = world.dataFile('scheduled');
    servers = [await world.start(dataFile, { SCHEDULE_CHECK_SECONDS: '1' })];
    servers.push(await world.start(dataFile, { SCHEDULE_CHECK_SECONDS: '1' }));
    await servers[0]!.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
  });
  after(async () => world?.close());

  it('refuses a schedule that breaks a rule, naming the field and the fix', async () => {
    const refused = await servers[0]!.call('PUT', '/api/admin/integrations/jamf/schedule', { body: { kind: 'daily', at: '02:00', timeZone: 'Mars/Olympus' } });
    expect(refused.status).to.equal(422);
    expect(refused.body).to.include({ field: 'timeZone' });
    expect(refused.body.fix).to.match(/IANA time zone name/);
    const malformed = await servers[0]!.call('PUT', '/api/admin/integrations/jamf/schedule', { body: { kind: 'every', hours: 'six' } });
    expect(malformed.status).to.equal(400);
    const mixed = await servers[0]!.call('PUT', '/api/admin/integrations/jamf/schedule', { body: { kind: 'daily', at: '02:00', timeZone: 'Europe/Paris', hours: 6 } });
    expect([mixed.status, mixed.body.field, mixed.body.detail]).to.deep.equal([422, 'hours', 'A schedule of kind daily has no hours.']);
    const incomplete = await servers[0]!.call('PUT', '/api/admin/integrations/jamf/schedule', { body: { kind: 'every' } });
    expect([incomplete.status, incomplete.body.field, incomplete.body.detail]).to.deep.equal([422, 'hours', 'A schedule of kind every needs hours.']);
    expect((await servers[0]!.call('GET', '/api/admin/bulk-import/mdm')).body.find((s: { source: string }) => s.source === 'jamf').schedule.schedule, 'nothing was saved').to.deep.equal({ kind: 'off' });
  });

  it('saves a time zone typed in another case or by an old alias under its one name', async () => {
    const saved = await servers[0]!.call('PUT', '/api/admin/integrations/intune/schedule', { body: { kind: 'daily', at: '02:30', timeZone: 'europe/paris' } });
    expect([saved.status, saved.body.schedule.timeZone]).to.deep.equal([200, 'Europe/Paris']);
    expect((await servers[0]!.call('PUT', '/api/admin/integrations/intune/schedule', { body: { kind: 'off' } })).status).to.equal(200);
  });

  it('runs a due import exactly once with two instances checking every second, recorded as triggered by the schedule', async () => {
    const saved = await servers[0]!.call('PUT', '/api/admin/integrations/jamf/schedule', { body: { kind: 'every', hours: 1 } });
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.body.schedule).to.include({ kind: 'every', hours: 1 });
    let card: any;
    for (let i = 0; i < 200; i += 1) {
      card = (await servers[1]!.call('GET', '/api/admin/bulk-import/mdm')).body.find((s: { source: string }) => s.source === 'jamf');
      if (card.schedule.lastScheduledRun?.status === 'completed') break;
      await sleep(100);
    }
    expect(card.schedule.lastScheduledRun).to.include({ status: 'completed', triggeredBy: 'schedule' });
    const next = Date.parse(card.schedule.nextRunAt) - Date.parse(card.schedule.lastScheduledRun.startedAt);
    expect(next, 'next run an hour after the scheduled start').to.equal(3_600_000);
    await sleep(3000);
    const runs = (await servers[0]!.call('GET', '/api/admin/bulk-import/mdm/runs?source=jamf')).body as Array<{ triggeredBy: string; kind: string }>;
    expect(runs.filter((r) => r.triggeredBy === 'schedule' && r.kind === 'import'), 'six checks by two instances, one run').to.have.length(1);
  });

  it('says the schedule is paused, with no next run, while the connector is switched off, and resumes once it is on', async () => {
    const jamfCard = async () => (await servers[0]!.call('GET', '/api/admin/bulk-import/mdm')).body.find((s: { source: string }) => s.source === 'jamf').schedule;
    expect((await servers[0]!.call('PUT', '/api/admin/integrations/jamf', { body: { ...world.jamfSettings(), enabled: false } })).status).to.equal(200);
    const paused = await jamfCard();
    expect(paused).to.include({ nextRunAt: null, paused: 'Scheduled runs are paused: Jamf Pro is switched off. Finish its settings in Integrations; they resume at the next check.' });
    expect(paused.schedule).to.include({ kind: 'every', hours: 1 });
    expect((await servers[0]!.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() })).status).to.equal(200);
    const resumed = await jamfCard();
    expect(resumed.paused).to.equal(null);
    expect(Date.parse(resumed.nextRunAt) - Date.parse(resumed.lastScheduledRun.startedAt)).to.equal(3_600_000);
  });
});
