import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/application/ports/clock.js';
import type { BackgroundImports } from '../../src/application/background-imports.js';
import { TOKENS } from '../../src/application/tokens.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { latitude, macbook } from '../support/mothers.js';

class SettableClock implements Clock {
  constructor(public at: string) {}
  now(): Date {
    return new Date(this.at);
  }
}

const fleet = () => [macbook(), latitude({ source: 'jamf', sourceDeviceId: '77' })];

describe('Scheduled imports', () => {
  let dir: string;
  const apps: EmbeddedApp[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ontrackio-schedule-'))));
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (clock: Clock, jamf: EmbeddedApp['fleets']['jamf'] = fleet) => {
    const app = new EmbeddedApp({ jamf }, { DATA_FILE: join(dir, 'store.sqlite') }, 100, clock);
    apps.push(app);
    return app;
  };
  const scheduledRuns = async (app: EmbeddedApp) => (await app.history.runs({ source: 'jamf' })).filter((r) => r.triggeredBy === 'schedule');

  it('runs a due import through the same command, recorded as triggered by the schedule', async () => {
    const clock = new SettableClock('2026-11-28T10:00:00.000Z');
    const app = open(clock);
    await app.schedules.save('jamf', { kind: 'every', hours: 6 });
    const [started] = await app.schedules.tick();
    const result = await started!.done;
    expect(result).to.include({ triggeredBy: 'schedule', status: 'completed' });
    expect(result.counts.created).to.equal(2);
    expect(await app.schedules.tick(), 'not due again before six hours').to.deep.equal([]);
    clock.at = '2026-11-28T16:00:01.000Z';
    expect(await app.schedules.tick()).to.have.length(1);
  });

  it('two schedulers on one store start each due import exactly once', async () => {
    const clock = new SettableClock('2026-11-28T10:00:00.000Z');
    const first = open(clock);
    const second = open(clock);
    await first.schedules.save('jamf', { kind: 'daily', at: '02:00', timeZone: 'UTC' });
    for (const at of ['2026-11-29T02:00:00.000Z', '2026-11-29T02:00:30.000Z', '2026-11-30T02:00:00.000Z', '2026-11-30T02:01:00.000Z']) {
      clock.at = at;
      for (let round = 0; round < 3; round += 1) {
        const started = (await Promise.all([first.schedules.tick(), second.schedules.tick()])).flat();
        await Promise.all(started.map((run) => run.done));
      }
    }
    const runs = await scheduledRuns(first);
    expect(runs.map((r) => r.startedAt.slice(0, 10)).sort(), 'one per day').to.deep.equal(['2026-11-29', '2026-11-30']);
  });

  it('an instance that found a run due starts nothing if another instance ran it meanwhile, even to the end', async () => {
    const clock = new SettableClock('2026-11-28T10:00:00.000Z');
    const first = open(clock);
    const second = open(clock);
    await first.schedules.save('jamf', { kind: 'every', hours: 6 });
    let firstRunEnded!: () => void;
    const firstRunHasEnded = new Promise<void>((resolve) => (firstRunEnded = resolve));
    let decided!: () => void;
    const secondHasDecided = new Promise<void>((resolve) => (decided = resolve));
    const imports = second.container.get<BackgroundImports>(TOKENS.BackgroundImports);
    const start = imports.start.bind(imports);
    // The second instance decides on what it read, then is slow to act: the first one's whole run fits in between.
    imports.start = async (command) => {
      decided();
      await firstRunHasEnded;
      return start(command);
    };
    const secondTick = second.schedules.tick();
    await secondHasDecided;
    const [firstRun] = await first.schedules.tick();
    await firstRun!.done;
    firstRunEnded();
    expect(await secondTick).to.deep.equal([]);
    expect(await scheduledRuns(first)).to.have.length(1);
  });

  it('given a schedule for a source that will not open, then it starts nothing and the view says it is paused, with no next run', async () => {
    const app = open(new SettableClock('2026-11-28T10:00:00.000Z'));
    await app.schedules.save('intune', { kind: 'every', hours: 6 });
    expect(await app.schedules.tick()).to.deep.equal([]);
    expect(await app.schedules.view('intune')).to.include({
      nextRunAt: null,
      paused: 'Scheduled runs are paused: Microsoft Intune has no tenant. Finish its settings in Integrations; they resume at the next check.',
    });
    expect((await app.schedules.view('jamf')).paused, 'a schedule that is off is not paused').to.equal(null);
  });

  it('runs a run missed while the server was down once at start-up, not once per missed slot', async () => {
    const clock = new SettableClock('2026-11-01T10:00:00.000Z');
    const app = open(clock);
    await app.schedules.save('jamf', { kind: 'daily', at: '02:00', timeZone: 'UTC' });
    clock.at = '2026-11-28T09:00:00.000Z';
    const started = await app.schedules.tick();
    expect(started).to.have.length(1);
    await started[0]!.done;
    expect(await app.schedules.tick()).to.deep.equal([]);
    expect(await scheduledRuns(app)).to.have.length(1);
    expect((await app.schedules.view('jamf')).nextRunAt).to.equal('2026-11-29T02:00:00.000Z');
  });

  it('shows a failed scheduled run on the card until a later run succeeds', async () => {
    const clock = new SettableClock('2026-11-28T10:00:00.000Z');
    let broken = true;
    const app = open(clock, () => {
      if (broken) throw new Error('Jamf Pro answered 503');
      return fleet();
    });
    await app.schedules.save('jamf', { kind: 'every', hours: 1 });
    const [run] = await app.schedules.tick();
    await run!.done.catch(() => undefined);
    const view = await app.schedules.view('jamf');
    expect(view.lastScheduledRun).to.include({ status: 'failed' });
    expect(view.problem).to.match(/Jamf Pro answered 503/);
    broken = false;
    clock.at = '2026-11-28T10:05:00.000Z';
    await app.import('jamf');
    expect((await app.schedules.view('jamf')).problem, 'a later manual run succeeded').to.equal(null);
  });

  it('starts nothing while the schedule is off, and nothing for a source that is not configured', async () => {
    const clock = new SettableClock('2026-11-28T10:00:00.000Z');
    const app = open(clock);
    expect(await app.schedules.tick()).to.deep.equal([]);
    await app.schedules.save('intune', { kind: 'every', hours: 1 });
    expect(await app.schedules.tick()).to.deep.equal([]);
  });
});
