import { expect } from 'chai';
import { userInfo } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { operatorIdentity, OutputClosed, runCli, type CliServices } from '../../src/adapters/driving/cli/cli.js';
import { runDetail } from '../../src/adapters/driving/cli/format.js';
import { progressBar, progressLines } from '../../src/adapters/driving/cli/progress.js';
import type { SqliteUserDirectory } from '../../src/adapters/driven/sqlite/sqlite-user-directory.js';
import type { HardwareHistory } from '../../src/application/queries/hardware-history.js';
import { TOKENS } from '../../src/application/tokens.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { latitude, macbook } from '../support/mothers.js';

describe('CLI', () => {
  let app: EmbeddedApp;
  let dir: string;
  let out: string[];
  let err: string[];
  let progress: string[];
  let pieces: string[];
  const cli = (...args: string[]) => runCli(args, async () => services(), { out: (t) => out.push(t), write: async (t) => void pieces.push(t), err: (t) => err.push(t), progress: () => progressLines((t) => progress.push(t)) });
  const services = (): CliServices => ({
    importer: app.importer,
    previewer: app.previewer,
    history: app.history,
    hardwareHistory: app.container.get<HardwareHistory>(TOKENS.HardwareHistory),
    register: app.register,
    projections: app.projections,
    users: app.container.get<SqliteUserDirectory>(TOKENS.UserDirectory),
  });

  beforeEach(() => {
    app = new EmbeddedApp({ jamf: () => [macbook(), macbook({ sourceDeviceId: '9', serialNumber: '' })], intune: () => [latitude()] }, {}, 1);
    dir = mkdtempSync(join(tmpdir(), 'ontrackio-cli-'));
    out = [];
    err = [];
    progress = [];
    pieces = [];
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a source, printing progress and the banner', async () => {
    expect(await cli('import', 'jamf', '--by', 'ops@acme.example')).to.equal(0);
    expect(progress).to.deep.equal([
      'page 1: 1 devices read (1 created, 0 updated, 0 unchanged, 0 skipped, 0 errors)',
      'page 2: 2 devices read (1 created, 0 updated, 0 unchanged, 1 skipped, 0 errors)',
    ]);
    expect(out[0]).to.match(/^Jamf Pro import completed in .*\n {2}1 created, 0 updated, 0 unchanged, 1 skipped, 0 errors, 0 newly missing\n {2}skipped: 1 no-serial/);
  });

  it('draws a progress bar on a terminal: devices read of the total the MDM announced, with counts so far', () => {
    let drawn = '';
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    terminal.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const bar = progressBar(terminal);
    const counts = { created: 590, updated: 0, unchanged: 0, skipped: 10, errors: 0, missing: 0 };
    bar.started!({ runId: 'r1', source: 'jamf', startedAt: '2026-11-28T09:00:00.000Z' });
    bar.progress!({ runId: 'r1', page: 3, devicesRead: 600, announcedTotal: 1000, counts });
    bar.stop();
    expect(drawn).to.match(/jamf \[[=-]+\] 600\/1000 devices \| 590 created, 0 updated, 0 unchanged, 10 skipped, 0 errors/);
  });

  it('previews an import with --dry-run: each field old → new, nothing written', async () => {
    await cli('import', 'jamf');
    app.fleets.jamf = () => [macbook({ osVersion: '15.1' })];
    const before = (await app.store.readAll({ after: 0, maxCount: 10_000 })).events.filter((e) => e.stream.startsWith('hardware-')).length;
    out = [];
    expect(await cli('import', 'jamf', '--dry-run')).to.equal(0);
    expect(out[0]).to.match(/^Preview of an import from Jamf Pro \(nothing was changed\): 0 created, 1 updated, 0 unchanged, 0 skipped, 0 errors, 0 newly missing/);
    expect(out[0]).to.match(/update {2}C02XK1JHJGH5 +HW-00001 OS version 15\.0 → 15\.1/);
    const after = (await app.store.readAll({ after: 0, maxCount: 10_000 })).events.filter((e) => e.stream.startsWith('hardware-')).length;
    expect(after).to.equal(before);
    out = [];
    expect(await cli('history', '--json')).to.equal(0);
    expect(JSON.parse(out[0]!)[0]).to.include({ kind: 'preview', status: 'completed' });
    out = [];
    expect(await cli('history')).to.equal(0);
    expect(out[0]!.split('\n')[0]).to.match(/jamf +completed .* preview, nothing changed$/);
  });

  it('records the OS account that ran an import, and a --by email only as stated, refusing one that is not an email', async () => {
    expect(await cli('import', 'jamf', '--by', 'not an email')).to.equal(2);
    expect(err.join('\n')).to.match(/--by "not an email" is not an email address/);
    expect(await cli('import', 'jamf', '--by', 'Ops@Acme.example', '--json')).to.equal(0);
    const { triggeredBy } = JSON.parse(out.pop()!);
    expect(triggeredBy).to.equal(`ops@acme.example (stated with --by; ran as cli:${userInfo().username})`);
    expect(operatorIdentity(undefined, 'svc-import')).to.equal('cli:svc-import');
  });

  it('gives every command a --json form', async () => {
    await cli('import', 'jamf', '--json');
    const result = JSON.parse(out.pop()!);
    expect(result).to.include({ source: 'jamf', status: 'completed' });
    await cli('history', '--json', '--source', 'jamf');
    expect(JSON.parse(out.pop()!)[0]).to.include({ runId: result.runId });
    await cli('import', 'jamf', '--json');
    const second = JSON.parse(out.pop()!);
    expect(await cli('history', '--json', '--limit', '1')).to.equal(0);
    expect(JSON.parse(out.pop()!).map((r: { runId: string }) => r.runId)).to.deep.equal([second.runId]);
    await cli('history', result.runId, '--json');
    expect(JSON.parse(pieces.join('')).outcomes).to.have.length(2);
    pieces = [];
    await cli('history', result.runId, '--outcome', 'skipped,error', '--json');
    expect(JSON.parse(pieces.join('')).outcomes.map((o: { outcome: string }) => o.outcome)).to.deep.equal(['skipped']);
    pieces = [];
    await cli('history', result.runId, '--outcome', 'skipped,error');
    expect(pieces.join('').split('\n')[1], 'an entry without a serial is named as the MDM lists it').to.equal(
      '  skipped   (no serial)       Alice-MBP [9] no-serial the MDM reports no serial number',
    );
    await cli('register', '--json', '--text', 'macbook');
    expect(JSON.parse(out.pop()!)).to.include({ total: 1 });
    await cli('rebuild', '--json');
    expect(JSON.parse(out.pop()!).events).to.be.greaterThan(0);
  });

  describe("one record's events (events <serial>)", () => {
    it('given a Mac imported, updated by its MDM and edited by hand, when its serial is typed in any case, then each event is a line saying what changed, from what to what, and by which run or person', async () => {
      app.loadUsers([{ id: 'u-alice', email: 'alice@acme.example', displayName: 'Alice Martin', active: true }]);
      await cli('import', 'jamf', '--json');
      const first = JSON.parse(out.pop()!).runId;
      app.fleets.jamf = () => [macbook({ osVersion: '15.1' })];
      await cli('import', 'jamf', '--json');
      const second = JSON.parse(out.pop()!).runId;
      const record = (await app.register.bySerial('C02XK1JHJGH5'))!;
      await app.edits.edit(record.id, { status: 'in_repair', cpu: 'M3 Pro' }, 'ops@acme.example');

      expect(await cli('events', ' c02xk1jhjgh5 ')).to.equal(0);
      const lines = out.pop()!.split('\n');
      expect(lines[0]).to.equal(`HW-00001 Alice's MacBook Pro (serial C02XK1JHJGH5): 3 events, oldest first`);
      expect(lines.slice(1).map((l) => l.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, '<time>'))).to.deep.equal([
        `    0  <time>  HardwareImported         imported from Jamf Pro as HW-00001 "Alice's MacBook Pro", assigned to alice@acme.example (run ${first})`,
        `    1  <time>  HardwareIdentityUpdated  osVersion 15.0 → 15.1, from Jamf Pro (run ${second})`,
        '    2  <time>  HardwareDetailsEdited    edited by ops@acme.example: status assigned → in_repair; cpu (none) → M3 Pro',
      ]);
    });

    it('given a record imported once, then its heading counts 1 event', async () => {
      await cli('import', 'jamf', '--json');
      out.pop();
      expect(await cli('events', 'C02XK1JHJGH5')).to.equal(0);
      expect(out.pop()!.split('\n')[0]).to.equal('HW-00001 Alice-MBP (serial C02XK1JHJGH5): 1 event, oldest first');
    });

    it('given --json, then it prints the record and the events the API gives for it', async () => {
      await cli('import', 'jamf', '--json');
      out.pop();
      const record = (await app.register.bySerial('C02XK1JHJGH5'))!;
      expect(await cli('events', 'C02XK1JHJGH5', '--json')).to.equal(0);
      expect(JSON.parse(out.pop()!)).to.deep.equal({
        hardwareId: record.id, serial: 'C02XK1JHJGH5', assetTag: 'HW-00001',
        events: await app.container.get<HardwareHistory>(TOKENS.HardwareHistory).of(record.id),
      });
    });

    it('given a serial the register does not hold, or one that is not a serial, then it says so with exit code 2 and what to do', async () => {
      expect(await cli('events', 'NOPE123')).to.equal(2);
      expect(err.pop()).to.equal('No hardware record has serial NOPE123. Search the register with: ontrackio-mdm register --text "NOPE123"');
      expect(await cli('events', 'C02\u0007X')).to.equal(2);
      expect(err.pop()).to.match(/^<serial>: serial "C02\\u0007X" is not a usable serial \(.*\)\. Type the serial as printed on the device\.$/);
      expect(await cli('events', 'To be filled by O.E.M.')).to.equal(2);
      expect(err.pop()).to.equal('<serial>: "To be filled by O.E.M." is not a serial. Type the serial as printed on the device.');
    });

    it('given the asset tag or the id of a record instead of its serial, then it names the serial to use', async () => {
      await cli('import', 'jamf', '--json');
      out.pop();
      const record = (await app.register.bySerial('C02XK1JHJGH5'))!;
      expect(await cli('events', ' hw-00001 ')).to.equal(2);
      expect(err.pop()).to.equal('hw-00001 is the asset tag of HW-00001, whose serial is C02XK1JHJGH5: ontrackio-mdm events C02XK1JHJGH5');
      expect(await cli('events', record.id)).to.equal(2);
      expect(err.pop()).to.equal(`${record.id} is the id of HW-00001, whose serial is C02XK1JHJGH5: ontrackio-mdm events C02XK1JHJGH5`);
    });
  });

  describe('one run in full (history <runId>)', () => {
    /** A run of 20 devices, one a page: its events are read in three pieces. */
    async function runOfTwentyPages(): Promise<string> {
      app.fleets.jamf = () => Array.from({ length: 20 }, (_, i) => macbook({ sourceDeviceId: String(i), serialNumber: `C02SERIAL${String(i).padStart(3, '0')}`, deviceName: `Mac ${i}` }));
      await cli('import', 'jamf', '--json');
      const { runId } = JSON.parse(out.pop()!);
      return runId;
    }

    it('given a run of many pages, when it is printed as JSON, then its devices are written piece by piece as read, laid out as --json lays out the rest', async () => {
      const runId = await runOfTwentyPages();
      expect(await cli('history', runId, '--json')).to.equal(0);
      expect(out, 'nothing held back to print whole').to.deep.equal([]);
      expect(pieces.length, 'written as the events are read, 8 at a time').to.be.greaterThan(2);
      const whole = (await app.history.run(runId))!;
      expect(JSON.parse(pieces.join(''))).to.deep.equal(whole);
      const { outcomes, ...rest } = whole;
      expect(pieces.join('')).to.equal(`${JSON.stringify({ outcomes, ...rest }, null, 2)}\n`);
    });

    it('given a run of many pages, when it is printed as text, then its summary comes first and its devices follow as read', async () => {
      const runId = await runOfTwentyPages();
      expect(await cli('history', runId)).to.equal(0);
      expect(out).to.deep.equal([]);
      expect(pieces.length).to.be.greaterThan(2);
      const whole = (await app.history.run(runId))!;
      expect(pieces.join('')).to.equal(`${runDetail(whole)}\n`);
      await cli('history', '--source', 'jamf');
      expect(pieces[0]).to.equal(`${out.pop()!.split('\n')[0]}\n`);
    });

    it('given output that fails part-way, then the failure is said on stderr and the exit is 1, with nothing appended to what was written', async () => {
      const runId = await runOfTwentyPages();
      let writes = 0;
      const failing = (error: Error) => runCli(['history', runId, '--json'], async () => services(), {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        write: async (t) => {
          if (++writes > 1) throw error;
          pieces.push(t);
        },
      });
      expect(await failing(new Error('ENOSPC: no space left on device, write'))).to.equal(1);
      expect(err.at(-1)).to.equal('The output stopped part-way, so what was written is incomplete: ENOSPC: no space left on device, write. Run the command again once that is fixed.');
      expect(out, 'no JSON error after half a document').to.deep.equal([]);
      writes = 0;
      err = [];
      expect(await failing(new OutputClosed()), 'a reader that stopped reading, as `| head` does: the status SIGPIPE gives').to.equal(141);
      expect(err).to.deep.equal([]);
    });
  });

  it('loads users from CSV and JSON, which assignment then matches', async () => {
    const csv = join(dir, 'users.csv');
    writeFileSync(csv, 'email,displayName,active\n" Alice@Acme.example ","Alice Martin",yes\nbob@acme.example,Bob,false\n');
    expect(await cli('users', 'load', csv)).to.equal(0);
    expect(out[0]).to.equal(`Loaded 2 users from ${csv}.`);
    const json = join(dir, 'users.json');
    writeFileSync(json, JSON.stringify([{ email: 'carol@acme.example', displayName: 'Carol' }]));
    expect(await cli('users', 'load', json, '--json')).to.equal(0);
    await cli('import', 'jamf');
    expect(await app.register.bySerial('C02XK1JHJGH5')).to.deep.include({ status: 'assigned', name: "Alice's MacBook Pro" });
  });

  it('loads the next export of the directory over the last: a changed email keeps the id, an email given to another id moves', async () => {
    const directory = app.container.get<SqliteUserDirectory>(TOKENS.UserDirectory);
    const load = async (rows: string) => {
      writeFileSync(join(dir, 'export.csv'), `id,email,displayName\n${rows}`);
      expect(await cli('users', 'load', join(dir, 'export.csv'))).to.equal(0);
    };
    await load('u-1,alice.smith@acme.example,Alice\nu-2,bob@acme.example,Bob\n');
    await load('u-1,alice.jones@acme.example,Alice\nu-3,bob@acme.example,Robert\n');
    const found = await directory.findActiveByEmails(['alice.smith@acme.example', 'alice.jones@acme.example', 'bob@acme.example']);
    expect([...found.values()].map(({ id, email }) => `${id} ${email}`).sort()).to.deep.equal(['u-1 alice.jones@acme.example', 'u-3 bob@acme.example']);
  });

  it('refuses a users file with a bad row, naming the line and the field, and loads nothing', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'email,active\nok@acme.example,true\nnot-an-email,true\n');
    expect(await cli('users', 'load', csv)).to.equal(1);
    expect(err[0]).to.match(/bad\.csv, line 3: email "not-an-email" is not an email address/);
    expect((await app.container.get<SqliteUserDirectory>(TOKENS.UserDirectory).findActiveByEmails(['ok@acme.example'])).size).to.equal(0);
  });

  it('refuses a JSON users file whose values nest 6,000 deep, naming the row and the field, not the parser\'s stack', async () => {
    const deep = '['.repeat(6_000) + ']'.repeat(6_000);
    for (const [row, pattern] of [
      [`{"email":"ok@acme.example","active":${deep}}`, /deep\.json, item 1: active \[{120}… is not true or false/],
      [`{"email":${deep}}`, /deep\.json, item 1: email \[{120}… is not an email address/],
    ] as const) {
      const json = join(dir, 'deep.json');
      writeFileSync(json, `[${row}]`);
      expect(await cli('users', 'load', json)).to.equal(1);
      expect(err.at(-1)).to.match(pattern);
    }
  });

  it('explains usage mistakes with exit code 2', async () => {
    expect(await cli('import', 'kandji')).to.equal(2);
    expect(err[0]).to.match(/Source "kandji" is not one of intune, jamf/);
    expect(await cli('frobnicate')).to.equal(2);
    expect(await cli('history', 'no-such-run')).to.equal(2);
    expect(await cli()).to.equal(2);
    expect(await cli('--help')).to.equal(0);
    expect(out.at(-1)).to.match(/^Usage: ontrackio-mdm/);
  });

  it('has help for every command, answers an unknown option in one line, and refuses values the API refuses', async () => {
    expect(await cli('import', '--help')).to.equal(0);
    expect(out.at(-1)).to.match(/^Usage: ontrackio-mdm import \[options\] <source>/);
    expect(await cli('help', 'register')).to.equal(0);
    expect(out.at(-1)).to.match(/--limit <n>/);
    expect(await cli('register', '--bogus')).to.equal(2);
    expect(err.at(-1)).to.equal("error: unknown option '--bogus'");
    for (const [args, pattern] of [
      [['register', '--limit', '5000'], /--limit: limit must not be greater than 1000/],
      [['register', '--status', 'bogus'], /--status: status must be one of the following values/],
      [['register', '--missing-from', 'kandji'], /^--missing-from: missing-from must be one of the following values: intune, jamf$/],
      [['register', '--text', 'x'.repeat(201)], /^--text: text must be shorter than or equal to 200 characters$/],
      [['register', '--serial', ''], /^--serial: serial is blank: give the serial, or leave the filter out to list every record$/],
      [['register', '--assignee', ' '], /^--assignee: assignee is blank: give the assignee's email, or leave the filter out/],
      [['register', '--offset', '99999999999999999999'], /--offset/],
      [['history', '--from', 'yesterday'], /^--from: from "yesterday" is not a date or a time\. Give a date \(2026-12-01, the whole day in UTC\)/],
      [['history', '--from', '2026-12-07', '--to', '2026-12-06'], /^--to: to \(2026-12-06T23:59:59\.999Z\) is before from \(2026-12-07T00:00:00\.000Z\)\. Give a to at or after from/],
      [['history', '--source', 'kandji'], /--source: source must be one of the following values: intune, jamf/],
      [['history', 'some-run', '--outcome', 'failed'], /--outcome: outcome must be one or more of created, updated, unchanged, skipped, error/],
      [['history', '--outcome', 'error'], /--outcome picks the devices of one run: give its run id first/],
    ] as const) {
      expect(await cli(...args), args.join(' ')).to.equal(2);
      expect(err.at(-1)).to.match(pattern);
    }
  });

  it('answers errors under --json as JSON', async () => {
    expect(await cli('register', '--limit', '5000', '--json')).to.equal(2);
    expect(JSON.parse(out.at(-1)!)).to.deep.equal({ error: { message: '--limit: limit must not be greater than 1000', exitCode: 2 } });
    expect(await cli('users', 'load', join(dir, 'missing.csv'), '--json')).to.equal(1);
    expect(JSON.parse(out.at(-1)!).error.message).to.match(/missing\.csv, the file: no such file/);
  });

  it('reads users from a real export: BOM, header names in any case, ; separators, quoted fields, blank lines', async () => {
    const csv = join(dir, 'export.csv');
    writeFileSync(csv, '\uFEFFEmail;Display Name;Active\r\n\r\n"alice@acme.example";"Martin; Alice";Yes\r\n\r\nbob@acme.example;Bob;no\r\n');
    expect(await cli('users', 'load', csv)).to.equal(0);
    expect(out.at(-1)).to.equal(`Loaded 2 users from ${csv}.`);
    const directory = app.container.get<SqliteUserDirectory>(TOKENS.UserDirectory);
    expect((await directory.findActiveByEmails(['alice@acme.example'])).get('alice@acme.example')).to.deep.include({ displayName: 'Martin; Alice' });
    writeFileSync(csv, 'email,active\n\nok@acme.example,true\n\n\nnope,true\n');
    expect(await cli('users', 'load', csv)).to.equal(1);
    expect(err.at(-1)).to.match(/export\.csv, line 6: email "nope" is not an email address/);
    expect(await cli('users', 'load', join(dir, 'missing.csv'))).to.equal(1);
    expect(err.at(-1)).to.equal(`${join(dir, 'missing.csv')}, the file: no such file. Give the path of a CSV or JSON export.`);
  });

  it('exits 1 and prints the partial banner when the run fails half-way', async () => {
    app.fleets.intune = {
      name: 'intune',
      async *devices() {
        yield { devices: [latitude()] };
        throw new Error('Microsoft Graph answered 401');
      },
    };
    expect(await cli('import', 'intune')).to.equal(1);
    expect(out[0]).to.match(/Microsoft Intune import failed .*\n {2}1 created.*\n {2}stopped: Microsoft Graph answered 401/);
  });
});
