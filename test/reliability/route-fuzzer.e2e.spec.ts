import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../../src/adapters/driving/http/openapi.js';
import { baseEnv, MEMBER_TOKEN, startServerProcess, type Reply, type ServerProcess } from './support/server-process.js';
import './support/tally.js';

type Method = 'get' | 'post' | 'put' | 'patch';

const PATH_VALUES = ['intune', '0f9e8d7c-6b5a-4c3d-9e8f-7a6b5c4d3e2f', '%E0%A4%A', '%ZZ', '%', '..%2F..%2Fetc%2Fpasswd', '%00', 'a'.repeat(4000), '__proto__', 'constructor', '%F0%9F%92%A5', "'%20OR%201=1%20--"];

const QUERY_VALUES = ['abc', '-1', '1e309', '99999999999999999999', '', '%E0%A4%A', 'x'.repeat(6000), '%00', '[]', '{"$gt":""}', 'intune'];

const DEEP = '['.repeat(30_000) + ']'.repeat(30_000);

/**
 * Every field a route reads, each holding an array nested deeper than JSON.stringify can recurse
 * (about 4,000 here), five to a body to stay under the 64 KB limit: a message that quotes the bad
 * value must not throw.
 */
const FIELDS = [
  'name', 'status', 'condition', 'category', 'purchasePrice', 'purchaseDate', 'cpu', 'ram', 'storage', 'serial', 'assetTag', 'assignee', 'email', 'note', 'reason',
  'enabled', 'tenantId', 'clientId', 'clientSecret', 'tenantUrl', 'authorityHost', 'graphBaseUrl', 'apple', 'other', 'kind', 'hours', 'at', 'timeZone', 'prefix', 'schedule',
  'serials', 'devices', 'source', 'runId', 'manufacturer', 'model', 'operatingSystem', 'osVersion', 'macAddress', 'from', 'to', 'limit', 'missingFrom', 'q',
];
const FIELD_DEEP = '['.repeat(6_000) + ']'.repeat(6_000);
const DEEP_FIELDS = Array.from({ length: Math.ceil(FIELDS.length / 5) }, (_, i) => FIELDS.slice(i * 5, i * 5 + 5)).map((names) => ({
  label: `deep nesting in ${names.join(', ')}`,
  body: `{${names.map((name) => `"${name}":${FIELD_DEEP}`).join(',')}}`,
}));

/** Bodies a careless or hostile client sends, with the headers they come with. */
const BODIES: Array<{ label: string; body?: string | Buffer; headers?: Record<string, string> }> = [
  { label: 'no body' },
  { label: 'truncated JSON', body: '{' },
  { label: 'an array', body: '[]' },
  { label: 'null', body: 'null' },
  { label: 'a string', body: '"enabled"' },
  { label: 'a number', body: '42' },
  { label: 'wrong types', body: JSON.stringify({ enabled: 'yes', tenantId: 7, clientId: [], clientSecret: {}, tenantUrl: null, name: 1, status: ['assigned'], purchasePrice: 'free', serial: { a: 1 } }) },
  { label: 'a 60 KB field', body: JSON.stringify({ name: 'x'.repeat(60_000), tenantUrl: 'h'.repeat(60_000) }) },
  { label: 'a body over the limit', body: JSON.stringify({ name: 'x'.repeat(70_000) }) },
  { label: 'prototype pollution keys', body: '{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"x":1}}' },
  { label: 'deep nesting', body: DEEP },
  ...DEEP_FIELDS,
  { label: 'JSON as text/plain', body: '{"enabled":true}', headers: { 'content-type': 'text/plain' } },
  { label: 'a lying gzip', body: '{"enabled":true}', headers: { 'content-encoding': 'gzip' } },
  { label: 'real gzip of garbage', body: gzipSync('{"enabled":'), headers: { 'content-encoding': 'gzip' } },
  { label: 'an unsupported encoding', body: '{}', headers: { 'content-encoding': 'compress' } },
  { label: 'a stacked encoding', body: '{}', headers: { 'content-encoding': 'gzip, identity, br' } },
  { label: 'an unknown charset', body: '{}', headers: { 'content-type': 'application/json; charset=klingon' } },
  { label: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
];

function routes(): Array<{ method: Method; template: string; query: string[] }> {
  const list: Array<{ method: Method; template: string; query: string[] }> = [];
  for (const [template, operations] of Object.entries(openApiDocument.paths as unknown as Record<string, Record<string, { parameters?: ReadonlyArray<{ name: string; in: string }> }>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      list.push({ method: method as Method, template, query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name) });
    }
  }
  return list;
}

/** A refusal a person can act on: a fix, or each field at fault with what is wrong with it. */
function saysWhatToDo(body: Reply['body']): boolean {
  const problem = body as { fix?: unknown; errors?: unknown } | undefined;
  if (typeof problem?.fix === 'string' && problem.fix.length > 0) return true;
  const errors = problem?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e: { field?: unknown; message?: unknown }) => typeof e.field === 'string' && e.field.length > 0 && typeof e.message === 'string');
}

function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    setTimeout(() => socket.destroy(), 3000).unref();
  });
}

/**
 * Every route of /openapi.json, fed bad JSON, wrong types, huge and oddly encoded input, bad
 * percent-encoding and prototype-pollution keys, signed in and not: never a 5xx, every error a
 * problem+json body, and the server unchanged afterwards.
 */
describe('Reliability: the HTTP edge under a route fuzzer (real server process)', function () {
  this.timeout(120_000);
  let server: ServerProcess;
  let dir: string;
  let sent = 0;
  const failures: string[] = [];

  function check(label: string, reply: Reply): void {
    sent += 1;
    const type = reply.headers.get('content-type') ?? '';
    if (reply.status >= 500) failures.push(`${label} → ${reply.status} ${reply.text.slice(0, 160)}`);
    else if (reply.status >= 400 && (!type.startsWith('application/problem+json') || typeof reply.body?.detail !== 'string' || reply.body.status !== reply.status)) {
      failures.push(`${label} → ${reply.status} without a problem+json body (${type}: ${reply.text.slice(0, 80)})`);
    } else if (reply.status >= 400 && !saysWhatToDo(reply.body)) failures.push(`${label} → ${reply.status} says neither a fix nor the fields at fault: ${reply.text.slice(0, 200)}`);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ontrackio-fuzz-'));
    server = await startServerProcess(baseEnv(join(dir, 'fuzz.sqlite'), join(dir, 'no-ca.pem')));
  });
  after(async () => {
    await server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  function expectNoBadAnswers(): void {
    const bad = failures.splice(0);
    expect(bad.slice(0, 15), `${bad.length} bad answers`).to.deep.equal([]);
  }

  it('fuzzes the routes the server itself publishes', async () => {
    const published = (await server.call('GET', '/openapi.json', { token: null })).body as { paths: Record<string, unknown> };
    expect(Object.keys(published.paths)).to.deep.equal(Object.keys(openApiDocument.paths));
  });

  it('each /api route reads exactly the query parameters it publishes: any other route\'s is refused by name, none of its own', async () => {
    const published = routes();
    const names = [...new Set(published.flatMap(({ query }) => query))];
    const wrong: string[] = [];
    for (const { method, template, query } of published.filter(({ template }) => template.startsWith('/api/'))) {
      const path = template.replace('{source}', 'intune').replace(/\{[^}]+\}/g, PATH_VALUES[1]!);
      for (const name of names) {
        const reply = await server.call(method.toUpperCase(), `${path}?${name}=x`, method === 'get' ? {} : { body: {} });
        const errors = (reply.body?.errors ?? []) as Array<{ field: string; message: string }>;
        const refused = reply.status === 400 && errors.some((e) => e.field === name && /should not exist|is not read/.test(e.message));
        if (refused !== query.includes(name)) continue;
        wrong.push(`${method.toUpperCase()} ${path}?${name}=x → ${reply.status}: ${query.includes(name) ? 'refused, though the route publishes it' : 'not refused, though the route does not read it'}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  for (const { method, template, query } of routes()) {
    it(`${method.toUpperCase()} ${template}`, async () => {
      const paths = template.includes('{') ? PATH_VALUES.map((value) => template.replace(/\{[^}]+\}/, value)) : [template];
      for (const path of paths) {
        for (const token of [undefined, null] as const) check(`${method} ${path} ${token === null ? '(anonymous)' : ''}`, await server.call(method.toUpperCase(), path, { token }));
      }
      const base = paths[0]!;
      for (const name of [...query, '__proto__[polluted]', 'constructor[prototype][x]']) {
        for (const value of QUERY_VALUES) check(`${method} ${base}?${name}=${value.slice(0, 20)}`, await server.call(method.toUpperCase(), `${base}?${encodeURI(name)}=${value}`));
        check(`${method} ${base} ${name} twice`, await server.call(method.toUpperCase(), `${base}?${name}=1&${name}=2`));
      }
      if (method !== 'get') {
        for (const target of paths.slice(0, 3)) {
          for (const { label, body, headers } of BODIES) {
            for (const token of [undefined, null] as const) {
              check(`${method} ${target} with ${label}${token === null ? ' (anonymous)' : ''}`, await server.call(method.toUpperCase(), target, { rawBody: body, headers: { 'content-type': 'application/json', ...headers }, token }));
            }
          }
        }
      }
      expectNoBadAnswers();
    });
  }

  it('too long a request line or header, and broken HTTP, are answered as problem+json', async () => {
    const port = Number(new URL(server.url).port);
    for (const request of [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 'FOO BAR\r\n\r\n']) {
      const answer = await raw(port, request);
      expect(answer).to.match(/^HTTP\/1\.1 4(00|31) /);
      expect(answer).to.match(/Content-Type: application\/problem\+json/);
      sent += 1;
    }
  });

  it('a body that is not a JSON object is refused saying what was sent, and a refused sign-in says why', async () => {
    const registered = await server.call('POST', '/api/hardware', { body: { serial: 'FORM-0001', name: 'Spare laptop', category: 'laptop' } });
    expect(registered.status).to.equal(201);
    const id = (registered.body as { id: string }).id;
    const form = await server.call('PATCH', `/api/hardware/${id}`, { rawBody: 'name=Front+desk', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([form.status, form.body?.detail, form.body?.fix]).to.deep.equal([
      415,
      'The body was sent as application/x-www-form-urlencoded; this API reads application/json only.',
      'Send the body as a JSON object with Content-Type: application/json.',
    ]);
    const untyped = await server.call('PATCH', `/api/hardware/${id}`, { rawBody: '{"name":"Front desk"}', headers: { 'content-type': '' } });
    expect([untyped.status, untyped.body?.detail]).to.deep.equal([415, 'The body was sent without a Content-Type; this API reads application/json only.']);
    for (const [rawBody, detail] of [
      ['null', 'The body must be a JSON object, not null.'],
      ['"Front desk"', 'The body must be a JSON object, not a string.'],
      ['7', 'The body must be a JSON object, not a number.'],
      ['[{"name":"Front desk"}]', 'The body must be a JSON object, not an array.'],
    ] as const) {
      const reply = await server.call('PATCH', `/api/hardware/${id}`, { rawBody, headers: { 'content-type': 'application/json' } });
      expect([reply.status, reply.body?.detail, reply.body?.fix], rawBody).to.deep.equal([400, detail, 'Send a JSON object, such as {"name": "…"}, with Content-Type: application/json.']);
    }
    expect((await server.call('PATCH', `/api/hardware/${id}`)).body?.detail).to.equal('The request has no body; this one needs a JSON object.');
    expect((await server.call('GET', `/api/hardware/${id}`)).body).to.not.have.property('name', 'Front desk');

    const unsigned = await server.call('GET', '/api/hardware', { token: null });
    const basic = await server.call('GET', '/api/hardware', { token: null, headers: { authorization: 'Basic b3BzOnB3' } });
    const unknown = await server.call('GET', '/api/hardware', { token: 'not-a-token-this-server-gave-out' });
    expect([unsigned, basic, unknown].map((r) => [r.status, r.body?.detail])).to.deep.equal([
      [401, 'The request has no Authorization header.'],
      [401, 'The Authorization header does not hold a bearer token.'],
      [401, 'The bearer token is not one this server knows: mistyped, or no longer issued.'],
    ]);
    expect(unknown.body?.fix).to.match(/^Send "Authorization: Bearer <token>"/);
    expect((await server.call('PATCH', `/api/hardware/${id}`, { token: MEMBER_TOKEN, body: { name: 'x' } })).body?.fix).to.equal('Sign in as an admin, or ask one to give you one of those roles.');
  });

  it('a query value that is not valid percent-encoding is refused, naming the parameter', async () => {
    const search = await server.call('GET', '/api/hardware?q=%E0%A4%A');
    expect([search.status, search.body?.errors]).to.deep.equal([400, [{ field: 'q', message: 'q is not valid percent-encoding ("%E0%A4%A")' }]]);
    expect(search.body?.fix).to.match(/%XX/);
    const lookup = await server.call('GET', '/api/hardware/lookup?source=intune&serial=C02%ZZ');
    expect([lookup.status, lookup.body?.detail]).to.deep.equal([400, 'serial is not valid percent-encoding ("C02%ZZ").']);
    const name = await server.call('GET', '/api/admin/bulk-import/mdm/runs?%E0=1');
    expect([name.status, name.body?.errors?.[0]?.field]).to.deep.equal([400, '%E0']);
    const fine = await server.call('GET', `/api/hardware?q=${encodeURIComponent('Zoë 50% ')}+x`);
    expect(fine.status).to.equal(200);
  });

  it('a value of the wrong type is refused as such, not also as too long or out of range', async () => {
    const limit = await server.call('GET', '/api/hardware?limit=abc');
    expect(limit.body?.errors).to.deep.equal([{ field: 'limit', message: 'limit must be an integer number' }]);
    const edit = await server.call('POST', '/api/hardware', { body: { serial: 'TYPE-0001', name: 7, category: 'laptop' } });
    expect(edit.body?.errors).to.deep.equal([{ field: 'name', message: 'name must be a string' }]);
    const long = await server.call('POST', '/api/hardware', { body: { serial: 'TYPE-0001', name: 'n'.repeat(201), category: 'laptop' } });
    expect(long.body?.errors).to.deep.equal([{ field: 'name', message: 'name must be shorter than or equal to 200 characters' }]);
  });

  it('a field left out is said to be required, not to be of the wrong type', async () => {
    const registered = await server.call('POST', '/api/hardware', { body: { name: 'Spare' } });
    expect(registered.body?.errors).to.deep.equal([
      { field: 'serial', message: 'serial is required and must be a string' },
      { field: 'category', message: 'category is required and must be one of the following values: laptop, desktop, phone, tablet, tv, watch, headset, server, other' },
    ]);
    const lookup = await server.call('GET', '/api/hardware/lookup?source=intune');
    expect(lookup.body?.errors).to.deep.equal([{ field: 'serial', message: 'serial is required and must be a string' }]);
    const sent = await server.call('POST', '/api/hardware', { body: { serial: null, name: 'Spare', category: 'laptop' } });
    expect(sent.body?.errors, 'a null is sent, not left out').to.deep.equal([{ field: 'serial', message: 'serial must be a string' }]);
  });

  it('typed text holding a control character or half of one is refused, naming the field and the character; the record is unchanged', async () => {
    for (const [name, character] of [['Test\u0000name', 'character 5 (U+0000)'], ['Reception\u001b[2J', 'character 10 (U+001B)'], ['Desk\nPC', 'character 5 (U+000A)'], ['PC\ud800', 'character 3 (U+D800)']]) {
      const created = await server.call('POST', '/api/hardware', { body: { serial: 'TYPED-0001', name, category: 'desktop' } });
      expect([created.status, created.body?.field], JSON.stringify(name)).to.deep.equal([422, 'name']);
      expect(created.body?.fix).to.equal(`Type it as one line of text: ${character} is a control character or half of one.`);
    }
    const made = await server.call('POST', '/api/hardware', { body: { serial: 'TYPED-0001', name: 'Reception PC', category: 'desktop', cpu: 'i5' } });
    expect(made.status, made.text).to.equal(201);
    const edited = await server.call('PATCH', `/api/hardware/${made.body.id}`, { body: { cpu: 'i7\t(4 cores)' } });
    expect([edited.status, edited.body?.field, edited.body?.fix]).to.deep.equal([422, 'cpu', 'Type it as one line of text: character 3 (U+0009) is a control character or half of one.']);
    expect((await server.call('GET', `/api/hardware/${made.body.id}`)).body).to.include({ name: 'Reception PC', cpu: 'i5' });
  });

  it('the server is unchanged afterwards: still up, nothing polluted, a member still not an admin', async () => {
    expect((await server.call('GET', '/healthz', { token: null })).status).to.equal(200);
    expect((await server.call('GET', '/api/admin/integrations', { token: MEMBER_TOKEN })).status).to.equal(403);
    const cards = (await server.call('GET', '/api/admin/integrations')).body as Array<Record<string, unknown>>;
    for (const card of cards) expect(card).to.not.have.property('polluted');
    expect(server.lines.filter((line) => /"level":"error"/.test(line)).slice(0, 3)).to.deep.equal([]);
    expect(sent).to.be.greaterThan(1000);
  });
});
