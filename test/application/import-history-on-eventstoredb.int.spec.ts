import { expect } from 'chai';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { EsdbEventStore } from '../../src/adapters/driven/eventstoredb/esdb-event-store.js';
import { ImportRunRecorder, lastCompleteListingAt } from '../../src/application/import-run-recorder.js';
import type { EventStore } from '../../src/application/ports/event-store.js';
import type { RunOwner } from '../../src/application/ports/run-owner.js';
import { ImportHistory } from '../../src/application/queries/import-history.js';
import { importRunsStream } from '../../src/application/streams.js';
import type { DeviceOutcome } from '../../src/domain/import-run/outcome.js';
import { fakeEventStoreDb } from '../../bench/modelled-stores/fake-eventstoredb.js';
import { RoundTripMeter } from '../../bench/modelled-stores/round-trips.js';

// EventStoreDB filters a stream read by type only once it has sent every event: what a history
// query costs there is the events it is sent, counted here by the bench's model of its client.
const PAGES = 3;
const LEASE = { leaseMs: 60_000, owner: { id: 'app-1/4242/a', isGone: () => false } satisfies RunOwner };
const outcomes = (run: number): DeviceOutcome[] => Array.from({ length: 5 }, (_, i) => ({ outcome: 'created', serial: `S${run}-${i}`, sourceDeviceId: `d${run}-${i}`, deviceName: null }));
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 9, minute)).toISOString();

async function recordRun(store: EventStore, n: number, end: 'complete' | 'complete the whole listing' | 'fail' | 'leave running', retryOf?: string): Promise<string> {
  const runId = `run-${n}`;
  const recorder = await ImportRunRecorder.start(store, { source: 'jamf', runId, triggeredBy: 'it@acme.example', now: at(n * 5), ...(retryOf ? { retryOf } : {}), ...LEASE });
  for (let page = 1; page <= PAGES; page += 1) await recorder.recordPage(outcomes(n), at(n * 5 + 1));
  if (end === 'complete the whole listing') await recorder.recordMissing([], at(n * 5 + 2));
  if (end.startsWith('complete')) await recorder.complete(at(n * 5 + 2));
  if (end === 'fail') await recorder.fail('Jamf Pro answered 503 Service Unavailable', at(n * 5 + 2));
  return runId;
}

describe('Import history on EventStoreDB: one event a finished run, not every page', () => {
  let meter: RoundTripMeter;
  let store: EsdbEventStore;
  let history: ImportHistory;
  beforeEach(() => {
    meter = new RoundTripMeter(0);
    store = new EsdbEventStore(fakeEventStoreDb(meter) as EventStoreDBClient);
    history = new ImportHistory(store);
  });
  const sentBy = async <T>(query: () => Promise<T>): Promise<{ answer: T; sent: number }> => {
    meter.reset();
    const answer = await query();
    return { answer, sent: meter.tally.eventsSent };
  };

  it('given ten finished runs, lists them from the ten end events, newest first, with what each start said', async () => {
    for (let n = 1; n <= 9; n += 1) await recordRun(store, n, n === 4 ? 'fail' : 'complete');
    await recordRun(store, 10, 'complete', 'run-4');
    const { answer: runs, sent } = await sentBy(() => history.runs({ source: 'jamf' }));
    expect(runs.map((r) => r.runId)).to.deep.equal(['run-10', 'run-9', 'run-8', 'run-7', 'run-6', 'run-5', 'run-4', 'run-3', 'run-2', 'run-1']);
    expect(runs[0]).to.deep.include({ kind: 'import', retryOf: 'run-4', status: 'completed', startedAt: at(50), finishedAt: at(52), pages: PAGES, triggeredBy: 'it@acme.example' });
    expect(runs[0]!.counts).to.include({ created: 5 * PAGES });
    expect(runs[6]).to.deep.include({ status: 'failed', failureReason: 'Jamf Pro answered 503 Service Unavailable', pages: PAGES });
    expect(sent, 'events sent for the list').to.equal(10);
  });

  it('given forty finished runs, reads their ends in batches that double, each end naming the ones before it', async () => {
    for (let n = 1; n <= 40; n += 1) await recordRun(store, n, 'complete');
    const { answer: runs, sent } = await sentBy(() => history.runs({ source: 'jamf' }));
    expect(runs.map((r) => r.runId)).to.deep.equal(Array.from({ length: 40 }, (_, i) => `run-${40 - i}`));
    expect(sent).to.equal(40);
    expect(meter.tally.maxInFlight, 'the newest end, then 1, 2, 4, 8, 16 and the last 8 at once').to.equal(16);
    expect(meter.tally.roundTrips, "one an end, and one for the source's previews").to.equal(41);
  });

  it('given forty finished runs, reads the newest three for a list of three, and nothing older', async () => {
    for (let n = 1; n <= 40; n += 1) await recordRun(store, n, 'complete');
    const { answer: runs, sent } = await sentBy(() => history.runs({ source: 'jamf', limit: 3 }));
    expect(runs.map((r) => r.runId)).to.deep.equal(['run-40', 'run-39', 'run-38']);
    expect(sent, 'the newest end, then a batch of 1, then of 2').to.equal(4);
  });

  it("given ten finished runs, reads one run's detail from its own events and the runs' ends, not their pages", async () => {
    for (let n = 1; n <= 10; n += 1) await recordRun(store, n, 'complete');
    const { answer: detail, sent } = await sentBy(() => history.run('run-7'));
    expect(detail).to.deep.include({ runId: 'run-7', status: 'completed', pages: PAGES });
    expect(detail!.outcomes).to.have.length(5 * PAGES);
    expect(sent, 'the newest end and batches of 1 and 2 (run-7 among them), then its own start, pages and end').to.equal(4 + 1 + PAGES + 1);
  });

  it('counts a run still going from its last page, and the runs before it from their ends', async () => {
    for (let n = 1; n <= 5; n += 1) await recordRun(store, n, 'complete');
    await recordRun(store, 6, 'leave running');
    const { answer: runs, sent } = await sentBy(() => history.runs({ source: 'jamf' }));
    const everyPage = await history.run('run-6');
    expect(runs[0]).to.deep.include({ runId: 'run-6', status: 'running', pages: PAGES, counts: everyPage!.counts });
    expect(runs.slice(1).map((r) => r.status)).to.deep.equal(Array(5).fill('completed'));
    expect(sent, 'its last event (its last page, with the counts so far), its start, then the five ends').to.equal(1 + 1 + 5);
  });

  it('counts a run waiting on a slow page from its newest heartbeat, not the heartbeats back to its last page', async () => {
    for (let n = 1; n <= 5; n += 1) await recordRun(store, n, 'complete');
    const recorder = await ImportRunRecorder.start(store, { source: 'jamf', runId: 'run-6', triggeredBy: 'it@acme.example', now: at(30), ...LEASE });
    for (let page = 1; page <= PAGES; page += 1) await recorder.recordPage(outcomes(6), at(31));
    for (let minute = 32; minute <= 36; minute += 1) await recorder.heartbeat(at(minute), 30_000);
    const { answer: runs, sent } = await sentBy(() => history.runs({ source: 'jamf' }));
    const everyPage = await history.run('run-6');
    expect(runs[0]).to.deep.include({ runId: 'run-6', status: 'running', pages: PAGES, counts: everyPage!.counts });
    expect(sent, 'its newest heartbeat, its start, then the five ends').to.equal(1 + 1 + 5);
  });

  it('steps over a run that was closed as abandoned, whichever way it was closed', async () => {
    await recordRun(store, 1, 'complete');
    await recordRun(store, 2, 'leave running');
    const gone = { ...LEASE, owner: { id: 'app-2/1/b', isGone: () => true } };
    await ImportRunRecorder.start(store, { source: 'jamf', runId: 'run-3', triggeredBy: 'it@acme.example', now: at(15), ...gone });
    expect(await ImportRunRecorder.closeAbandoned(store, 'jamf', gone, at(20))).to.equal('run-3');
    const { answer: runs, sent } = await sentBy(() => history.runs({ source: 'jamf' }));
    expect(runs.map((r) => [r.runId, r.status])).to.deep.equal([['run-3', 'failed'], ['run-2', 'failed'], ['run-1', 'completed']]);
    expect(runs[1]!.failureReason).to.match(/^abandoned/);
    expect(runs[1]!.counts, 'closed with the pages it had recorded').to.include({ created: 5 * PAGES });
    expect(sent).to.equal(3);
  });

  it('closes an abandoned run from its start and its events since its last page, with the counts of every page', async () => {
    await recordRun(store, 1, 'complete');
    const recorder = await ImportRunRecorder.start(store, { source: 'jamf', runId: 'run-2', triggeredBy: 'it@acme.example', now: at(10), ...LEASE });
    for (let page = 1; page <= 30; page += 1) await recorder.recordPage(outcomes(2), at(11));
    const device = (serial: string) => ({ serial, hardwareId: `hw-${serial}`, assetTag: `AT-${serial}`, name: serial, sourceDeviceId: `d-${serial}`, lastListedAt: at(1) });
    await recorder.recordMissing([device('M1'), device('M2')], at(12));
    for (let minute = 13; minute <= 15; minute += 1) await recorder.heartbeat(at(minute), 30_000);
    const gone = { ...LEASE, owner: { id: 'app-2/1/b', isGone: () => true } };
    const { answer: closed, sent } = await sentBy(() => ImportRunRecorder.closeAbandoned(store, 'jamf', gone, at(20)));
    expect(closed).to.equal('run-2');
    const [end] = await store.readStream(importRunsStream('jamf'), { backwards: true, maxCount: 1 });
    expect(end!.data).to.deep.include({ runId: 'run-2', pages: 30, completeListing: true, counts: { created: 5 * 30, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 2 } });
    expect(sent, 'its newest event and start twice (a look, then the close), back to its last page in reads of 1, 2 and 4, and the end before it').to.equal(2 + 2 + 7 + 1);
  });

  it('closes an abandoned run whose pages were recorded before they carried the counts so far by reading every page', async () => {
    const stream = importRunsStream('jamf');
    await recordRun(store, 1, 'leave running');
    const recorded = await store.readStream(stream);
    const older = new EsdbEventStore(fakeEventStoreDb(new RoundTripMeter(0)) as EventStoreDBClient);
    await older.append(stream, recorded.map(({ type, data, metadata }) => ({ type, data: { ...(data as object), runCounts: undefined }, ...(metadata ? { metadata } : {}) })), 'no_stream');
    const gone = { ...LEASE, owner: { id: 'app-2/1/b', isGone: () => true } };
    expect(await ImportRunRecorder.closeAbandoned(older, 'jamf', gone, at(12))).to.equal('run-1');
    const [end] = await older.readStream(stream, { backwards: true, maxCount: 1 });
    expect(end!.data).to.deep.include({ runId: 'run-1', pages: PAGES, counts: { created: 5 * PAGES, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 } });
  });

  it("sweeps a run in progress from its start and its last event, not its pages", async () => {
    await recordRun(store, 1, 'complete');
    await recordRun(store, 2, 'leave running');
    const { answer: closed, sent } = await sentBy(() => ImportRunRecorder.closeAbandoned(store, 'jamf', LEASE, at(11)));
    expect(closed, 'its lease holds').to.equal(null);
    expect(sent).to.equal(2);
  });

  it('finds the last run that read the whole listing from the runs\' ends, past failed runs and one still going', async () => {
    await recordRun(store, 1, 'complete the whole listing');
    for (let n = 2; n <= 4; n += 1) await recordRun(store, n, 'fail');
    await recordRun(store, 5, 'complete');
    await recordRun(store, 6, 'leave running');
    const { answer, sent } = await sentBy(() => lastCompleteListingAt(store, 'jamf'));
    expect(answer).to.equal(at(5));
    expect(sent, 'the last event, then the five ends').to.equal(6);
  });

  it('still lists and details runs recorded before their ends pointed to their starts', async () => {
    const stream = importRunsStream('jamf');
    for (let n = 1; n <= 3; n += 1) await recordRun(store, n, 'complete');
    // The same runs as an older version recorded them: no pointer in the ends' metadata.
    const recorded = await store.readStream(stream);
    const older = new EsdbEventStore(fakeEventStoreDb(new RoundTripMeter(0)) as EventStoreDBClient);
    await older.append(stream, recorded.map(({ type, data }) => ({ type, data })), 'no_stream');
    for (let n = 4; n <= 5; n += 1) await recordRun(older, n, 'complete');
    const runs = await new ImportHistory(older).runs({ source: 'jamf' });
    expect(runs.map((r) => [r.runId, r.status, r.pages])).to.deep.equal([5, 4, 3, 2, 1].map((n) => [`run-${n}`, 'completed', PAGES]));
    const detail = await new ImportHistory(older).run('run-2');
    expect(detail!.outcomes.map((o) => o.serial)).to.deep.equal([...outcomes(2), ...outcomes(2), ...outcomes(2)].map((o) => o.serial));
  });

  it('closes a run an older version left running when its process died, with its counts, and lists every run after', async () => {
    const stream = importRunsStream('jamf');
    await recordRun(store, 1, 'complete the whole listing');
    await recordRun(store, 2, 'leave running');
    const recorded = await store.readStream(stream);
    const older = new EsdbEventStore(fakeEventStoreDb(new RoundTripMeter(0)) as EventStoreDBClient);
    await older.append(stream, recorded.map(({ type, data }) => ({ type, data })), 'no_stream');
    const gone = { ...LEASE, owner: { id: 'app-2/1/b', isGone: () => true } };
    expect(await ImportRunRecorder.closeAbandoned(older, 'jamf', gone, at(12))).to.equal('run-2');
    await recordRun(older, 3, 'complete');
    const runs = await new ImportHistory(older).runs({ source: 'jamf' });
    expect(runs.map((r) => [r.runId, r.status, r.counts.created])).to.deep.equal([['run-3', 'completed', 5 * PAGES], ['run-2', 'failed', 5 * PAGES], ['run-1', 'completed', 5 * PAGES]]);
    expect(await lastCompleteListingAt(older, 'jamf')).to.equal(at(5));
  });
});
