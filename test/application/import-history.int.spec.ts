import { expect } from 'chai';
import sinon from 'sinon';
import type { ReadModelStore } from '../../src/application/ports/read-models.js';
import { TOKENS } from '../../src/application/tokens.js';
import { importRunsStream } from '../../src/application/streams.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { latitude, macbook } from '../support/mothers.js';

describe('Import history read from the event stream', () => {
  let app: EmbeddedApp;
  afterEach(() => app.close());

  it('lists runs with who started them, source, start and end, counts — newest first — and filters them', async () => {
    app = new EmbeddedApp({ intune: () => [latitude()], jamf: () => [macbook(), macbook({ sourceDeviceId: 'x', serialNumber: '' })] });
    const a = await app.import('intune', 'it@acme.example');
    const b = await app.import('jamf', 'auditor-setup@acme.example');
    const all = await app.history.runs();
    expect(all.map((r) => r.runId)).to.have.members([a.runId, b.runId]);
    const jamf = await app.history.runs({ source: 'jamf' });
    expect(jamf).to.have.length(1);
    expect(jamf[0]).to.deep.include({
      runId: b.runId, source: 'jamf', triggeredBy: 'auditor-setup@acme.example', status: 'completed',
      counts: { created: 1, updated: 0, unchanged: 0, skipped: 1, errors: 0, missing: 0 },
    });
    expect(jamf[0]!.finishedAt).to.be.a('string');
    expect(await app.history.runs({ from: '2999-01-01T00:00:00Z' })).to.deep.equal([]);
    expect(await app.history.runs({ to: '2000-01-01T00:00:00Z' })).to.deep.equal([]);
  });

  it('lists runs that started in the same millisecond by run id, as the audit log does', async () => {
    const instant = new Date('2026-11-29T06:00:00.000Z');
    app = new EmbeddedApp({ intune: () => [latitude()], jamf: () => [macbook()] }, {}, 100, { now: () => instant });
    const runs = [await app.import('intune'), await app.import('jamf')];
    const byRunId = runs.map((r) => r.runId).sort().reverse();
    expect((await app.history.runs()).map((r) => r.runId)).to.deep.equal(byRunId);
    expect((await app.history.runs({ limit: 1 })).map((r) => r.runId)).to.deep.equal(byRunId.slice(0, 1));
    await app.projections.catchUp();
    expect((await app.auditLog.list({})).map((e) => e.runId)).to.deep.equal(byRunId);
  });

  it('gives one run with the outcome of every device', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook(), macbook({ sourceDeviceId: 'x', serialNumber: '' })] });
    const run = await app.import('jamf');
    const detail = await app.history.run(run.runId);
    expect(detail!.outcomes.map((o) => [o.outcome, o.serial, o.reason ?? null])).to.deep.equal([
      ['created', 'C02XK1JHJGH5', null],
      ['skipped', null, 'no-serial'],
    ]);
    expect(await app.history.run('no-such-run')).to.equal(null);
  });

  it('gives one run with only the kinds of outcome asked for, its counts still whole', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook(), macbook({ sourceDeviceId: 'x', serialNumber: '' })] });
    const run = await app.import('jamf');
    const problems = await app.history.run(run.runId, { outcomes: ['skipped', 'error'] });
    expect(problems!.outcomes.map((o) => [o.outcome, o.reason])).to.deep.equal([['skipped', 'no-serial']]);
    expect(problems!.counts).to.include({ created: 1, skipped: 1 });
    expect((await app.history.run(run.runId, { outcomes: [] }))!.outcomes).to.deep.equal([]);
  });

  it('reads a long run a few pages at a time, so that one detail never holds the whole of it at once', async () => {
    const devices = Array.from({ length: 30 }, (_, i) => macbook({ sourceDeviceId: `m-${i}`, serialNumber: `C02XK1JHJ${String(i).padStart(3, '0')}` }));
    app = new EmbeddedApp({ jamf: () => devices }, {}, 1);
    const run = await app.import('jamf');
    const readStream = sinon.spy(app.store, 'readStream');
    const detail = await app.history.run(run.runId);
    expect(detail!.outcomes).to.have.length(30);
    const reads = await Promise.all(readStream.getCalls().map((call) => call.returnValue));
    expect(Math.max(...reads.map((events) => events.length)), 'events in one read').to.be.at.most(8);
  });

  it('lists a finished run from its end event alone, without reading every device outcome', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook(), macbook({ sourceDeviceId: 'x', serialNumber: '' })] }, {}, 1);
    await app.import('jamf');
    const readStream = sinon.spy(app.store, 'readStream');
    const [run] = await app.history.runs({ source: 'jamf' });
    expect(run).to.deep.include({ status: 'completed', pages: 2, counts: { created: 1, updated: 0, unchanged: 0, skipped: 1, errors: 0, missing: 0 } });
    const read = (await Promise.all(readStream.getCalls().map((call) => call.returnValue))).flat();
    expect(read.map((event) => event.type)).to.deep.equal(['ImportCompleted'], 'its end event alone');
  });

  it("gives one run's detail from that run's own events, not every earlier run's outcomes", async () => {
    app = new EmbeddedApp({ jamf: () => [macbook(), macbook({ sourceDeviceId: 'x', serialNumber: '' })] }, {}, 1);
    const [first, second, third] = [await app.import('jamf'), await app.import('jamf'), await app.import('jamf')];
    const readStream = sinon.spy(app.store, 'readStream');
    const detail = await app.history.run(second.runId);
    expect(detail).to.deep.include({ runId: second.runId, status: 'completed', pages: 2 });
    expect(detail!.outcomes.map((o) => o.outcome)).to.deep.equal(['unchanged', 'skipped']);
    const read = (await Promise.all(readStream.getCalls().map((call) => call.returnValue))).flat();
    const runsOfPagesRead = new Set(read.filter((event) => event.type === 'ImportPageRecorded').map((event) => (event.data as { runId: string }).runId));
    expect([...runsOfPagesRead]).to.deep.equal([second.runId]);
    const ofFirst = read.filter((event) => (event.data as { runId: string }).runId === first.runId);
    expect(ofFirst.filter((event) => event.type !== 'ImportCompleted'), 'an older run: its end at most').to.deep.equal([]);
    expect((await app.history.run(third.runId))!.outcomes).to.have.length(2);
  });

  it("counts a run still in progress from its own pages, not every earlier run's", async () => {
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    app = new EmbeddedApp({
      intune: {
        name: 'intune',
        async *devices() {
          yield { devices: [latitude()] };
          await gate;
        },
      },
    });
    const earlier = await app.import('intune');
    gate = new Promise<void>((resolve) => (release = resolve));
    const running = app.import('intune');
    await new Promise((r) => setTimeout(r, 50));
    const readStream = sinon.spy(app.store, 'readStream');
    const [latest, before] = await app.history.runs({ source: 'intune' });
    expect(latest).to.deep.include({ status: 'running', pages: 1, counts: { created: 0, updated: 0, unchanged: 1, skipped: 0, errors: 0, missing: 0 } });
    expect(before).to.deep.include({ runId: earlier.runId, status: 'completed' });
    const read = (await Promise.all(readStream.getCalls().map((call) => call.returnValue))).flat();
    const ofEarlier = read.filter((event) => (event.data as { runId: string }).runId === earlier.runId);
    expect(ofEarlier.map((event) => event.type), 'the finished run: its end alone').to.deep.equal(['ImportCompleted']);
    release();
    await running;
  });

  it("counts a run still in progress from its last page alone, which carries the run's counts so far", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    app = new EmbeddedApp({
      intune: {
        name: 'intune',
        async *devices() {
          yield { devices: [latitude({ sourceDeviceId: 'a', serialNumber: '5CG1111AAA' })] };
          yield { devices: [latitude({ sourceDeviceId: 'b', serialNumber: '5CG2222BBB' }), latitude({ sourceDeviceId: 'c', serialNumber: '' })] };
          yield { devices: [latitude({ sourceDeviceId: 'd', serialNumber: '5CG3333CCC' })] };
          await gate;
        },
      },
    });
    const running = app.import('intune');
    await new Promise((r) => setTimeout(r, 50));
    const readStream = sinon.spy(app.store, 'readStream');
    const [run] = await app.history.runs({ source: 'intune' });
    expect(run).to.deep.include({ status: 'running', pages: 3, counts: { created: 3, updated: 0, unchanged: 0, skipped: 1, errors: 0, missing: 0 } });
    const read = (await Promise.all(readStream.getCalls().map((call) => call.returnValue))).flat();
    const pagesRead = read.filter((event) => event.type === 'ImportPageRecorded').map((event) => (event.data as { page: number }).page);
    expect([...new Set(pagesRead)], 'pages read').to.deep.equal([3]);
    release();
    await running;
  });

  it('counts a run still in progress from every page when its pages carry no counts so far (written before they did)', async () => {
    app = new EmbeddedApp();
    const stream = importRunsStream('jamf');
    const at = '2026-12-07T09:00:00.000Z';
    const outcomes = [{ outcome: 'created', sourceDeviceId: 'm-1', serial: 'C02XK1JHJGH5', deviceName: null }];
    const page = (n: number) => ({
      type: 'ImportPageRecorded', metadata: { runStartRevision: 0 },
      data: { runId: 'r-old', source: 'jamf', page: n, outcomes, counts: { created: 1, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 }, recordedAt: at },
    });
    await app.store.append(stream, [{ type: 'ImportStarted', data: { runId: 'r-old', source: 'jamf', triggeredBy: 'it@acme.example', startedAt: at } }, page(1), page(2)], 'no_stream');
    const [run] = await app.history.runs({ source: 'jamf' });
    expect(run).to.deep.include({ runId: 'r-old', status: 'running', pages: 2, counts: { created: 2, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 } });
  });

  it('does not depend on the read models: it holds after they are wiped', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook()] });
    const run = await app.import('jamf');
    const session = await app.container.get<ReadModelStore>(TOKENS.ReadModelStore).beginRebuild();
    await session.swap();
    expect(await app.auditLog.list({})).to.deep.equal([]);
    expect((await app.history.runs()).map((r) => r.runId)).to.deep.equal([run.runId]);
  });
});
