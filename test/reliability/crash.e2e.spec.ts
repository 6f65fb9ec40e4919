import { expect } from 'chai';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { ServerProcess } from './support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from './support/world.js';
import { recordLost } from './support/tally.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

interface Row {
  id: string;
  serial: string;
  assetTag: string;
  [field: string]: unknown;
}

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'ontrackio-mdm.js');

async function register(server: ServerProcess): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await server.call('GET', `/api/hardware?limit=1000&offset=${offset}`);
    expect(page.status).to.equal(200);
    rows.push(...page.body.items);
    if (rows.length >= page.body.total) return rows;
  }
}

async function runs(server: ServerProcess, source = 'intune') {
  return (await server.call('GET', `/api/admin/bulk-import/mdm/runs?source=${source}`)).body as Array<{ runId: string; status: string; pages: number; failureReason: string | null }>;
}

/** Polls until the running run of `source` has recorded at least `pages` pages. */
async function untilPages(server: ServerProcess, pages: number, source = 'intune'): Promise<string> {
  for (let i = 0; i < 400; i += 1) {
    const running = (await runs(server, source)).find((r) => r.status === 'running');
    if (running && running.pages >= pages) return running.runId;
    await sleep(25);
  }
  throw new Error(`no running ${source} run reached ${pages} pages`);
}

/**
 * SIGSTOP at a moment the process is not inside a write transaction. SQLite has one write lock per
 * file and no way to take it from a process frozen while holding it: every other process's writes
 * then wait it out (and answer 503, busy) until that process resumes or dies. A lease can only be
 * taken over from a process frozen between writes, which is what this freezes.
 */
async function freezeBetweenWrites(pid: number, dataFile: string): Promise<void> {
  const probe = new Database(dataFile, { timeout: 0 });
  try {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      process.kill(pid, 'SIGSTOP');
      while (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'T') await sleep(1);
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return;
      } catch {
        process.kill(pid, 'SIGCONT');
        await sleep(5);
      }
    }
    throw new Error('the server was inside a write transaction at each of 100 freezes');
  } finally {
    probe.close();
  }
}

/** The register's invariants after any crash: one record per serial, unique asset tags and ids. */
function expectSound(rows: Row[]): void {
  expect(new Set(rows.map((r) => r.serial)).size, 'one record per serial').to.equal(rows.length);
  expect(new Set(rows.map((r) => r.assetTag)).size, 'asset tags unique').to.equal(rows.length);
  expect(new Set(rows.map((r) => r.id)).size, 'ids unique').to.equal(rows.length);
}

const bySerial = (rows: Row[]) => [...rows].sort((a, b) => a.serial.localeCompare(b.serial));

/**
 * SIGKILL at three points of an import and during a rebuild, then a restart on the same file: the
 * dead run is closed as abandoned at start-up, the next import runs, nothing is lost or doubled, and a
 * rebuild equals the live register. Pages come 250 ms apart so the kills land mid-run.
 */
describe('Reliability: crashes and leases (real server process, SIGKILL and SIGSTOP)', function () {
  this.timeout(180_000);
  let world: ReliabilityWorld;
  let dataFile: string;
  let server: ServerProcess;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '5000', '--jamf-computers', '1500', '--jamf-mobiles', '500', '--page-latency-ms', '250']);
    dataFile = world.dataFile('crash');
    server = await world.start(dataFile, { RUN_LEASE_SECONDS: '3', MDM_RESPONSE_TIMEOUT_SECONDS: '8' });
    expect((await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() })).status).to.equal(200);
    expect((await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() })).status).to.equal(200);
  });
  after(async () => world?.close());

  for (const [point, pages] of [['after the first page', 1], ['half-way', 3], ['before the last page is recorded', 4]] as const) {
    it(`SIGKILL ${point} in an import: on restart the run is abandoned, the next import runs, nothing is doubled`, async () => {
      const pending = server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT).catch((error: unknown) => error);
      const runId = await untilPages(server, pages);
      await server.kill('SIGKILL');
      expect(await pending).to.be.instanceOf(Error);
      server = await world.start(dataFile, { RUN_LEASE_SECONDS: '3', MDM_RESPONSE_TIMEOUT_SECONDS: '8' });
      const killed = (await runs(server)).find((r) => r.runId === runId)!;
      expect(killed.status, 'closed at start-up, without waiting for the lease').to.equal('failed');
      expect(killed.failureReason).to.match(/^abandoned: its process .* is gone/);
      const detail = (await server.call('GET', `/api/admin/bulk-import/mdm/runs/${runId}`)).body as { pages: number; counts: Record<string, number>; outcomes: Array<{ outcome: string }> };
      const counted = (kind: string) => detail.outcomes.filter((o) => o.outcome === kind).length;
      expect(detail.pages, 'closed with the pages it had recorded').to.be.at.least(pages);
      expect(detail.counts, 'its end counts every page it recorded').to.deep.include({ created: counted('created'), updated: counted('updated'), unchanged: counted('unchanged'), skipped: counted('skipped'), errors: counted('error') });
      expectSound(await register(server));
      const next = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      expect(next.status, next.text).to.equal(200);
      const rows = await register(server);
      expectSound(rows);
      const { created, updated, unchanged } = next.body.counts;
      expect(rows.filter((r) => (r.sources as Array<{ source: string }>).some((s) => s.source === 'intune'))).to.have.length(created + updated + unchanged);
    });
  }

  it('SIGKILL during a rebuild: the live register is untouched, and the next rebuild equals it', async () => {
    expect((await server.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT)).status).to.equal(200);
    const before = bySerial(await register(server));
    const pending = server.call('POST', '/api/admin/register/rebuild').catch((error: unknown) => error);
    await sleep(60);
    await server.kill('SIGKILL');
    await pending;
    server = await world.start(dataFile, { RUN_LEASE_SECONDS: '3', MDM_RESPONSE_TIMEOUT_SECONDS: '8' });
    const afterCrash = bySerial(await register(server));
    expect(afterCrash).to.deep.equal(before);
    expect((await server.call('POST', '/api/admin/register/rebuild')).status).to.equal(200);
    const rebuilt = bySerial(await register(server));
    expect(rebuilt).to.deep.equal(before);
    recordLost(before.length - afterCrash.filter((row, i) => JSON.stringify(row) === JSON.stringify(before[i])).length);
  });

  it('a live run is never taken over: a CLI import beside it is refused for as long as the server works on it', async () => {
    await world.hostile('intune', { hangPage: 1 });
    const pending = server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    await untilPages(server, 1);
    await sleep(3500); // longer than the 3 s lease, while the second page does not come: only the heartbeat keeps it
    const cli = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'import', 'intune'], { env: world.env(dataFile, { RUN_LEASE_SECONDS: '3', MDM_RESPONSE_TIMEOUT_SECONDS: '8' }) });
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      child.on('exit', (code) => resolve({ code, err }));
    });
    expect(cli.code, cli.err).to.equal(1);
    expect(cli.err).to.match(/already running/);
    await world.hostile('intune', {});
    const finished = await pending;
    expect(finished.status, finished.text).to.equal(502);
    expect(finished.body.detail).to.match(/did not answer within 8 s/);
    expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
  });

  it('a frozen process loses its lease to the next import, and its caller gets a problem, not a 500', async () => {
    const pending = server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    const frozenRun = await untilPages(server, 1);
    await freezeBetweenWrites(server.pid, dataFile);
    const other = await world.start(dataFile, { RUN_LEASE_SECONDS: '3', MDM_RESPONSE_TIMEOUT_SECONDS: '8' });
    try {
      await sleep(3500);
      const taken = await other.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      expect(taken.status, taken.text).to.equal(200);
      const closed = (await runs(other)).find((r) => r.runId === frozenRun)!;
      expect(closed.failureReason).to.match(/^abandoned: no progress or heartbeat since/);
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    const answer = await pending;
    expect(answer.status, answer.text).to.equal(409);
    expect(answer.headers.get('content-type')).to.match(/problem\+json/);
    expect(answer.body.detail).to.match(/closed as abandoned by another process/);
    expectSound(await register(other));
    await other.kill('SIGTERM');
  });

  it('a CLI import killed mid-run is closed by the running server within a lease, and the source is free again', async () => {
    const child = spawn(process.execPath, [CLI, 'import', 'intune'], { env: world.env(dataFile, { RUN_LEASE_SECONDS: '3', MDM_RESPONSE_TIMEOUT_SECONDS: '8' }), stdio: 'ignore' });
    const runId = await untilPages(server, 1);
    child.kill('SIGKILL');
    let status = 'running';
    const started = Date.now();
    while (status === 'running' && Date.now() - started < 10_000) {
      await sleep(200);
      status = (await runs(server)).find((r) => r.runId === runId)!.status;
    }
    expect(status).to.equal('failed');
    expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
    expectSound(await register(server));
  });
});
