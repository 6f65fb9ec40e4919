import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { baseEnv, logRecords, runCliProcess, startServerProcess } from '../reliability/support/server-process.js';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'infrastructure', 'server-main.js');

describe('npm start as a process', function () {
  this.timeout(30_000);

  it('refuses to start on a port in use, saying so, and prints no sign-in token', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-port-'));
    try {
      const child = spawn(process.execPath, [SERVER], { env: { ...process.env, DATA_FILE: join(dir, 'store.sqlite'), PORT: String(port), HOST: '127.0.0.1', API_TOKENS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const [code] = await once(child, 'exit');
      expect(code).to.equal(1);
      expect(stderr).to.match(new RegExp(`PORT: port ${port} on 127\\.0\\.0\\.1 is in use\\. Stop what uses it, or set PORT to a free port\\.`));
      expect(stdout).to.not.match(/listening|Sign-in token/);
    } finally {
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a HOST that is no address or name, naming HOST and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-host-'));
    try {
      for (const host of ['http://0.0.0.0', 'not a host.invalid']) {
        const child = spawn(process.execPath, [SERVER], { env: { ...process.env, DATA_FILE: join(dir, 'store.sqlite'), PORT: '0', HOST: host, API_TOKENS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += c));
        const [code] = await once(child, 'exit');
        expect(code, stderr).to.equal(1);
        expect(stderr).to.include(`HOST: ${JSON.stringify(host)} is not an address, nor a name this machine can resolve (`);
        expect(stderr).to.include('Set HOST to 127.0.0.1, 0.0.0.0 or one of its addresses.');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a DATA_FILE that is not a store, or is a folder, naming DATA_FILE and the fix, and leaves the file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-datafile-'));
    try {
      const notAStore = join(dir, 'notes.txt');
      const bytes = randomBytes(20_000);
      writeFileSync(notAStore, bytes);
      for (const [dataFile, said] of [
        [notAStore, /^DATA_FILE: .*notes\.txt cannot be read as a store \(SQLite: file is not a database \(SQLITE_NOTADB\)\)\. Point DATA_FILE at the store file\./m],
        [dir, /^DATA_FILE: .* could not be opened \(SQLite: unable to open database file \(SQLITE_CANTOPEN\)\): it is a folder, .* Set DATA_FILE to the path of a file/m],
      ] as const) {
        const child = spawn(process.execPath, [SERVER], { env: { ...process.env, DATA_FILE: dataFile, PORT: '0', HOST: '127.0.0.1', API_TOKENS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += c));
        const [code] = await once(child, 'exit');
        expect(code).to.equal(1);
        expect(stderr).to.match(said);
      }
      expect(readFileSync(notAStore).equals(bytes), 'the file is untouched').to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on settings it could never use, naming the variable (not failing every import, or misnaming who did what, later)', async () => {
    const cases = [
      [{ ASSET_TAG_PREFIX: 'Asset Tag #' }, /^ASSET_TAG_PREFIX: Asset tag prefix "Asset Tag #" is not allowed\. Use 1–16 letters, digits or - _ \/ \. starting with a letter or digit/m],
      [{ API_TOKENS: `${'a'.repeat(32)}=ann@acme.example:admin,${'a'.repeat(32)}=ben@acme.example:member` }, /^API_TOKENS: the token for ben@acme\.example \(entry 2\) is also the token of entry 1 \(ann@acme\.example\)\. Give each entry a token of its own/m],
    ] as const;
    for (const [env, said] of cases) {
      const child = spawn(process.execPath, [SERVER], { env: { ...process.env, DATA_FILE: ':memory:', PORT: '0', HOST: '127.0.0.1', API_TOKENS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      const stop = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code] = await once(child, 'exit');
      clearTimeout(stop);
      expect(code, Object.keys(env)[0]).to.equal(1);
      expect(stderr).to.match(said);
    }
  });

  it('refuses at once a DATA_FILE whose folder cannot be made (under /proc, a dangling link, a file), naming DATA_FILE, with or without SECRETS_KEY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-nofolder-'));
    try {
      writeFileSync(join(dir, 'a-file'), '');
      symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
      const folders = [`/proc/ontrackio-${process.pid}`, join(dir, 'dangling'), join(dir, 'a-file')];
      for (const secretsKey of ['', randomBytes(32).toString('base64')]) {
        for (const folder of folders) {
          const dataFile = join(folder, 'store', 'ontrackio.sqlite');
          const child = spawn(process.execPath, [SERVER], { env: { ...process.env, DATA_FILE: dataFile, SECRETS_KEY: secretsKey, PORT: '0', HOST: '127.0.0.1', API_TOKENS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (c) => (stderr += c));
          // Node's own recursive mkdir never returns under /proc: a start that hangs is the failure.
          const hung = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const [code] = await once(child, 'exit');
          clearTimeout(hung);
          const which = `${dataFile}${secretsKey ? ' with SECRETS_KEY' : ''}`;
          expect(code, which).to.equal(1);
          expect(stderr, which).to.match(/^DATA_FILE: .* cannot be (made or read|created: its folder cannot be made) \(E[A-Z]+: .*\)\. Set DATA_FILE to .* a folder this process can make and write/m);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the CLI makes no store: on a DATA_FILE that is not there it refuses, naming DATA_FILE, except to load users; help needs no store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-cli-nostore-'));
    try {
      const dataFile = join(dir, 'typo', 'ontrackio.sqlite');
      const env = { ...process.env, DATA_FILE: dataFile } as Record<string, string>;
      delete env.EVENTSTORE_CONNECTION_STRING;
      delete env.MONGODB_URI;
      for (const args of [['history'], ['register', '--json'], ['rebuild'], ['import', 'intune']]) {
        const run = await runCliProcess(args, env);
        expect(run.code, `${args.join(' ')}: ${run.stdout}${run.stderr}`).to.equal(1);
        expect(run.stderr).to.match(/^DATA_FILE: .*typo.ontrackio\.sqlite does not exist: there is no store there, and the CLI makes none\. Set DATA_FILE to the store file the server uses/);
      }
      for (const args of [['--help'], ['history', '--help'], []]) {
        const run = await runCliProcess(args, env);
        expect(`${run.stdout}${run.stderr}`, args.join(' ')).to.match(/Usage: ontrackio-mdm/);
      }
      expect(existsSync(dirname(dataFile)), 'no store, nor its folder, was made').to.equal(false);
      const users = join(dir, 'users.csv');
      writeFileSync(users, 'email,displayName,active\nalice@acme.example,Alice,true\n');
      const loaded = await runCliProcess(['users', 'load', users], env);
      expect(loaded.code, loaded.stderr).to.equal(0);
      expect(existsSync(dataFile), 'users load makes the store: people come before the first import').to.equal(true);
      const history = await runCliProcess(['history', '--json'], env);
      expect(history.code, history.stderr).to.equal(0);
      expect(JSON.parse(history.stdout)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('users load reads a UTF-16 export and a changed email; it refuses a workbook, another encoding, no users or one user twice, saying what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-users-file-'));
    try {
      const env = { ...process.env, DATA_FILE: join(dir, 'store.sqlite') } as Record<string, string>;
      delete env.EVENTSTORE_CONNECTION_STRING;
      delete env.MONGODB_URI;
      const file = (name: string, bytes: Buffer) => (writeFileSync(join(dir, name), bytes), join(dir, name));
      const unicodeText = file('unicode.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,displayName\r\nzoe@acme.example,Zoë Martin\r\n', 'utf16le')]));
      const loaded = await runCliProcess(['users', 'load', unicodeText], env);
      expect([loaded.code, loaded.stdout.trim()], loaded.stderr).to.deep.equal([0, `Loaded 1 user from ${unicodeText}.`]);

      for (const [name, bytes, said] of [
        ['users.xlsx', Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), randomBytes(200)]), 'the file: is a spreadsheet workbook (.xlsx, .ods), not CSV.'],
        ['latin1.csv', Buffer.from('email,displayName\nzoe@acme.example,Zo\xeb Martin\n', 'latin1'), 'the file: is not text in UTF-8 or UTF-16 (Excel\'s plain "CSV" writes another encoding).'],
        ['empty.csv', Buffer.from('email,displayName\r\n'), 'the file: holds no users. Give an export with a header row and at least one user.'],
        ['twice.csv', Buffer.from('email,active\nbob@acme.example,true\nann@acme.example,true\nBob@Acme.example,false\n'), 'line 4: email "bob@acme.example" is also on line 2. Keep one row per user.'],
      ] as const) {
        const path = file(name, bytes);
        const refused = await runCliProcess(['users', 'load', path], env);
        expect([refused.code, refused.stdout], name).to.deep.equal([1, '']);
        expect(refused.stderr, name).to.include(`${path}, ${said}`);
      }

      // The directory's next export, after Zoë's email changed: same id, new address.
      for (const email of ['zoe.martin@acme.example', 'zoe.dubois@acme.example']) {
        const again = await runCliProcess(['users', 'load', file('export.csv', Buffer.from(`id,email,displayName\nu-17,${email},Zoë\n`))], env);
        expect([again.code, again.stderr], email).to.deep.equal([0, '']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs one JSON line per request with its id, echoes X-Request-Id, and puts the id in every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-reqid-'));
    const server = await startServerProcess(baseEnv(join(dir, 'store.sqlite'), join(dir, 'none.pem')));
    try {
      const given = await server.call('GET', '/api/hardware/nope', { headers: { 'X-Request-Id': 'support-case-4711' } });
      expect(given.headers.get('x-request-id')).to.equal('support-case-4711');
      expect(given.body).to.include({ status: 404, requestId: 'support-case-4711' });
      const minted = await server.call('GET', '/api/hardware?limit=1', { headers: { 'X-Request-Id': 'not ok; drop table' } });
      expect(minted.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      const anonymous = await server.call('GET', '/api/admin/integrations', { token: null });
      expect(anonymous.body.requestId).to.equal(anonymous.headers.get('x-request-id'));
      await sleep(100);
      const lines = server.lines.filter((l) => l.includes('support-case-4711')).map((l) => JSON.parse(l));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.deep.include({ level: 'warn', message: 'GET /api/hardware/nope 404' });
      expect(lines[0].req).to.deep.equal({ id: 'support-case-4711', method: 'GET', url: '/api/hardware/nope' });
      expect(server.lines.join('\n')).to.not.match(/reliability-admin-token/);
    } finally {
      await server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bounds its heap growth, and says so in its start-up line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-heap-'));
    const server = await startServerProcess(baseEnv(join(dir, 'store.sqlite'), join(dir, 'none.pem')));
    try {
      const started = logRecords(server).find((l) => l.message === 'OnTrackio MDM import listening');
      expect(started).to.deep.include({ heapGrowthPercent: 50 });
    } finally {
      await server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps an idle connection for HTTP_KEEP_ALIVE_SECONDS, then closes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-keepalive-'));
    const server = await startServerProcess(baseEnv(join(dir, 'store.sqlite'), join(dir, 'none.pem'), { HTTP_KEEP_ALIVE_SECONDS: '2' }));
    try {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      let answers = '';
      socket.on('data', (chunk) => (answers += chunk));
      const closed = once(socket, 'close');
      const ask = async () => {
        const before = answers.length;
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        while (!answers.slice(before).includes('{"status":"ok"}')) await sleep(10);
      };
      await ask();
      await sleep(1_200);
      await ask();
      expect(answers.match(/HTTP\/1\.1 200/g), 'two answers on one connection').to.have.length(2);
      expect(answers).to.include('Keep-Alive: timeout=2');
      const closedWithin = await Promise.race([closed.then(() => true), sleep(3_000).then(() => false)]);
      expect(closedWithin, 'closed by the server after 2 s idle').to.equal(true);
    } finally {
      await server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the admin page and every browser module it imports, its view library included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-page-'));
    const server = await startServerProcess(baseEnv(join(dir, 'store.sqlite'), join(dir, 'none.pem')));
    try {
      const page = await server.call('GET', '/', { token: null });
      const entry = /<script type="module" src="([^"]+)"/.exec(page.text)?.[1];
      expect(entry, 'the page names its script').to.be.a('string');
      // Follows every static import from the entry module, as the browser does.
      const seen = new Set<string>();
      const queue = [new URL(entry!, 'http://page/').pathname];
      while (queue.length) {
        const path = queue.shift()!;
        if (seen.has(path)) continue;
        seen.add(path);
        const module = await server.call('GET', path, { token: null });
        expect(module.status, path).to.equal(200);
        expect(module.headers.get('content-type'), path).to.match(/^(text|application)\/javascript/);
        for (const [, specifier] of module.text.matchAll(/(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["']([^"']+)["']/g)) {
          queue.push(new URL(specifier!, `http://page${path}`).pathname);
        }
      }
      expect([...seen].some((path) => path.startsWith('/vendor/lit-html/')), 'lit-html is served from the installed package').to.equal(true);
    } finally {
      await server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
