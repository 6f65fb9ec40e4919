import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';
import { banner } from '../src/adapters/driving/cli/format.js';
import type { ImportResult } from '../src/application/commands/import-result.js';
import { userOf } from '../test/emulators/intune/graph-fleet.js';
import { spawnEmulators, type EmulatorProcess } from '../test/emulators/spawn.js';

/**
 * `npm run demo`: both MDM emulators with realistic fleets, a set of users, the API and admin page
 * on the embedded store, both connectors configured and tested, both imports run. Run it again and
 * the re-run reads unchanged. Ctrl-C stops everything.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    'data-dir': { type: 'string', default: 'data' },
    once: { type: 'boolean', default: false },
    'intune-devices': { type: 'string', default: '3000' },
    'jamf-computers': { type: 'string', default: '1000' },
    'jamf-mobiles': { type: 'string', default: '500' },
  },
});
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = resolve(values['data-dir']!);
const dataFile = join(dataDir, 'demo.sqlite');
const token = randomBytes(24).toString('base64url');
const children: ChildProcess[] = [];
let emulators: EmulatorProcess | null = null;

const say = (text: string) => process.stdout.write(`${text}\n`);

/** Users the assignment matches: most active, every twentieth missing, every twentieth-plus-one inactive. */
function writeUsers(count: number): string {
  const file = join(dataDir, 'demo-users.csv');
  const lines = ['email,displayName,active'];
  for (let i = 0; i < count; i += 1) {
    if (i % 20 === 0) continue;
    const user = userOf(i, 'acme.example');
    lines.push(`${user.upn},${user.displayName},${i % 20 === 1 ? 'false' : 'true'}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

async function startApi(env: NodeJS.ProcessEnv): Promise<{ url: string; server: ChildProcess }> {
  const server = spawn(process.execPath, [join(root, 'dist/src/infrastructure/server-main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(server);
  const lines = createInterface({ input: server.stdout! });
  return new Promise((resolvePromise, reject) => {
    server.once('exit', (code) => reject(new Error(`The API exited (${code}) before it listened.`)));
    lines.on('line', (line) => {
      try {
        const record = JSON.parse(line) as { message?: string; url?: string };
        if (record.message === 'OnTrackio MDM import listening' && record.url) resolvePromise({ url: record.url, server });
      } catch {
        // not a log line
      }
    });
  });
}

async function stopApi(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolvePromise) => server.once('exit', resolvePromise));
  server.kill('SIGTERM');
  await exited;
}

async function api(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok && !(data as { result?: unknown }).result) throw new Error(`${method} ${path}: ${(data as { detail?: string }).detail ?? response.status}`);
  return data;
}

/** Follows a run's Server-Sent Events, printing its progress, until the `end` event brings the banner. */
async function followRun(url: string, location: string): Promise<ImportResult> {
  const response = await fetch(`${url}${location}/stream`, { headers: { authorization: `Bearer ${token}` } });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(message)?.[1];
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (!data) continue;
      if (event === 'end') return JSON.parse(data) as ImportResult;
      if (event === 'progress') {
        const p = JSON.parse(data) as { devicesRead: number; total: number | null; pages: number };
        if (p.devicesRead > 0) say(`  page ${p.pages}: ${p.devicesRead}${p.total !== null ? ` of ${p.total}` : ''} devices read`);
      }
    }
  }
  throw new Error(`The event stream of ${location} ended before the run did.`);
}

/**
 * Three devices are wiped and removed from Intune: the next run flags them missing (nothing else of
 * them changes), and once Intune lists them again they are seen again, so the next demo starts clean.
 */
async function showDevicesLeaving(url: string, intuneUrl: string, caFile: string): Promise<void> {
  const trust = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
  const retire = async (serials: string[]) => {
    await fetch(`${intuneUrl}/_emulator/retired`, { method: 'PUT', body: JSON.stringify({ serials }), dispatcher: trust } as RequestInit);
  };
  const { items } = (await api(url, 'GET', '/api/hardware?source=intune&sort=serial&limit=3')) as { items: Array<{ serial: string }> };
  const serials = items.map((r) => r.serial);
  await retire(serials);
  say(`\nIntune no longer lists ${serials.join(', ')} (wiped and removed). Importing again, waiting for the banner (Prefer: wait=600):`);
  say(banner((await api(url, 'POST', '/api/admin/bulk-import/mdm/intune', undefined, { prefer: 'wait=600' })) as ImportResult));
  const missing = (await api(url, 'GET', '/api/hardware?missingFrom=intune')) as { total: number };
  say(`GET /api/hardware?missingFrom=intune → ${missing.total} records`);
  await retire([]);
  const back = (await api(url, 'POST', '/api/admin/bulk-import/mdm/intune', undefined, { prefer: 'wait=600' })) as ImportResult;
  say(`Intune lists them again: the next run records them as seen again (${back.counts.updated} updated, ${back.counts.missing} newly missing).`);
  await trust.close();
}

type SourceCard = { source: string; schedule: { lastScheduledRun: { status: string; runId: string; startedAt: string } | null; nextRunAt: string | null } };

/**
 * Jamf Pro synced every hour. The server checks the schedules as it starts, so a run that is due
 * starts at once; one that is not (an earlier demo's scheduled run was under an hour ago) is shown
 * with when it is due, never passed off as this demo's.
 */
async function showScheduledRun(url: string, since: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const jamf = ((await api(url, 'GET', '/api/admin/bulk-import/mdm')) as SourceCard[]).find((s) => s.source === 'jamf')!;
    const { lastScheduledRun: last, nextRunAt } = jamf.schedule;
    if (last && last.startedAt >= since && last.status !== 'running') {
      say(`Scheduled run ${last.runId} (triggered by schedule, ${last.startedAt}): ${last.status}. Next scheduled run: ${nextRunAt}.`);
      return;
    }
    if (i === 0 && last && last.startedAt < since && nextRunAt && nextRunAt > new Date().toISOString()) {
      say(`Not due yet: the last scheduled run, ${last.runId} (${last.startedAt}), ${last.status}. Next scheduled run: ${nextRunAt}.`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('No scheduled run started within a minute.');
}

async function stopAll(): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await emulators?.stop();
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  say('Starting the Microsoft Intune (Entra ID + Graph) and Jamf Pro emulators…');
  emulators = await spawnEmulators([
    '--ca-file', join(dataDir, 'emulators-ca.pem'),
    '--intune-devices', values['intune-devices']!, '--jamf-computers', values['jamf-computers']!, '--jamf-mobiles', values['jamf-mobiles']!,
  ]);
  const { served } = emulators;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_FILE: dataFile, NODE_EXTRA_CA_CERTS: served.caFile, API_TOKENS: `${token}=demo-admin@acme.example:admin`, PORT: values.port, HOST: '127.0.0.1' };
  delete env.EVENTSTORE_CONNECTION_STRING;
  delete env.MONGODB_URI;

  const users = writeUsers(Number(values['intune-devices']) + Number(values['jamf-mobiles']));
  say((await run([join(root, 'bin/ontrackio-mdm.js'), 'users', 'load', users], env)).trim());

  // No schedule checks until the connectors point at these emulators: a schedule an earlier demo left
  // on would otherwise start a run at once, against that demo's emulators, long gone.
  const first = await startApi({ ...env, SCHEDULE_CHECK_SECONDS: '0' });
  let url = first.url;
  await api(url, 'PUT', '/api/admin/integrations/intune', { enabled: true, tenantId: served.intune.tenantId, clientId: served.intune.clientId, clientSecret: served.intune.clientSecret, authorityHost: served.intune.url, graphBaseUrl: served.intune.url });
  await api(url, 'PUT', '/api/admin/integrations/jamf', { enabled: true, tenantUrl: served.jamf.url, clientId: served.jamf.clientId, clientSecret: served.jamf.clientSecret });
  for (const source of ['intune', 'jamf'] as const) {
    const check = await api(url, 'POST', `/api/admin/integrations/${source}/test`);
    say(`Test connection (${source}): ${check.message}`);
  }
  for (const source of ['intune', 'jamf'] as const) {
    const started = await fetch(`${url}/api/admin/bulk-import/mdm/${source}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const location = started.headers.get('location');
    if (started.status !== 202) throw new Error(`POST /api/admin/bulk-import/mdm/${source}: ${((await started.json()) as { detail?: string }).detail ?? started.status}`);
    say(`\n${source}: run started in the background (202, Location: ${location})`);
    say(banner(await followRun(url, location!)));
  }
  await showDevicesLeaving(url, served.intune.url, served.caFile);
  await api(url, 'PUT', '/api/admin/integrations/jamf/schedule', { kind: 'every', hours: 1 });
  say('\nJamf Pro scheduled: every hour. Restarting the server with schedule checks on (every 2 s, and once at start)…');
  await stopApi(first.server);
  const since = new Date().toISOString();
  url = (await startApi({ ...env, SCHEDULE_CHECK_SECONDS: '2' })).url;
  await showScheduledRun(url, since);
  say(`
Admin page:   ${url}/   (sign in with the token below)
Sign-in token: ${token}
API:          ${url}/openapi.json
CLI:          DATA_FILE=${dataFile} node bin/ontrackio-mdm.js history
              DATA_FILE=${dataFile} node bin/ontrackio-mdm.js register --text macbook
Run "npm run demo" again to see a re-run count every device as unchanged.`);
  if (values.once) return stopAll();
  say('\nPress Ctrl-C to stop.');
  await new Promise<void>((resolvePromise) => {
    process.once('SIGINT', resolvePromise);
    process.once('SIGTERM', resolvePromise);
  });
  say('\nStopping…');
  await stopAll();
}

main().catch(async (error: unknown) => {
  process.stderr.write(`Demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  process.exit(1);
});
