import { expect } from 'chai';
import { decideRun, evolveRuns, initialRuns, ImportAlreadyRunning, RunNotInProgress, type ImportRunCommand } from '../../src/domain/import-run/run.js';
import type { ImportRunEvent } from '../../src/domain/import-run/events.js';
import type { DeviceOutcome } from '../../src/domain/import-run/outcome.js';
import { deciderSpec } from '../support/decider-spec.js';

const given = deciderSpec<ImportRunCommand, ImportRunEvent, ReturnType<typeof initialRuns>>({ decide: decideRun, evolve: evolveRuns, initialState: initialRuns });
const HOUR = 3_600_000;
const OWNER = 'app-1/4242/0b9c7a52-0000-4000-8000-000000000001';
const start = (runId: string, now: string): ImportRunCommand => ({
  type: 'StartImport', data: { runId, source: 'intune', triggeredBy: 'admin@acme.example', owner: OWNER, leaseMs: HOUR, ownerGone: false }, metadata: { now },
});
const started = (runId: string, at: string): ImportRunEvent => ({ type: 'ImportStarted', data: { runId, source: 'intune', triggeredBy: 'admin@acme.example', startedAt: at, owner: OWNER } });
const outcome = (kind: DeviceOutcome['outcome'], serial: string): DeviceOutcome => ({ outcome: kind, serial, sourceDeviceId: serial, deviceName: null });
const page = (runId: string, n: number, outcomes: DeviceOutcome[], at: string): ImportRunEvent => ({
  type: 'ImportPageRecorded',
  data: { runId, source: 'intune', page: n, outcomes, counts: countOf(outcomes), recordedAt: at },
});
function countOf(outcomes: DeviceOutcome[]) {
  const c = { created: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 };
  for (const o of outcomes) c[o.outcome === 'error' ? 'errors' : o.outcome] += 1;
  return c;
}

describe('Import runs of a source', () => {
  it('starts a run when none is in progress', () =>
    given().when(start('r1', '2026-11-27T09:00:00.000Z')).then(started('r1', '2026-11-27T09:00:00.000Z')));

  it('refuses a second run of the same source while one is in progress', () =>
    given(started('r1', '2026-11-27T09:00:00.000Z'))
      .when(start('r2', '2026-11-27T09:00:05.000Z'))
      .thenThrows(ImportAlreadyRunning, /already running \(run r1.*Wait for it to finish/));

  it('closes a run abandoned by a crashed process before starting a new one, keeping its counts', () => {
    const events = given(started('r1', '2026-11-27T07:00:00.000Z'), page('r1', 1, [outcome('created', 'A')], '2026-11-27T07:00:10.000Z'))
      .when(start('r2', '2026-11-27T09:00:00.000Z'))
      .events();
    expect(events.map((e) => e.type)).to.deep.equal(['ImportFailed', 'ImportStarted']);
    expect(events[0]!.data).to.deep.include({ runId: 'r1', counts: { created: 1, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 } });
    expect((events[0]!.data as { reason: string }).reason).to.match(/^abandoned/);
  });

  describe('the run lease', () => {
    const LEASE = 45_000;
    const heartbeat = (runId: string, at: string): ImportRunEvent => ({ type: 'ImportHeartbeat', data: { runId, source: 'intune', at } });
    const startWith = (runId: string, now: string, ownerGone = false): ImportRunCommand => ({
      type: 'StartImport', data: { runId, source: 'intune', triggeredBy: 'admin@acme.example', owner: OWNER, leaseMs: LEASE, ownerGone }, metadata: { now },
    });
    const closeAbandoned = (now: string, ownerGone = false): ImportRunCommand => ({ type: 'CloseAbandoned', data: { source: 'intune', leaseMs: LEASE, ownerGone }, metadata: { now } });

    it('renews the lease with a heartbeat, so a run waiting on a slow page is never taken over', () =>
      given(started('r1', '2026-11-27T09:00:00.000Z'), heartbeat('r1', '2026-11-27T09:00:40.000Z'))
        .when(startWith('r2', '2026-11-27T09:01:20.000Z'))
        .thenThrows(ImportAlreadyRunning));

    it('records a heartbeat only for the run in progress', () =>
      given(started('r1', '2026-11-27T09:00:00.000Z'))
        .when({ type: 'Heartbeat', data: { runId: 'r1', source: 'intune' }, metadata: { now: '2026-11-27T09:00:15.000Z' } })
        .then({ type: 'ImportHeartbeat', data: { runId: 'r1', source: 'intune', at: '2026-11-27T09:00:15.000Z', pages: 0, runCounts: { created: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 } } }));

    it("carries the pages and counts so far on a heartbeat, so that a run waiting on a slow page is summarised from its newest event", () => {
      const [beat] = given(started('r1', '2026-11-27T09:00:00.000Z'), page('r1', 1, [outcome('created', 'A'), outcome('unchanged', 'B')], '2026-11-27T09:00:05.000Z'))
        .when({ type: 'Heartbeat', data: { runId: 'r1', source: 'intune' }, metadata: { now: '2026-11-27T09:00:20.000Z' } })
        .events();
      expect(beat!.data).to.deep.include({ pages: 1, runCounts: { created: 1, updated: 0, unchanged: 1, skipped: 0, errors: 0, missing: 0 } });
    });

    it('closes a run whose lease lapsed, saying since when nothing was heard', () => {
      const [closed] = given(started('r1', '2026-11-27T09:00:00.000Z'), heartbeat('r1', '2026-11-27T09:00:30.000Z'))
        .when(closeAbandoned('2026-11-27T09:01:15.000Z'))
        .events();
      expect(closed).to.deep.include({ type: 'ImportFailed' });
      expect((closed!.data as { reason: string }).reason).to.equal('abandoned: no progress or heartbeat since 2026-11-27T09:00:30.000Z');
    });

    it('leaves a run alone while its lease holds', () =>
      given(started('r1', '2026-11-27T09:00:00.000Z'), heartbeat('r1', '2026-11-27T09:00:30.000Z')).when(closeAbandoned('2026-11-27T09:01:14.999Z')).thenNothingHappens());

    it('closes at once a run whose process is known to be gone, lease or not', () => {
      const events = given(started('r1', '2026-11-27T09:00:00.000Z')).when(startWith('r2', '2026-11-27T09:00:05.000Z', true)).events();
      expect(events.map((e) => e.type)).to.deep.equal(['ImportFailed', 'ImportStarted']);
      expect((events[0]!.data as { reason: string }).reason).to.match(/^abandoned: its process \(app-1\/4242\/.*\) is gone/);
    });

    it('has nothing to close when no run is in progress', () => given().when(closeAbandoned('2026-11-27T09:00:00.000Z', true)).thenNothingHappens());
  });

  it('completes with the counts of every page', () => {
    const [completed] = given(
      started('r1', '2026-11-27T09:00:00.000Z'),
      page('r1', 1, [outcome('created', 'A'), outcome('skipped', 'B')], '2026-11-27T09:00:01.000Z'),
      page('r1', 2, [outcome('updated', 'C'), outcome('unchanged', 'D'), outcome('error', 'E')], '2026-11-27T09:00:02.000Z'),
    )
      .when({ type: 'CompleteImport', data: { runId: 'r1', source: 'intune', warnings: [] }, metadata: { now: '2026-11-27T09:00:03.500Z' } })
      .events();
    expect(completed).to.deep.equal({
      type: 'ImportCompleted',
      data: {
        runId: 'r1', source: 'intune', triggeredBy: 'admin@acme.example', startedAt: '2026-11-27T09:00:00.000Z',
        completedAt: '2026-11-27T09:00:03.500Z', durationMs: 3500, counts: { created: 1, updated: 1, unchanged: 1, skipped: 1, errors: 1, missing: 0 }, pages: 2,
        warnings: [], completeListing: false,
      },
    });
  });

  it('numbers pages in order', () => {
    const [recorded] = given(started('r1', '2026-11-27T09:00:00.000Z'), page('r1', 1, [], '2026-11-27T09:00:01.000Z'))
      .when({ type: 'RecordPage', data: { runId: 'r1', source: 'intune', outcomes: [outcome('created', 'X')] }, metadata: { now: '2026-11-27T09:00:02.000Z' } })
      .events();
    expect(recorded!.data).to.include({ page: 2 });
  });

  it('records the parts of one page under that page, each counted, the run counted to its end', () => {
    const part = (n: number, outcomes: DeviceOutcome[], now: string): ImportRunCommand => ({
      type: 'RecordPage', data: { runId: 'r1', source: 'intune', outcomes, part: n, parts: 2 }, metadata: { now },
    });
    const history = [started('r1', '2026-11-27T09:00:00.000Z'), page('r1', 1, [outcome('created', 'A')], '2026-11-27T09:00:01.000Z')];
    const [first] = given(...history).when(part(1, [outcome('created', 'B'), outcome('error', 'C')], '2026-11-27T09:00:02.000Z')).events();
    expect(first!.data).to.deep.include({ page: 2, part: 1, parts: 2, counts: { created: 1, updated: 0, unchanged: 0, skipped: 0, errors: 1, missing: 0 } });
    const [second] = given(...history, first!).when(part(2, [outcome('unchanged', 'D')], '2026-11-27T09:00:02.001Z')).events();
    expect(second!.data).to.deep.include({
      page: 2, part: 2, parts: 2,
      counts: { created: 0, updated: 0, unchanged: 1, skipped: 0, errors: 0, missing: 0 },
      runCounts: { created: 2, updated: 0, unchanged: 1, skipped: 0, errors: 1, missing: 0 },
    });
    const [completed] = given(...history, first!, second!)
      .when({ type: 'CompleteImport', data: { runId: 'r1', source: 'intune', warnings: [] }, metadata: { now: '2026-11-27T09:00:03.000Z' } })
      .events();
    expect(completed!.data).to.deep.include({ pages: 2, counts: { created: 2, updated: 0, unchanged: 1, skipped: 0, errors: 1, missing: 0 } });
  });

  it('names no part on a page recorded whole', () => {
    const [recorded] = given(started('r1', '2026-11-27T09:00:00.000Z'))
      .when({ type: 'RecordPage', data: { runId: 'r1', source: 'intune', outcomes: [outcome('created', 'X')], part: 1, parts: 1 }, metadata: { now: '2026-11-27T09:00:02.000Z' } })
      .events();
    expect(recorded!.data).to.include({ page: 1 }).and.not.have.any.keys('part', 'parts');
  });

  it("carries the run's counts so far on each page, so that a run still going is counted from its last page", () => {
    const [recorded] = given(started('r1', '2026-11-27T09:00:00.000Z'), page('r1', 1, [outcome('created', 'A'), outcome('error', 'B')], '2026-11-27T09:00:01.000Z'))
      .when({ type: 'RecordPage', data: { runId: 'r1', source: 'intune', outcomes: [outcome('created', 'C'), outcome('skipped', 'D')] }, metadata: { now: '2026-11-27T09:00:02.000Z' } })
      .events();
    expect(recorded!.data).to.deep.include({
      counts: { created: 1, updated: 0, unchanged: 0, skipped: 1, errors: 0, missing: 0 },
      runCounts: { created: 2, updated: 0, unchanged: 0, skipped: 1, errors: 1, missing: 0 },
    });
  });

  it("closes an abandoned run from its start and its last page alone, as from every page, when the page carries the counts so far", () => {
    const pages = [
      [outcome('created', 'A'), outcome('error', 'B')],
      [outcome('updated', 'C'), outcome('skipped', 'D')],
      [outcome('unchanged', 'E')],
    ];
    const recorded: ImportRunEvent[] = [started('r1', '2026-11-27T07:00:00.000Z')];
    for (const outcomes of pages) {
      const state = recorded.reduce(evolveRuns, initialRuns());
      recorded.push(...decideRun({ type: 'RecordPage', data: { runId: 'r1', source: 'intune', outcomes }, metadata: { now: '2026-11-27T07:00:10.000Z' } }, state));
    }
    const close = start('r2', '2026-11-27T09:00:00.000Z');
    const fromEveryPage = given(...recorded).when(close).events();
    const fromLastPage = given(recorded[0]!, recorded.at(-1)!).when(close).events();
    expect(fromLastPage).to.deep.equal(fromEveryPage);
    expect(fromLastPage[0]!.data).to.deep.include({ pages: 3, counts: { created: 1, updated: 1, unchanged: 1, skipped: 1, errors: 1, missing: 0 } });
  });

  it('records a failure with the reason and what was done before it', () => {
    const [failed] = given(started('r1', '2026-11-27T09:00:00.000Z'), page('r1', 1, [outcome('created', 'A')], '2026-11-27T09:00:01.000Z'))
      .when({ type: 'FailImport', data: { runId: 'r1', source: 'intune', reason: 'Microsoft Graph answered 401' }, metadata: { now: '2026-11-27T09:00:02.000Z' } })
      .events();
    expect(failed!.data).to.deep.include({ reason: 'Microsoft Graph answered 401', counts: { created: 1, updated: 0, unchanged: 0, skipped: 0, errors: 0, missing: 0 } });
  });

  it("names the run it retried at its end, as at its start, so the end alone summarises a retry", () => {
    const retry: ImportRunEvent = { type: 'ImportStarted', data: { runId: 'r2', source: 'intune', triggeredBy: 'admin@acme.example', startedAt: '2026-11-27T10:00:00.000Z', owner: OWNER, retryOf: 'r1' } };
    const [completed] = given(retry).when({ type: 'CompleteImport', data: { runId: 'r2', source: 'intune', warnings: [] }, metadata: { now: '2026-11-27T10:00:01.000Z' } }).events();
    const [failed] = given(retry).when({ type: 'FailImport', data: { runId: 'r2', source: 'intune', reason: 'Jamf Pro answered 503' }, metadata: { now: '2026-11-27T10:00:01.000Z' } }).events();
    expect(completed!.data).to.include({ retryOf: 'r1' });
    expect(failed!.data).to.include({ retryOf: 'r1' });
    const [plain] = given(started('r3', '2026-11-27T11:00:00.000Z')).when({ type: 'CompleteImport', data: { runId: 'r3', source: 'intune', warnings: [] }, metadata: { now: '2026-11-27T11:00:01.000Z' } }).events();
    expect(plain!.data).to.not.have.property('retryOf');
  });

  it('says at its end whether it read the whole listing and recorded what was missing from it', () => {
    const missingRecorded: ImportRunEvent = { type: 'ImportMissingRecorded', data: { runId: 'r1', source: 'intune', devices: [], recordedAt: '2026-11-27T09:00:02.000Z', listingStartedAt: '2026-11-27T09:00:00.000Z' } };
    const complete: ImportRunCommand = { type: 'CompleteImport', data: { runId: 'r1', source: 'intune', warnings: [] }, metadata: { now: '2026-11-27T09:00:03.000Z' } };
    const fail: ImportRunCommand = { type: 'FailImport', data: { runId: 'r1', source: 'intune', reason: 'the store is full' }, metadata: { now: '2026-11-27T09:00:03.000Z' } };
    expect(given(started('r1', '2026-11-27T09:00:00.000Z'), missingRecorded).when(complete).events()[0]!.data).to.include({ completeListing: true });
    expect(given(started('r1', '2026-11-27T09:00:00.000Z'), missingRecorded).when(fail).events()[0]!.data).to.include({ completeListing: true });
    expect(given(started('r1', '2026-11-27T09:00:00.000Z')).when(complete).events()[0]!.data).to.include({ completeListing: false });
  });

  it('refuses to record pages for a run that is not in progress', () =>
    given().when({ type: 'RecordPage', data: { runId: 'r9', source: 'intune', outcomes: [] }, metadata: { now: '2026-11-27T09:00:00.000Z' } }).thenThrows(RunNotInProgress));
});
