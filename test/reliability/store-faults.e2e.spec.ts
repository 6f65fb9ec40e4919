import { expect } from 'chai';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/adapters/driven/sqlite/database.js';
import { SqliteEventStore } from '../../src/adapters/driven/sqlite/sqlite-event-store.js';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { logRecords, runCliProcess, type ServerProcess } from './support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from './support/world.js';
import './support/tally.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

const PROBLEM = /^application\/problem\+json/;

/** Limits how large any file the process writes may grow: a full disk, as the process meets it. */
function limitFileSize(pid: number, bytes: number | 'unlimited'): void {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:unlimited`]);
}

async function editNames(server: ServerProcess, count: number): Promise<number[]> {
  const { items } = (await server.call('GET', `/api/hardware?limit=${count}`)).body as { items: Array<{ id: string }> };
  return Promise.all(items.map((r, i) => server.call('PATCH', `/api/hardware/${r.id}`, { body: { name: `Edited ${i}` } }).then((reply) => reply.status)));
}

/** Overwrites one page of `table` in the middle of the store file, as a failing disk would. */
function damageOnePageOf(dataFile: string, table: string): void {
  const db = new Database(dataFile, { readonly: true });
  const pages = db.prepare<[string], { pageno: number }>("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").all(table);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const victim = pages[Math.floor(pages.length / 2)]!.pageno;
  const fd = openSync(dataFile, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (victim - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

/** Runs `work` while this process holds the store's write lock, as a process stuck inside a write would. */
async function whileWriteLocked<T>(dataFile: string, work: () => Promise<T>): Promise<T> {
  const holder = new Database(dataFile);
  holder.exec('BEGIN IMMEDIATE');
  try {
    return await work();
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
}

describe('Reliability: the embedded store under contention and faults (real processes)', function () {
  this.timeout(180_000);
  let world: ReliabilityWorld;

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '4000', '--jamf-computers', '1500', '--jamf-mobiles', '500', '--page-latency-ms', '100']);
  });
  after(async () => world?.close());

  /** A store that holds one Intune import, its server stopped. */
  async function importedStore(name: string): Promise<string> {
    const dataFile = world.dataFile(name);
    const server = await world.start(dataFile);
    try {
      await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
      expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
    } finally {
      await server.kill('SIGTERM');
    }
    return dataFile;
  }

  describe('two processes on one file', () => {
    // Its own emulators, answering at once, so the two processes' write transactions really overlap.
    let fast: ReliabilityWorld;
    let dataFile: string;
    let server: ServerProcess;
    before(async () => {
      fast = await startReliabilityWorld(['--intune-devices', '8000', '--jamf-computers', '1500', '--jamf-mobiles', '500']);
      dataFile = fast.dataFile('contention');
      server = await fast.start(dataFile);
      await server.call('PUT', '/api/admin/integrations/intune', { body: fast.intuneSettings() });
      await server.call('PUT', '/api/admin/integrations/jamf', { body: fast.jamfSettings() });
      expect((await server.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT)).status).to.equal(200);
    });
    after(async () => fast?.close());

    it('a first CLI import of 8,000 devices while the server edits records: every edit and the import wait their turn', async () => {
      let done = false;
      const cli = runCliProcess(['import', 'intune', '--json'], fast.env(dataFile)).finally(() => (done = true));
      const statuses: number[] = [];
      while (!done) statuses.push(...(await editNames(server, 20)));
      const cliRun = await cli;
      expect(cliRun.code, cliRun.stderr).to.equal(0);
      expect(JSON.parse(cliRun.stdout).counts.created).to.be.greaterThan(7000);
      expect(statuses.length).to.be.greaterThan(20);
      expect(statuses.filter((s) => s !== 200), server.lines.filter((l) => /locked/i.test(l)).slice(0, 3).join('\n')).to.deep.equal([]);
    });

    it('a server starts and reads while another process holds the write lock, and writes once it is let go', async () => {
      const second = await whileWriteLocked(dataFile, async () => {
        const started = await fast.start(dataFile);
        expect((await started.call('GET', '/api/hardware?limit=5')).status).to.equal(200);
        return started;
      });
      expect(await editNames(second, 1)).to.deep.equal([200]);
      await second.kill('SIGTERM');
    });

    it('a server starts while another process holds the write lock over events not yet projected, and projects them once it is let go', async () => {
      // An event appended by another process that stopped before projecting it.
      const db = openDatabase(dataFile);
      const events = new SqliteEventStore(db);
      const [sample] = (await events.readAll({ after: 0, maxCount: 1, categories: ['hardware'] })).events;
      const serial = 'LOCKEDOUT1';
      await events.append(`hardware-${serial}`, [{ type: sample!.type, data: { ...(sample!.data as object), serial, hardwareId: randomUUID(), assetTag: 'LOCKED-1' } }], 'no_stream');
      db.close();
      const second = await whileWriteLocked(dataFile, async () => {
        const started = await fast.start(dataFile);
        expect((await started.call('GET', `/api/hardware?serial=${serial}`)).body.total, 'not projected while the lock is held').to.equal(0);
        return started;
      });
      let total = 0;
      for (let i = 0; i < 100 && total === 0; i += 1) {
        await sleep(100);
        total = (await second.call('GET', `/api/hardware?serial=${serial}`)).body.total;
      }
      expect(total, 'projected once the lock is let go, with no new event to wake it').to.equal(1);
      await second.kill('SIGTERM');
    });

    it('a CLI import and a server import of the two sources side by side both complete', async () => {
      const [cliRun, served] = await Promise.all([runCliProcess(['import', 'jamf', '--json'], fast.env(dataFile)), server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)]);
      expect(cliRun.code, cliRun.stderr).to.equal(0);
      expect(served.status, served.text).to.equal(200);
      expect(`${cliRun.stderr}${server.lines.join('\n')}`).to.not.match(/database is locked/);
    });
  });

  describe('a full disk', () => {
    let server: ServerProcess;
    before(async () => {
      server = await world.start(world.dataFile('full'), { RUN_LEASE_SECONDS: '2' });
      await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
      expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
    });
    after(() => server.kill('SIGTERM'));

    it('answers writes with a 503 problem and Retry-After, keeps reads working, and /readyz says not writable', async () => {
      limitFileSize(server.pid, 512);
      try {
        const imported = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
        expect(imported.status, imported.text).to.equal(503);
        expect(imported.headers.get('content-type')).to.match(PROBLEM);
        expect(Number(imported.headers.get('retry-after'))).to.be.greaterThan(0);
        expect(imported.body.detail).to.match(/could not be written|is full/);
        expect(imported.body.fix).to.match(/Free space/);
        expect((await editNames(server, 3)).every((s) => s === 503)).to.equal(true);
        const ready = await server.call('GET', '/readyz', { token: null });
        expect(ready.status).to.equal(503);
        expect(ready.body.components[0].detail).to.match(/^not writable/);
        expect((await server.call('GET', '/api/hardware?limit=5')).status).to.equal(200);
      } finally {
        limitFileSize(server.pid, 'unlimited');
      }
      expect((await server.call('GET', '/readyz', { token: null })).status).to.equal(200);
      expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
    });

    it('a run whose failure could not be recorded does not keep its source locked', async () => {
      const pending = server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      for (let i = 0; i < 200; i += 1) {
        const runs = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=intune&limit=1')).body;
        if (runs[0]?.status === 'running' && runs[0].pages >= 1) break;
        await sleep(20);
      }
      limitFileSize(server.pid, 512);
      let answer;
      try {
        answer = await pending;
      } finally {
        limitFileSize(server.pid, 'unlimited');
      }
      expect(answer.status, answer.text).to.equal(503);
      expect(answer.body.result.status).to.equal('failed');
      const runs = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=intune&limit=1')).body;
      expect(runs[0].status, 'its failure could not be written').to.equal('running');
      await sleep(3000); // one 2 s lease, and the sweep after it
      const next = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      expect(next.status, next.text).to.equal(200);
    });
  });

  describe('a store file removed or replaced under the running server', () => {
    const notWritable = async (server: ServerProcess, detail: RegExp) => {
      const { items } = (await server.call('GET', '/api/hardware?limit=1')).body as { items: Array<{ id: string }> };
      const edit = await server.call('PATCH', `/api/hardware/${items[0]!.id}`, { body: { name: `Renamed ${randomUUID()}` } });
      expect(edit.status, edit.text.slice(0, 300)).to.equal(503);
      expect(edit.headers.get('content-type')).to.match(PROBLEM);
      const ready = await server.call('GET', '/readyz', { token: null });
      expect(ready.status).to.equal(503);
      expect(ready.body.components[0].detail).to.match(detail);
      expect((await server.call('GET', '/api/hardware?limit=5')).status, 'reads go on').to.equal(200);
      return ready.body.components[0].detail as string;
    };

    it('its folder removed: writes are refused with a problem that says what to do, and everything it held is saved to put back', async () => {
      const dataFile = world.dataFile('removed');
      const server = await world.start(dataFile);
      let rescued: string;
      try {
        await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
        expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
        expect((await editNames(server, 1))[0]).to.equal(200);
        const records = (await server.call('GET', '/api/hardware?limit=1')).body.total as number;
        const key = readFileSync(join(dirname(dataFile), 'secrets.key'));
        rmSync(dirname(dataFile), { recursive: true });

        const imported = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
        expect(imported.status, imported.text.slice(0, 300)).to.equal(503);
        expect(imported.headers.get('content-type')).to.match(PROBLEM);
        expect(imported.body.detail).to.match(/^DATA_FILE \(.*\) was removed while the server had it open/);
        expect(imported.body.fix).to.match(/everything it holds to .*ontrackio\.sqlite\.rescued-.* Stop the server, move .* to .*, and start it again\./);
        for (let i = 0; i < 100 && !(await notWritable(server, /^not writable: DATA_FILE/)).includes('The server saved'); i += 1) await sleep(50);
        const detail = await notWritable(server, /The server saved everything it holds to /);
        rescued = /to (\S+ontrackio\.sqlite\.rescued-\S+?)\. Stop/.exec(detail)![1]!;
        expect(logRecords(server).filter((l) => l.level === 'error' && /was removed while the server had it open/.test(String(l.detail))).length, 'logged when found, and when saved').to.equal(2);
        expect(existsSync(dataFile), 'no empty store made in its place').to.equal(false);
        await server.kill('SIGTERM');
        const tryStart = () => world.start(dataFile).then((s) => s.kill('SIGTERM').then(() => 'started'), (error: Error) => error.message);
        expect(await tryStart(), 'a restart before the copy is put back').to.match(/DATA_FILE: .* does not exist, but .*\.rescued-.* does: the copy a server saved .* Move that copy to /);
        expect(existsSync(dataFile), 'and no empty store was made').to.equal(false);
        expect(readFileSync(join(dirname(dataFile), 'secrets.key')).equals(key), 'the server wrote the secrets key back').to.equal(true);
        rmSync(join(dirname(dataFile), 'secrets.key'));
        expect(await tryStart(), 'nor without its key').to.match(/does not exist, but .*\.rescued-/);
        expect(existsSync(join(dirname(dataFile), 'secrets.key')), 'nor a new secrets key').to.equal(false);
        writeFileSync(join(dirname(dataFile), 'secrets.key'), key);
        renameSync(rescued, dataFile);
        const restarted = await world.start(dataFile);
        try {
          expect((await restarted.call('GET', '/api/hardware?limit=1')).body.total, 'nothing lost').to.equal(records);
          expect((await restarted.call('GET', '/api/hardware?limit=1')).body.items[0]).to.include({ name: 'Edited 0' });
          const again = await restarted.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
          expect(again.status, again.text.slice(0, 300)).to.equal(200);
        } finally {
          await restarted.kill('SIGTERM');
        }
      } finally {
        await server.kill('SIGTERM');
      }
    });

    it('another file put in its place: that file is left as it is, and moving the server\'s own back lets it write again', async () => {
      const dataFile = world.dataFile('replaced');
      const server = await world.start(dataFile);
      try {
        expect((await server.call('POST', '/api/hardware', { body: { serial: 'REPLACED-1', name: 'x', category: 'other' } })).status).to.equal(201);
        renameSync(dataFile, `${dataFile}.aside`);
        copyFileSync(`${dataFile}.aside`, dataFile);
        const before = readFileSync(dataFile);
        const refused = await server.call('POST', '/api/hardware', { body: { serial: 'REPLACED-2', name: 'x', category: 'other' } });
        expect(refused.status, refused.text.slice(0, 300)).to.equal(503);
        expect(refused.body.detail).to.match(/is no longer the file the server opened: another file was put in its place/);
        expect(refused.body.fix).to.match(/put at .* the store you mean to keep/);
        await notWritable(server, /^not writable: DATA_FILE/);
        expect(readFileSync(dataFile).equals(before), 'the file put in its place is untouched').to.equal(true);
        renameSync(`${dataFile}.aside`, dataFile);
        expect((await server.call('POST', '/api/hardware', { body: { serial: 'REPLACED-2', name: 'x', category: 'other' } })).status).to.equal(201);
        expect((await server.call('GET', '/readyz', { token: null })).status).to.equal(200);
      } finally {
        await server.kill('SIGTERM');
      }
    });
  });

  it('a page of the store damaged on disk: the requests that meet it get a 503 problem that says what to do, not a 500', async () => {
    const dataFile = await importedStore('damaged');
    damageOnePageOf(dataFile, 'register');
    const server = await world.start(dataFile);
    try {
      const search = await server.call('GET', '/api/hardware?q=mac');
      expect(search.status, search.text.slice(0, 300)).to.equal(503);
      expect(search.headers.get('content-type')).to.match(PROBLEM);
      expect(search.body.detail).to.match(/^The embedded store \(DATA_FILE\) is damaged: .* \(SQLITE_CORRUPT\)\.$/);
      expect(search.body.fix).to.match(/keep a copy of DATA_FILE .* restore DATA_FILE from a backup, or recover what can be read/);
      expect((await server.call('GET', '/healthz', { token: null })).status, 'the process itself is fine').to.equal(200);
    } finally {
      await server.kill('SIGTERM');
    }
    const cli = await runCliProcess(['register', '--text', 'mac'], world.env(dataFile));
    expect(cli.code, cli.stderr).to.equal(1);
    expect(cli.stderr).to.match(/^The embedded store \(DATA_FILE\) is damaged: .* Stop the server and keep a copy of DATA_FILE/);
  });

  it('an event whose stored data was damaged: what meets it gets a 503 naming the event, and the server still starts when its projections must read it', async () => {
    const dataFile = await importedStore('damaged-event');
    // Bytes changed under SQLite's checks: its pages read well, the event's JSON does not.
    const db = new Database(dataFile);
    const victim = db.prepare<[], { position: number; stream: string; revision: number }>("SELECT position, stream, revision FROM events WHERE category = 'hardware' ORDER BY position LIMIT 1 OFFSET 100").get()!;
    db.prepare('UPDATE events SET data = substr(data, 1, 100) WHERE position = ?').run(victim.position);
    db.close();
    const said = `The embedded store (DATA_FILE) is damaged: event ${victim.revision} of stream ${victim.stream} holds data that is not JSON`;
    const serial = victim.stream.slice('hardware-'.length);

    const server = await world.start(dataFile);
    try {
      const record = ((await server.call('GET', `/api/hardware?serial=${encodeURIComponent(serial)}`)).body as { items: Array<{ id: string }> }).items[0]!;
      for (const [method, path] of [['GET', `/api/hardware/${record.id}/events`], ['POST', '/api/admin/register/rebuild']] as const) {
        const reply = await server.call(method, path);
        expect([reply.status, reply.body.detail?.startsWith(said)], `${method} ${path}: ${reply.text.slice(0, 300)}`).to.deep.equal([503, true]);
        expect(reply.body.fix).to.match(/keep a copy of DATA_FILE and its -wal file, and restore DATA_FILE from a backup/);
      }
      expect((await server.call('GET', '/api/hardware?limit=1')).status, 'the register it holds is served').to.equal(200);
    } finally {
      await server.kill('SIGTERM');
    }

    // As after an upgrade that drops the register to project it again: the catch-up meets the event.
    const reset = new Database(dataFile);
    reset.exec('DELETE FROM checkpoints');
    reset.close();
    const again = await world.start(dataFile);
    try {
      await sleep(1_500);
      expect((await again.call('GET', '/healthz', { token: null })).status, 'up, not crashed by its subscription').to.equal(200);
      expect((await again.call('GET', '/api/hardware?limit=1')).status).to.equal(200);
      const warned = logRecords(again).find((r) => r.message === 'the register and audit log could not catch up with the events; trying again');
      expect(String(warned?.error)).to.include(said);
    } finally {
      await again.kill('SIGTERM');
    }
  });

  it('a register document damaged on disk: a 503 that says to rebuild, and the rebuild mends it from the events', async () => {
    const dataFile = await importedStore('damaged-document');
    const db = new Database(dataFile);
    const { serial } = db.prepare<[], { serial: string }>('SELECT serial FROM register ORDER BY asset_tag LIMIT 1 OFFSET 10').get()!;
    db.prepare('UPDATE register SET doc = substr(doc, 1, 50) WHERE serial = ?').run(serial);
    db.close();
    const server = await world.start(dataFile);
    try {
      const damaged = await server.call('GET', `/api/hardware?serial=${encodeURIComponent(serial)}`);
      expect([damaged.status, damaged.body.detail]).to.deep.equal([503, 'The embedded store (DATA_FILE) is damaged: a document of the register, the audit log or the settings does not read as JSON.']);
      expect(damaged.body.fix).to.match(/^Rebuild the register and audit log from the events \(POST \/api\/admin\/register\/rebuild/);
      expect((await server.call('POST', '/api/admin/register/rebuild')).status).to.equal(200);
      const mended = await server.call('GET', `/api/hardware?serial=${encodeURIComponent(serial)}`);
      expect([mended.status, mended.body.items?.[0]?.serial]).to.deep.equal([200, serial]);
    } finally {
      await server.kill('SIGTERM');
    }
  });

  describe('secrets key rotation', () => {
    const keyA = randomBytes(32).toString('base64');
    const keyB = randomBytes(32).toString('base64');
    let dataFile: string;

    async function cards(server: ServerProcess) {
      const reply = await server.call('GET', '/api/admin/integrations');
      expect(reply.status, reply.text).to.equal(200);
      return Object.fromEntries((reply.body as Array<{ source: string }>).map((c) => [c.source, c])) as Record<string, any>;
    }

    before(async () => {
      dataFile = world.dataFile('keys');
      const server = await world.start(dataFile, { SECRETS_KEY: keyA });
      await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
      await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() });
      await server.kill('SIGTERM');
    });

    it('another SECRETS_KEY: every screen still answers, the secret reads as unreadable, and a new one can be saved', async () => {
      const server = await world.start(dataFile, { SECRETS_KEY: keyB });
      try {
        const { intune } = await cards(server);
        expect(intune).to.include({ status: 'Not configured', secretStored: false, secretProblem: 'Secret unreadable with the current key: enter it again.' });
        expect(intune.missing).to.include('clientSecret');
        expect((await server.call('GET', '/api/admin/bulk-import/mdm')).status).to.equal(200);
        const test = await server.call('POST', '/api/admin/integrations/intune/test');
        expect(test.status).to.equal(200);
        expect(test.body.ok).to.equal(false);
        const run = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
        expect(run.status).to.equal(409);
        expect(run.body.detail).to.match(/not configured/);
        const saved = await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
        expect(saved.status, saved.text).to.equal(200);
        expect(saved.body).to.include({ status: 'Configured', secretProblem: null });
        expect((await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
      } finally {
        await server.kill('SIGTERM');
      }
    });

    it('SECRETS_KEY_PREVIOUS opens the old secrets and the new key seals them again, so the old key can go', async () => {
      const rotating = await world.start(dataFile, { SECRETS_KEY: keyB, SECRETS_KEY_PREVIOUS: keyA });
      try {
        expect((await cards(rotating)).jamf).to.include({ status: 'Configured', secretProblem: null });
        expect(rotating.lines.join('\n')).to.match(/sealed again with SECRETS_KEY/);
      } finally {
        await rotating.kill('SIGTERM');
      }
      const rotated = await world.start(dataFile, { SECRETS_KEY: keyB });
      try {
        expect((await cards(rotated)).jamf).to.include({ status: 'Configured' });
        expect((await rotated.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT)).status).to.equal(200);
      } finally {
        await rotated.kill('SIGTERM');
      }
    });
  });
});
