import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import sinon from 'sinon';
import type { ImportHistory } from '../../src/application/queries/import-history.js';
import type { EventStore } from '../../src/application/ports/event-store.js';
import { TOKENS } from '../../src/application/tokens.js';
import { startHttpWorld, TOKENS_BY_ROLE, type HttpWorld } from '../support/http-world.js';
import { CLIENT, SECRET, TENANT } from '../support/intune-world.js';
import { JAMF_CLIENT, JAMF_SECRET } from '../support/jamf-world.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';
import { TYPED_SERIAL } from '../../src/domain/hardware/serial-number.js';
import type { SqliteUserDirectory } from '../../src/adapters/driven/sqlite/sqlite-user-directory.js';
import type { GraphDevice } from '../emulators/intune/graph-fleet.js';

const intuneBody = (world: HttpWorld, overrides: Record<string, unknown> = {}) => ({
  enabled: true, tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, authorityHost: world.intune.url, graphBaseUrl: world.intune.url, ...overrides,
});
const jamfBody = (world: HttpWorld, overrides: Record<string, unknown> = {}) => ({ enabled: true, tenantUrl: world.jamf.url, clientId: JAMF_CLIENT, clientSecret: JAMF_SECRET, ...overrides });

describe('Admin HTTP API (real server, real HTTP, both emulators)', function () {
  this.timeout(60_000);
  let world: HttpWorld;
  const responses: string[] = [];
  before(async () => (world = await startHttpWorld()));
  after(() => world.stop());
  const call: HttpWorld['call'] = async (...args) => {
    const response = await world.call(...args);
    responses.push(response.text);
    return response;
  };

  describe('Settings → Integrations', () => {
    it('shows both cards as Not configured before anything is saved', async () => {
      const { status, body } = await call('GET', '/api/admin/integrations');
      expect(status).to.equal(200);
      expect(body.map((c: { source: string; status: string; secretStored: boolean }) => [c.source, c.status, c.secretStored])).to.deep.equal([
        ['intune', 'Not configured', false],
        ['jamf', 'Not configured', false],
      ]);
    });

    it('saves Intune settings, reports Configured, and never returns the secret', async () => {
      const { status, body } = await call('PUT', '/api/admin/integrations/intune', { body: intuneBody(world) });
      expect(status).to.equal(200);
      expect(body).to.deep.include({ status: 'Configured', secretStored: true, enabled: true });
      expect(body.settings).to.deep.include({ tenantId: TENANT, clientId: CLIENT });
      expect(JSON.stringify(body)).to.not.include(SECRET);
    });

    it('keeps the stored secret when the secret is omitted', async () => {
      const { clientSecret: _omit, ...withoutSecret } = intuneBody(world);
      const { body } = await call('PUT', '/api/admin/integrations/intune', { body: withoutSecret });
      expect(body).to.include({ status: 'Configured', secretStored: true });
      expect((await call('POST', '/api/admin/integrations/intune/test')).body).to.include({ ok: true });
    });

    it('refuses a tenant ID that is not a GUID, naming the field and where to copy it from', async () => {
      const { status, headers, body } = await call('PUT', '/api/admin/integrations/intune', { body: intuneBody(world, { tenantId: 'contoso.onmicrosoft.com' }) });
      expect(status).to.equal(422);
      expect(headers.get('content-type')).to.match(/application\/problem\+json/);
      expect(body).to.include({ field: 'tenantId' });
      expect(body.fix).to.match(/Directory \(tenant\) ID/);
    });

    it('refuses a Jamf URL with /api and shows the corrected URL', async () => {
      const { status, body } = await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world, { tenantUrl: `${world.jamf.url}/api/` }) });
      expect(status).to.equal(422);
      expect(body).to.include({ field: 'tenantUrl' });
      expect(body.fix).to.equal(`Use ${world.jamf.url} instead.`);
    });

    it('refuses unknown fields and wrong types, listing each field', async () => {
      const { status, body } = await call('PUT', '/api/admin/integrations/jamf', { body: { ...jamfBody(world), enabled: 'yes', colour: 'blue' } });
      expect(status).to.equal(400);
      expect(body.errors.map((e: { field: string }) => e.field)).to.have.members(['enabled', 'colour']);
    });

    it('saves Jamf settings', async () => {
      expect((await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world) })).body).to.include({ status: 'Configured' });
    });

    it('tests submitted, unsaved values and says what is wrong', async () => {
      const { body } = await call('POST', '/api/admin/integrations/intune/test', { body: intuneBody(world, { clientSecret: 'the-secret-id-not-the-value' }) });
      expect(body).to.include({ ok: false, cause: 'bad-client-secret', onUnsavedValues: true });
      expect(body.message).to.match(/AADSTS7000215/);
      const cards = (await call('GET', '/api/admin/integrations')).body;
      expect(cards[0].lastTest, 'a test of unsaved values is not the saved state: the card keeps the saved values\' test').to.include({ ok: true, onUnsavedValues: false });
    });

    it('tests the saved Jamf settings, and shows that test on the card only while those values stay saved', async () => {
      expect((await call('POST', '/api/admin/integrations/jamf/test')).body).to.include({ ok: true });
      const jamfCard = async () => (await call('GET', '/api/admin/integrations')).body.find((c: { source: string }) => c.source === 'jamf');
      expect((await jamfCard()).lastTest).to.include({ ok: true, onUnsavedValues: false });
      await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world, { enabled: false }) });
      expect((await jamfCard()).lastTest, 'switching off changes no value tested').to.include({ ok: true });
      await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world, { clientId: '0b7e5a1c-2d3f-4a5b-8c6d-7e8f9a0b1c2d' }) });
      expect((await jamfCard()).lastTest, 'other values: the old test says nothing about them').to.equal(null);
      await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world) });
      expect((await call('POST', '/api/admin/integrations/jamf/test')).body).to.include({ ok: true });
    });

    it('keeps showing the saved values\' test after other values are tried and not saved, and shows a tried test once its values are saved', async () => {
      const jamfCard = async () => (await call('GET', '/api/admin/integrations')).body.find((c: { source: string }) => c.source === 'jamf');
      const saved = (await call('POST', '/api/admin/integrations/jamf/test')).body;
      const tried = (await call('POST', '/api/admin/integrations/jamf/test', { body: jamfBody(world, { clientSecret: 'a-secret-jamf-does-not-know' }) })).body;
      expect(tried).to.include({ ok: false, onUnsavedValues: true });
      expect((await jamfCard()).lastTest, 'the saved values were not what failed').to.deep.equal(saved);
      await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world, { clientSecret: 'a-secret-jamf-does-not-know' }) });
      expect((await jamfCard()).lastTest, 'those values are saved now: their test is theirs').to.deep.equal(tried);
      await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world) });
      expect((await jamfCard()).lastTest, 'and back again').to.deep.equal(saved);
    });
  });

  describe('Bulk import, history, audit log, rebuild', () => {
    let intuneRun: string;

    it('shows the badges', async () => {
      const { body } = await call('GET', '/api/admin/bulk-import/mdm');
      expect(body.map((s: { source: string; status: string }) => [s.source, s.status])).to.deep.equal([['intune', 'Configured'], ['jamf', 'Configured']]);
    });

    it('imports from Intune synchronously and returns the banner', async () => {
      const { status, body } = await call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      expect(status).to.equal(200);
      expect(body).to.include({ source: 'intune', status: 'completed', triggeredBy: 'admin@acme.example' });
      expect(body.counts.created).to.be.greaterThan(300);
      expect(body.counts.skipped).to.equal(body.skippedDevices.length);
      expect(body.durationMs).to.be.a('number');
      intuneRun = body.runId;
    });

    it('imports from Jamf, recording who triggered it', async () => {
      const { body } = await call('POST', '/api/admin/bulk-import/mdm/jamf', { role: 'it-admin', ...WAIT_FOR_RESULT });
      expect(body).to.include({ status: 'completed', triggeredBy: 'it-admin@acme.example' });
    });

    it('re-runs as unchanged', async () => {
      const { body } = await call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      expect(body.counts).to.include({ created: 0, updated: 0 });
      expect(body.counts.unchanged).to.be.greaterThan(300);
    });

    it('answers 409 while a run of the same source is in progress', async () => {
      world.jamf.faults = { slowPageMs: 400 };
      try {
        const first = call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT);
        await new Promise((r) => setTimeout(r, 150));
        const second = await call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT);
        expect(second.status).to.equal(409);
        expect(second.body.detail).to.match(/already running/);
        expect((await first).status).to.equal(200);
      } finally {
        world.jamf.faults = {};
      }
    });

    it('refuses a body field or query parameter on a route that reads none, starting nothing', async () => {
      const before = (await call('GET', '/api/admin/bulk-import/mdm/runs')).body.length;
      const dryRun = await call('POST', '/api/admin/bulk-import/mdm/intune', { body: { dryRun: true } });
      expect(dryRun.status).to.equal(400);
      expect(dryRun.body.errors).to.deep.equal([{ field: 'dryRun', message: 'property dryRun should not exist' }]);
      expect(dryRun.body.fix).to.match(/POST \/api\/admin\/bulk-import\/mdm\/\{source\}\/preview/);
      for (const [path, options] of [
        ['/api/admin/bulk-import/mdm/jamf?serials=C02X1', {}],
        ['/api/admin/bulk-import/mdm/jamf/preview', { rawBody: '["C02X1"]' }],
        [`/api/admin/bulk-import/mdm/runs/${intuneRun}/retry`, { body: { serials: ['C02X1'] } }],
        ['/api/admin/register/rebuild?source=jamf', {}],
      ] as const) {
        const { status, body } = await call('POST', path, options);
        expect(status, path).to.equal(400);
        expect(body.detail, path).to.match(/^This request reads no body and no query parameters/);
      }
      const long = await call('POST', `/api/admin/register/rebuild?${'k'.repeat(5000)}=1`);
      expect(long.body.errors[0].field, 'a name as sent is cut').to.equal(`${'k'.repeat(100)}…`);
      expect((await call('GET', '/api/admin/bulk-import/mdm/runs')).body.length, 'no run started').to.equal(before);
      expect((await call('POST', '/api/admin/bulk-import/mdm/jamf/preview', { body: {} })).status, 'an empty object is no input').to.equal(200);
    });

    it('answers 409 for a source that is not configured', async () => {
      await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world, { enabled: false }) });
      const { status, body } = await call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT);
      expect(status).to.equal(409);
      expect(body.missing).to.deep.equal(['enabled']);
      expect(body.fix).to.match(/Settings → Integrations/);
      await call('PUT', '/api/admin/integrations/jamf', { body: jamfBody(world) });
    });

    it('lists runs from the event stream, filtered, and shows one with every device', async () => {
      const all = (await call('GET', '/api/admin/bulk-import/mdm/runs')).body;
      expect(all.length).to.be.at.least(4);
      const intune = (await call('GET', '/api/admin/bulk-import/mdm/runs?source=intune')).body;
      expect(intune.every((r: { source: string }) => r.source === 'intune')).to.equal(true);
      expect((await call('GET', '/api/admin/bulk-import/mdm/runs?from=2999-01-01T00:00:00Z')).body).to.deep.equal([]);
      const detail = (await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}`)).body;
      expect(detail.outcomes).to.have.length(400);
      expect((await call('GET', '/api/admin/bulk-import/mdm/runs/nope')).status).to.equal(404);
      expect((await call('GET', '/api/admin/bulk-import/mdm/runs?from=yesterday')).status).to.equal(400);
      const newest = (await call('GET', '/api/admin/bulk-import/mdm/runs?limit=2')).body;
      expect(newest.map((r: { runId: string }) => r.runId)).to.deep.equal(all.slice(0, 2).map((r: { runId: string }) => r.runId));
      expect((await call('GET', '/api/admin/bulk-import/mdm/runs?limit=0')).status).to.equal(400);
    });

    it('filters runs and the audit log by start time as instants: a bound in any zone, a date as its whole UTC day', async () => {
      const [newest] = (await call('GET', '/api/admin/bulk-import/mdm/runs?source=intune&limit=1')).body;
      const started = new Date(newest.startedAt);
      const inParis = (instant: Date) => `${new Date(instant.getTime() + 3_600_000).toISOString().slice(0, 19)}%2B01:00`;
      const runIds = async (path: string) => (await call('GET', path)).body.map((r: { runId: string }) => r.runId);
      for (const path of ['/api/admin/bulk-import/mdm/runs', '/api/admin/audit-log']) {
        expect(await runIds(`${path}?source=intune&from=${inParis(new Date(started.getTime() - 1000))}`), `${path}: from a second before, written in +01:00`).to.include(newest.runId);
        expect(await runIds(`${path}?source=intune&to=${inParis(new Date(started.getTime() - 1000))}`), `${path}: to a second before`).to.not.include(newest.runId);
        expect(await runIds(`${path}?source=intune&from=${newest.startedAt.slice(0, 10)}&to=${newest.startedAt.slice(0, 10)}`), `${path}: its day`).to.include(newest.runId);
        const reversed = await call('GET', `${path}?from=2027-01-01&to=2026-01-01`);
        expect(reversed.status, path).to.equal(400);
        expect(reversed.body.errors).to.deep.equal([{ field: 'to', message: 'to (2026-01-01T23:59:59.999Z) is before from (2027-01-01T00:00:00.000Z).' }]);
        const zoneless = await call('GET', `${path}?from=2026-12-01T09:00`);
        expect(zoneless.status, path).to.equal(400);
        expect(zoneless.body).to.include({ detail: 'from "2026-12-01T09:00" has no time zone.' });
        expect(zoneless.body.fix).to.match(/2026-12-01T09:00:00Z/);
        expect((await call('GET', `${path}?from=2026-02-30`)).body.errors[0].field, path).to.equal('from');
      }
    });

    it("shows one run's device outcomes of the kinds asked for, the banner and counts still whole, and refuses a kind that does not exist", async () => {
      const whole = (await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}`)).body;
      const created = (await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}?outcome=created`)).body;
      expect(created.outcomes).to.deep.equal(whole.outcomes.filter((o: { outcome: string }) => o.outcome === 'created'));
      expect(created.outcomes).to.have.length(whole.counts.created).and.length.greaterThan(0);
      const problems = (await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}?outcome=skipped,error`)).body;
      expect(problems.outcomes).to.deep.equal(whole.outcomes.filter((o: { outcome: string }) => o.outcome === 'skipped' || o.outcome === 'error'));
      expect({ counts: created.counts, banner: created.banner, missing: created.missing }).to.deep.equal({ counts: whole.counts, banner: whole.banner, missing: whole.missing });
      for (const query of ['outcome=failed', 'outcome=', 'outcome=created,', 'outcome=created&outcome=error', 'outcomes=created']) {
        const refused = await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}?${query}`);
        expect(refused.status, query).to.equal(400);
        expect(refused.headers.get('content-type'), query).to.match(/application\/problem\+json/);
        expect(refused.body.detail, query).to.match(/outcome/);
      }
      expect((await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}?outcome=failed`)).body.detail).to.match(/created, updated, unchanged, skipped, error/);
    });

    it("writes an ended run's outcomes as they are read, not held whole first: the same JSON, sent in chunks", async () => {
      const { status, headers, body } = await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}`);
      expect(status).to.equal(200);
      expect(headers.get('transfer-encoding')).to.equal('chunked');
      expect(headers.get('content-length')).to.equal(null);
      expect(headers.get('content-type')).to.match(/^application\/json/);
      expect(body.outcomes).to.have.length(400);
      expect(body).to.include({ runId: intuneRun, status: 'completed' });
      expect(body.banner).to.include({ runId: intuneRun });
      expect(body.progress).to.include({ runId: intuneRun, devicesRead: 400 });
    });

    it('cuts the connection when reading a run fails half-way through its outcomes, rather than answer 200 with broken JSON', async () => {
      const history = world.server.container.get<ImportHistory>(TOKENS.ImportHistory);
      const readRun = sinon.stub(history, 'run').callsFake(async (_runId, options) => {
        await options?.onOutcomes?.([{ outcome: 'created', sourceDeviceId: 'aad-1', serial: 'SN1', deviceName: null }]);
        throw new Error('the store went away');
      });
      try {
        const failed = await world.call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}`).then(() => 'answered', (error: Error) => error);
        expect(failed).to.be.instanceOf(Error);
      } finally {
        readRun.restore();
      }
      expect(world.logLines.some((line) => line.includes('the store went away')), 'logged as a server error').to.equal(true);
      expect((await call('GET', `/api/admin/bulk-import/mdm/runs/${intuneRun}?outcome=error`)).status).to.equal(200);
    });

    it('shows the audit log projection', async () => {
      const { body } = await call('GET', '/api/admin/audit-log?source=jamf');
      expect(body.length).to.be.at.least(2);
      expect(body[0]).to.include({ source: 'jamf', status: 'completed' });
    });

    it('rebuilds the register into an identical one', async () => {
      const before = (await call('GET', '/api/hardware?limit=1000')).body;
      const { status, body } = await call('POST', '/api/admin/register/rebuild');
      expect(status).to.equal(200);
      expect(body.events).to.be.greaterThan(600);
      expect((await call('GET', '/api/hardware?limit=1000')).body).to.deep.equal(before);
    });
  });

  describe('The hardware register', () => {
    it('searches with filters, free text and paging', async () => {
      const page = (await call('GET', '/api/hardware?category=laptop&limit=5', { role: 'member' })).body;
      expect(page.items).to.have.length(5);
      expect(page.items.every((r: { category: string }) => r.category === 'laptop')).to.equal(true);
      const some = page.items[0];
      const bySerial = (await call('GET', `/api/hardware?q=${encodeURIComponent(some.serial.toLowerCase())}`)).body;
      expect(bySerial.items.map((r: { id: string }) => r.id)).to.include(some.id);
      expect((await call('GET', '/api/hardware?limit=0')).status).to.equal(400);
    });

    it('refuses a blank serial, asset tag or assignee by name, in the search and the export, rather than answer no records', async () => {
      for (const path of ['/api/hardware?serial=', '/api/hardware?assignee=%20%20', '/api/hardware/export.csv?assetTag=']) {
        const refused = await call('GET', path);
        expect(refused.status, `${path}: ${refused.text}`).to.equal(400);
        expect(refused.body.errors).to.have.length(1);
        expect(refused.body.errors[0].message, path).to.match(/^(serial|assignee|assetTag) is blank: give .+, or leave the filter out to list every record$/);
      }
      expect((await call('GET', '/api/hardware?q=&limit=1')).body.total, 'a blank text search is no search').to.be.greaterThan(0);
    });

    it('pages by keyset: next cursors walk every record once, in the sort asked, and a cursor is refused with another sort or with offset', async () => {
      const all = (await call('GET', '/api/hardware?sort=model&order=desc&limit=1000')).body;
      const walked: string[] = [];
      let next: string | null = null;
      do {
        const page: { items: Array<{ serial: string }>; total: number; next: string | null } = (await call('GET', `/api/hardware?sort=model&order=desc&limit=7${next ? `&after=${next}` : ''}`)).body;
        walked.push(...page.items.map((r: { serial: string }) => r.serial));
        expect(page.total).to.equal(all.total);
        next = page.next;
      } while (next);
      expect(walked).to.deep.equal(all.items.map((r: { serial: string }) => r.serial));
      const cursor = (await call('GET', '/api/hardware?sort=model&order=desc&limit=7')).body.next;
      const otherSort = await call('GET', `/api/hardware?sort=serial&limit=7&after=${cursor}`);
      expect(otherSort.status).to.equal(400);
      expect(otherSort.body.errors[0]).to.include({ field: 'after' });
      expect(otherSort.body.errors[0].message).to.match(/^after was given for sort=model&order=desc, not sort=serial&order=asc\. Use the "next" value/);
      expect((await call('GET', `/api/hardware?sort=model&order=desc&offset=7&after=${cursor}`)).status).to.equal(400);
      expect((await call('GET', '/api/hardware?after=not-a-cursor')).body.errors[0].field).to.equal('after');
    });

    it('shows one device and its event history', async () => {
      const [first] = (await call('GET', '/api/hardware?source=jamf&limit=1')).body.items;
      expect((await call('GET', `/api/hardware/${first.id}`, { role: 'member' })).body).to.include({ id: first.id });
      const events = (await call('GET', `/api/hardware/${first.id}/events`)).body;
      expect(events[0]).to.include({ type: 'HardwareImported', revision: 0 });
      expect((await call('GET', '/api/hardware/no-such-id')).status).to.equal(404);
    });

    it('answers a serial given where the id belongs with the id of the record that has it', async () => {
      const [first] = (await call('GET', '/api/hardware?source=jamf&limit=1')).body.items;
      const byId = `${first.serial} is the serial of ${first.assetTag}, whose id is ${first.id}: use that id.`;
      for (const [method, path] of [['GET', `/api/hardware/${first.serial}`], ['GET', `/api/hardware/${first.serial.toLowerCase()}/events`], ['PATCH', `/api/hardware/${first.serial}`]] as const) {
        const { status, headers, body } = await call(method, path, method === 'PATCH' ? { body: { cpu: 'M3' } } : {});
        expect(status, `${method} ${path}`).to.equal(404);
        expect(headers.get('content-type')).to.match(/application\/problem\+json/);
        expect(body, `${method} ${path}`).to.include({ field: 'id', fix: byId });
      }
      expect((await call('GET', `/api/hardware/${first.id}`)).body.cpu, 'the PATCH by serial changed nothing').to.equal(first.cpu);
      const unknown = (await call('GET', '/api/hardware/NO-SUCH-SERIAL')).body;
      expect(unknown).to.include({ field: 'id' });
      expect(unknown.fix).to.match(/search the register by serial/);
      const long = (await call('GET', `/api/hardware/${'x'.repeat(3000)}`)).body;
      expect(long.detail, 'an id of any length is quoted short').to.equal(`No hardware with id ${'x'.repeat(120)}… in the register.`);
    });

    it('registers a device by hand and refuses its serial twice', async () => {
      const created = await call('POST', '/api/hardware', { body: { serial: 'hand-001', name: 'Spare monitor', category: 'other', purchasePrice: 199 } });
      expect(created.status).to.equal(201);
      expect(created.body).to.include({ serial: 'HAND-001', name: 'Spare monitor', purchasePrice: 199 });
      expect(created.body.assetTag).to.match(/^HW-\d{5}$/);
      const again = await call('POST', '/api/hardware', { body: { serial: 'HAND-001', name: 'x', category: 'other' } });
      expect(again.status).to.equal(409);
    });

    it('refuses a typed MAC that is no address, or a model typed over two lines, registering nothing', async () => {
      const mac = await call('POST', '/api/hardware', { body: { serial: 'HAND-MAC-1', name: 'Spare dock', category: 'other', macAddress: '3C:21:9C:0A:1B' } });
      expect([mac.status, mac.body.field, mac.body.detail]).to.deep.equal([422, 'macAddress', 'macAddress "3C:21:9C:0A:1B" is not valid.']);
      expect(mac.body.fix).to.match(/^Give the 12 hex digits of the network card, such as AA:BB:CC:DD:EE:FF/);
      const multicast = await call('POST', '/api/hardware', { body: { serial: 'HAND-MAC-1', name: 'Spare dock', category: 'other', macAddress: '01:00:5E:00:00:FB' } });
      expect([multicast.status, multicast.body.field], 'a group address is no card\'s').to.deep.equal([422, 'macAddress']);
      expect(multicast.body.fix).to.include('an odd first octet');
      const model = await call('POST', '/api/hardware', { body: { serial: 'HAND-MAC-1', name: 'Spare dock', category: 'other', model: 'WD19\nTB' } });
      expect([model.status, model.body.field]).to.deep.equal([422, 'model']);
      expect((await call('GET', '/api/hardware?serial=HAND-MAC-1')).body.total, 'nothing registered').to.equal(0);
      const typed = await call('POST', '/api/hardware', { body: { serial: 'HAND-MAC-1', name: 'Spare dock', category: 'other', macAddress: '3c21.9c0a.1b2c' } });
      expect([typed.status, typed.body.macAddress]).to.deep.equal([201, '3C:21:9C:0A:1B:2C']);
    });

    it('refuses a serial typed by hand that holds a control, an invisible, a full-width or half a character, naming serial and the fix', async () => {
      for (const serial of ['HAND-002\ud800', 'HAND-002\u0007', 'HAND\u200b-002', 'HAND\u00a0002']) {
        const refused = await call('POST', '/api/hardware', { body: { serial, name: 'x', category: 'other' } });
        expect(refused.status, refused.text).to.equal(422);
        expect(refused.body).to.include({ field: 'serial', fix: TYPED_SERIAL.fix });
      }
      // Typed in full-width (an input method left so): not taken for a missing serial, and said why.
      const wide = await call('POST', '/api/hardware', { body: { serial: 'ＨＡＮＤ－００２', name: 'x', category: 'other' } });
      expect(wide.status, wide.text).to.equal(422);
      expect(wide.body.detail).to.match(/^serial "ＨＡＮＤ－００２" is not a usable serial \(it holds U\+FF28 at character 1, another form of a plainer character/);
    });

    it('exports the filtered register as CSV, every row, with formula-like values defused', async () => {
      await call('POST', '/api/hardware', { body: { serial: 'FORMULA-1', name: '=HYPERLINK("http://evil.example","click")', category: 'other' } });
      const total = (await call('GET', '/api/hardware?limit=1')).body.total as number;
      const all = await call('GET', '/api/hardware/export.csv');
      expect(all.status).to.equal(200);
      expect(all.headers.get('content-type')).to.match(/^text\/csv/);
      const lines = all.text.trimEnd().split('\r\n');
      expect(lines[0]).to.match(/^Asset tag,Serial number,Name,/);
      expect(lines.length - 1, 'a row per record').to.equal(total);
      expect(lines.find((l) => l.includes('FORMULA-1'))).to.include(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
      const filtered = await call('GET', '/api/hardware/export.csv?source=jamf&status=available');
      const expected = (await call('GET', '/api/hardware?source=jamf&status=available&limit=1')).body.total as number;
      expect(filtered.text.trimEnd().split('\r\n').length - 1).to.equal(expected);
      expect((await call('GET', '/api/hardware/export.csv?limit=5000')).status, 'the filters are checked as for search').to.equal(400);
    });

    it('finds a record as a person types its name: no accents needed, a straight apostrophe for the curly one macOS writes', async () => {
      await call('POST', '/api/hardware', { body: { serial: 'FOLD-0001', name: 'Zoë’s MacBook Pro', category: 'laptop' } });
      for (const typed of ["zoe's macbook", 'ZOË’S MACBOOK', 'zoë’s macbook pro']) {
        expect((await call('GET', `/api/hardware?q=${encodeURIComponent(typed)}`)).body.items.map((r: { serial: string }) => r.serial), typed).to.deep.equal(['FOLD-0001']);
      }
    });

    it('marks the CSV as UTF-8 for spreadsheets: a byte order mark before the header, so Excel reads Zoë as Zoë', async () => {
      await call('POST', '/api/hardware', { body: { serial: 'UTF8-BOM-1', name: "Zoë's spare dock", category: 'other' } });
      const answer = await fetch(`${world.server.url}/api/hardware/export.csv?serial=UTF8-BOM-1`, { headers: { authorization: `Bearer ${TOKENS_BY_ROLE.admin}` } });
      const bytes = Buffer.from(await answer.arrayBuffer());
      expect([...bytes.subarray(0, 3)], 'EF BB BF').to.deep.equal([0xef, 0xbb, 0xbf]);
      const [header, row] = parse(bytes, { bom: true }) as string[][];
      expect([header![0], row![header!.indexOf('Name')]]).to.deep.equal(['Asset tag', "Zoë's spare dock"]);
    });

    it('edits only hand-maintained fields, recording each one\'s value before, and a re-import keeps them', async () => {
      const [device] = (await call('GET', '/api/hardware?source=intune&limit=1')).body.items;
      const edited = await call('PATCH', `/api/hardware/${device.id}`, { body: { name: 'Reception PC', cpu: 'i7-1365U', purchaseDate: '2024-03-01' } });
      expect(edited.body).to.include({ name: 'Reception PC', cpu: 'i7-1365U' });
      const edit = (await call('GET', `/api/hardware/${device.id}/events`)).body.at(-1);
      expect([edit.type, edit.data.changes, edit.data.previous], 'the event says from what to what').to.deep.equal([
        'HardwareDetailsEdited', { name: 'Reception PC', cpu: 'i7-1365U', purchaseDate: '2024-03-01' }, { name: device.name, cpu: null, purchaseDate: null },
      ]);
      expect((await call('PATCH', `/api/hardware/${device.id}`, { body: { model: 'Hacked' } })).status).to.equal(400);
      expect((await call('PATCH', `/api/hardware/${device.id}`, { body: { purchaseDate: '2024-02-31' } })).status).to.equal(422);
      const quotedPrice = await call('PATCH', `/api/hardware/${device.id}`, { body: { purchasePrice: '12.50' } });
      expect(quotedPrice.status).to.equal(400);
      expect(quotedPrice.body.errors, 'a price sent as text is told how to write it').to.deep.equal([
        { field: 'purchasePrice', message: 'purchasePrice must be a number such as 1299.99, written without quotes, or null to clear it' },
      ]);
      await call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      expect((await call('GET', `/api/hardware/${device.id}`)).body).to.include({ name: 'Reception PC', cpu: 'i7-1365U', purchaseDate: '2024-03-01' });
      const [header, row] = parse((await call('GET', `/api/hardware/export.csv?serial=${device.serial}`)).text) as string[][];
      const cell = (label: string) => row![header!.indexOf(label)];
      expect([cell('Name'), cell('CPU'), cell('Purchase date')], 'the export holds every field kept by hand').to.deep.equal(['Reception PC', 'i7-1365U', '2024-03-01']);
    });

    it('refuses a price with more than 2 decimals or of a trillion, and a purchase date in the future, saving nothing; a blank RAM clears it', async () => {
      const [device] = (await call('GET', '/api/hardware?source=intune&limit=1&offset=1')).body.items;
      const path = `/api/hardware/${device.id}`;
      for (const [body, field, detail] of [
        [{ purchasePrice: 1e300, cpu: 'M4' }, 'purchasePrice', 'purchasePrice 1e+300 is not valid.'],
        [{ purchasePrice: 12.345 }, 'purchasePrice', 'purchasePrice 12.345 is not valid.'],
        [{ purchaseDate: '2099-01-01', cpu: 'M4' }, 'purchaseDate', 'purchaseDate "2099-01-01" is in the future.'],
      ] as const) {
        const refused = await call('PATCH', path, { body });
        expect([refused.status, refused.body.field, refused.body.detail], JSON.stringify(body)).to.deep.equal([422, field, detail]);
      }
      expect((await call('GET', path)).body, 'nothing saved').to.include({ purchasePrice: null, purchaseDate: null, cpu: null });
      expect((await call('PATCH', path, { body: { ram: ' 16 GB ', purchasePrice: 1299.99 } })).body).to.include({ ram: '16 GB', purchasePrice: 1299.99 });
      expect((await call('PATCH', path, { body: { ram: '  ' } })).body, 'a blank is a cleared field, not an empty text').to.include({ ram: null });
    });

    it('refuses a query parameter a route does not read, so ?dryRun never saves and ?limit never shortens an export unseen', async () => {
      const [device] = (await call('GET', '/api/hardware?source=intune&limit=1')).body.items;
      const tried = await call('PATCH', `/api/hardware/${device.id}?dryRun=true`, { body: { ram: '64 GB' } });
      expect([tried.status, tried.body.errors]).to.deep.equal([400, [{ field: 'dryRun', message: 'property dryRun should not exist' }]]);
      expect(tried.body.fix).to.match(/^Send every field in the JSON body and no query string/);
      expect((await call('GET', `/api/hardware/${device.id}`)).body.ram, 'nothing saved').to.equal(device.ram);
      expect((await call('POST', '/api/hardware?dryRun=true', { body: { serial: 'DRY-RUN-1', name: 'Trial', category: 'other' } })).status).to.equal(400);
      expect((await call('GET', '/api/hardware?serial=DRY-RUN-1')).body.total, 'nothing registered').to.equal(0);
      const page = await call('GET', `/api/hardware/${device.id}/events?limit=1`);
      expect([page.status, page.body.errors?.[0]?.field]).to.deep.equal([400, 'limit']);

      const export10 = await call('GET', '/api/hardware/export.csv?source=intune&limit=10&after=x');
      expect([export10.status, export10.body.detail]).to.deep.equal([400, 'The export gives every matching row; limit, after would not be read.']);
      expect(export10.body.fix).to.equal('Leave offset, limit and after out; to read part of the register, page through GET /api/hardware with the same filters.');
      const sorted = await call('GET', '/api/hardware/export.csv?source=intune&sort=serial&order=desc');
      const serials = sorted.text.trimEnd().split('\r\n').slice(1).map((row) => row.split(',')[1]!);
      expect(serials.length).to.equal((await call('GET', '/api/hardware?source=intune&limit=1')).body.total);
      expect(serials, 'the export takes the search\'s sort and order').to.deep.equal([...serials].sort().reverse());
    });

    it('saves an edit sent with If-Match only while the record is as read, and refuses it with 412 once it changed', async () => {
      const [device] = (await call('GET', '/api/hardware?source=jamf&limit=1')).body.items;
      const path = `/api/hardware/${device.id}`;
      const read = await call('GET', path);
      const etag = read.headers.get('etag')!;
      expect(etag, 'a strong validator').to.match(/^"[^"]+"$/);
      // fetch sends Cache-Control: no-cache with a conditional header unless told otherwise.
      expect((await call('GET', path, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } })).status).to.equal(304);
      const saved = await call('PATCH', path, { body: { ram: '16 GB' }, headers: { 'if-match': etag } });
      expect(saved.status, saved.text).to.equal(200);
      const savedTag = saved.headers.get('etag');
      expect(savedTag).to.be.a('string').and.not.equal(etag);
      expect((await call('GET', path)).headers.get('etag'), 'the PATCH answers with the new ETag').to.equal(savedTag);
      const events = (await call('GET', `${path}/events`)).body.length;

      // A colleague's edit made on the first read: refused whole, the record kept as saved.
      const stale = await call('PATCH', path, { body: { ram: '8 GB', cpu: 'M1' }, headers: { 'if-match': etag } });
      expect(stale.status, stale.text).to.equal(412);
      expect(stale.body).to.include({ type: 'https://ontrackio.dev/problems/hardware-changed-since-read', field: 'If-Match' });
      expect(stale.body.fix).to.include('ETag');
      expect((await call('GET', path)).body).to.include({ ram: '16 GB', cpu: device.cpu });
      expect((await call('GET', `${path}/events`)).body).to.have.length(events);

      expect((await call('PATCH', path, { body: { cpu: 'M1' }, headers: { 'if-match': `W/${savedTag}` } })).status, 'a weak tag never matches').to.equal(412);
      expect((await call('PATCH', path, { body: { cpu: 'M1' }, headers: { 'if-match': `"other", ${savedTag}` } })).status, 'one of a list').to.equal(200);
      expect((await call('PATCH', path, { body: { cpu: 'M2' }, headers: { 'if-match': '*' } })).status, '* is any current record').to.equal(200);
      const malformed = await call('PATCH', path, { body: { cpu: 'M3' }, headers: { 'if-match': 'v1' } });
      expect(malformed.status, malformed.text).to.equal(400);
      expect(malformed.body.errors[0]).to.include({ field: 'If-Match' });
      expect((await call('PATCH', '/api/hardware/no-such-id', { body: { cpu: 'M3' }, headers: { 'if-match': etag } })).status).to.equal(404);
      expect((await call('GET', path)).body.cpu).to.equal('M2');
    });

    /** Intune entries added for one case: copies of the tenant's first device with these fields, taken out after. */
    async function withIntuneEntries(fields: GraphDevice[], check: (entries: GraphDevice[]) => Promise<void>): Promise<void> {
      const devices = world.intune.tenants.get(TENANT)!.devices;
      const entries = fields.map((f) => ({ ...devices[0]!, ...f }));
      devices.push(...entries);
      try {
        await check(entries);
      } finally {
        devices.splice(devices.indexOf(entries[0]!), entries.length);
      }
    }
    const importIntune = () => call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
    const recordOf = async (serial: string) => (await call('GET', `/api/hardware?serial=${serial}`)).body.items[0];

    it('lists the entries that share a serial most recent first, by instant, whatever way each time is written', () => withIntuneEntries([
      { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000a1', serialNumber: 'TWOTIMES01', lastSyncDateTime: '2026-11-26T10:30:00+02:00' },
      { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000a2', serialNumber: 'TWOTIMES01', lastSyncDateTime: '2026-11-26T09:00:00Z' },
      // One instant written two ways: a tie, which the larger id wins whichever is listed first.
      { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000b9', serialNumber: 'TWOTIMES02', lastSyncDateTime: '2026-11-26T10:00:00+02:00' },
      { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000b1', serialNumber: 'TWOTIMES02', lastSyncDateTime: '2026-11-26T08:00:00.000Z' },
    ], async ([earlier, later, tiedLarger]) => {
      const { body } = await call('GET', '/api/hardware/lookup?source=intune&serial=TWOTIMES01');
      expect(body.outcome).to.equal('ambiguous');
      expect(body.devices.map((d: { sourceDeviceId: string }) => d.sourceDeviceId), '09:00Z is after 10:30+02:00').to.deep.equal([later!.id, earlier!.id]);
      await importIntune();
      expect((await recordOf('TWOTIMES02')).sources[0].sourceDeviceId, 'the tie goes to the larger id, not to the entry listed last').to.equal(tiedLarger!.id);
    }));

    it('imports no MAC that is not a card\'s own: the phones\' 02:00:00:00:00:00 and group addresses fall back or stay empty', () => withIntuneEntries([
      { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000c1', serialNumber: 'NOCARDMAC01', wiFiMacAddress: '020000000000', ethernetMacAddress: null },
      { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000c2', serialNumber: 'NOCARDMAC02', wiFiMacAddress: '01005E0000FB', ethernetMacAddress: 'A483E7123456' },
    ], async () => {
      await importIntune();
      expect([(await recordOf('NOCARDMAC01')).macAddress, (await recordOf('NOCARDMAC02')).macAddress]).to.deep.equal([null, 'A4:83:E7:12:34:56']);
    }));

    /** Given this active user in the directory, when these Intune entries are imported, then each serial's record name and assignee name. */
    async function namesOnImport(user: { id: string; email: string; displayName: string }, entries: GraphDevice[]): Promise<Array<[string, string | null]>> {
      world.server.container.get<SqliteUserDirectory>(TOKENS.UserDirectory).upsert([{ ...user, active: true }]);
      const names: Array<[string, string | null]> = [];
      await withIntuneEntries(entries, async () => {
        await importIntune();
        for (const entry of entries) {
          const record = await recordOf(String(entry.serialNumber));
          names.push([record.name, record.assignee?.name ?? null]);
        }
      });
      return names;
    }
    const ada = { id: 'u-ada', email: 'ada.lovelace@acme.example', displayName: 'Lovelace, Ada' };

    it("names a device after its holder's first name when the directory lists the family name first (Lovelace, Ada → Ada's)", async () => {
      expect(await namesOnImport(ada, [
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000d1', serialNumber: 'FAMILYFIRST1', model: 'Surface Laptop 5', manufacturer: 'Microsoft Corporation', userPrincipalName: ada.email },
      ])).to.deep.equal([["Ada's Surface Laptop 5", 'Lovelace, Ada']]);
    });

    it("names a device by its product when the model repeats the maker with its company suffix (Dell Inc. Latitude 7440 → Ada's Latitude 7440)", async () => {
      expect(await namesOnImport(ada, [
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000d2', serialNumber: 'MAKERTWICE01', model: 'Dell Inc. Latitude 7440', manufacturer: 'Dell Inc.', userPrincipalName: ada.email },
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000d3', serialNumber: 'MAKERTWICE02', model: 'Dell Inc. Latitude 7440', manufacturer: 'Dell Inc.', deviceName: 'MAKERTWICE02', userPrincipalName: '' },
      ])).to.deep.equal([["Ada's Latitude 7440", 'Lovelace, Ada'], ['Latitude 7440 MAKERTWICE02', null]]);
    });

    it("names a device after the holder's first name when the directory's display name is only their address (as for guests)", async () => {
      const hedy = { id: 'u-hedy', email: 'hedy.lamarr@acme.example', displayName: 'hedy.lamarr@acme.example' };
      expect(await namesOnImport(hedy, [
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000d4', serialNumber: 'ADDRESSNAME1', model: 'Surface Laptop 5', manufacturer: 'Microsoft Corporation', userPrincipalName: hedy.email },
      ])).to.deep.equal([["Hedy's Surface Laptop 5", 'Hedy']]);
    });

    it('refuses a typed status that contradicts who holds the device, and saves nothing', () => {
      world.server.container.get<SqliteUserDirectory>(TOKENS.UserDirectory).upsert([{ id: 'u-grace', email: 'grace.hopper@acme.example', displayName: 'Grace Hopper', active: true }]);
      return withIntuneEntries([
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000f1', serialNumber: 'HELDBYGRACE1', userPrincipalName: 'grace.hopper@acme.example' },
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000f2', serialNumber: 'HELDBYNOONE1', userPrincipalName: 'nobody.here@acme.example' },
      ], async () => {
        await importIntune();
        const [held, free] = [await recordOf('HELDBYGRACE1'), await recordOf('HELDBYNOONE1')];
        expect([held.status, free.status]).to.deep.equal(['assigned', 'available']);
        const freed = await call('PATCH', `/api/hardware/${held.id}`, { body: { status: 'available', cpu: 'M3' } });
        expect([freed.status, freed.body.type, freed.body.field]).to.deep.equal([422, 'https://ontrackio.dev/problems/status-while-assigned', 'status']);
        expect(freed.body.detail).to.equal('status "available" says nobody holds the device, but it is assigned to grace.hopper@acme.example.');
        expect(freed.body.fix).to.match(/^Recover it from grace\.hopper@acme\.example first \(see Assign and recover hardware\)/);
        expect(await recordOf('HELDBYGRACE1'), 'nothing saved').to.include({ status: 'assigned', cpu: null });
        expect((await call('PATCH', `/api/hardware/${held.id}`, { body: { status: 'lost' } })).body, 'a lost device stays its holder\'s').to.include({ status: 'lost' });

        const claimed = await call('PATCH', `/api/hardware/${free.id}`, { body: { status: 'assigned' } });
        expect([claimed.status, claimed.body.type, claimed.body.detail]).to.deep.equal([422, 'https://ontrackio.dev/problems/status-without-assignee', 'status "assigned" needs a person who holds the device, and nobody does.']);
        const registered = await call('POST', '/api/hardware', { body: { serial: 'HAND-HELD-1', name: 'Spare phone', category: 'phone', status: 'assigned' } });
        expect([registered.status, registered.body.type]).to.deep.equal([422, 'https://ontrackio.dev/problems/status-without-assignee']);
        expect((await call('GET', '/api/hardware?serial=HAND-HELD-1')).body.total, 'nothing registered').to.equal(0);
      });
    });

    it('reads an iPad that Intune reports as iOS as iPadOS, as a Jamf iPad reads; an iPhone stays iOS', async () => {
      const systems = async (text: string) => new Set((await call('GET', `/api/hardware?source=intune&q=${text}&limit=1000`)).body.items
        .filter((r: { model: string }) => r.model.toLowerCase().startsWith(text)).map((r: { operatingSystem: string }) => r.operatingSystem));
      expect([...(await systems('ipad'))]).to.deep.equal(['iPadOS']);
      expect([...(await systems('iphone'))]).to.deep.equal(['iOS']);
      const { body } = await call('GET', `/api/hardware/lookup?source=intune&serial=${encodeURIComponent((await call('GET', '/api/hardware?source=intune&q=ipad&limit=1')).body.items[0].serial)}`);
      expect((body.device ?? body.devices[0]).operatingSystem, 'Look up by serial fills the form the same way').to.equal('iPadOS');
    });

    /** When these Intune entries are imported, then the category each one's record is filed under. */
    async function categoriesOnImport(entries: GraphDevice[]): Promise<string[]> {
      const categories: string[] = [];
      await withIntuneEntries(entries, async () => {
        await importIntune();
        for (const entry of entries) categories.push((await recordOf(String(entry.serialNumber))).category);
      });
      return categories;
    }

    it('files a headset Intune manages (Meta Quest on Android, HoloLens on Windows) as a headset, not a phone or other', async () => {
      expect(await categoriesOnImport([
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000e1', serialNumber: 'HEADSETQ3001', manufacturer: 'Oculus', model: 'Quest 3', operatingSystem: 'Android', userPrincipalName: '' },
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000e2', serialNumber: 'HEADSETHL002', manufacturer: 'Microsoft Corporation', model: 'HoloLens 2', operatingSystem: 'Windows', userPrincipalName: '' },
      ])).to.deep.equal(['headset', 'headset']);
    });

    it('files devices whose model is a code rather than a product name (a Lenovo machine type, a Mac identifier) or a name whose number runs on (Galaxy Watch6)', async () => {
      expect(await categoriesOnImport([
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000a7', serialNumber: 'PF4LENOVO01', manufacturer: 'LENOVO', model: '21HM004GUS', operatingSystem: 'Windows', userPrincipalName: '' },
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000a8', serialNumber: 'C02MACID0001', manufacturer: 'Apple', model: 'MacBookPro18,3', operatingSystem: 'macOS', userPrincipalName: '' },
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000a9', serialNumber: 'R5CWATCH0001', manufacturer: 'samsung', model: 'Galaxy Watch6', operatingSystem: 'Android', userPrincipalName: '' },
      ])).to.deep.equal(['laptop', 'laptop', 'watch']);
    });

    it('files the Android devices Intune manages that are not phones: a meeting-room bar as other, a rugged Zebra tablet as a tablet', async () => {
      expect(await categoriesOnImport([
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000e3', serialNumber: 'ROOMBAR00001', manufacturer: 'Yealink', model: 'MeetingBar A30', operatingSystem: 'Android', userPrincipalName: '' },
        { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000e4', serialNumber: 'RUGGEDTAB001', manufacturer: 'Zebra Technologies', model: 'ET40', operatingSystem: 'Android', userPrincipalName: '' },
      ])).to.deep.equal(['other', 'tablet']);
    });

    it('finds a device by the MAC address a network tool shows, in its notation: ipconfig\'s dashes, a switch\'s dots, or a prefix', () => withIntuneEntries([
      { id: '0f1e2d3c-aaaa-4bbb-8ccc-0000000000c7', serialNumber: 'BYMACADDR001', wiFiMacAddress: '7CD30A5E91F4', ethernetMacAddress: null, userPrincipalName: '' },
    ], async () => {
      await importIntune();
      for (const typed of ['7C-D3-0A-5E-91-F4', '7cd3.0a5e.91f4', '7C:D3:0A:5E:91:F4', '7c-d3-0a']) {
        const { body } = await call('GET', `/api/hardware?q=${encodeURIComponent(typed)}`);
        expect(body.items.map((r: { serial: string }) => r.serial), typed).to.deep.equal(['BYMACADDR001']);
      }
    }));

    it('looks a serial up in the MDM without writing to the register', async () => {
      const [device] = (await call('GET', '/api/hardware?source=intune&limit=1')).body.items;
      const before = (await call('GET', '/api/hardware?limit=1')).body.total;
      const { body } = await call('GET', `/api/hardware/lookup?source=intune&serial=${encodeURIComponent(device.serial)}`);
      expect(body.outcome).to.be.oneOf(['found', 'ambiguous']);
      expect(body.registered, 'the record that has the serial already, so the form need not try to register it').to.deep.equal({ id: device.id, assetTag: device.assetTag, name: device.name });
      expect((await call('GET', '/api/hardware?limit=1')).body.total).to.equal(before);
      expect((await call('GET', '/api/hardware/lookup?source=intune&serial=NOPE9999')).body).to.deep.include({ outcome: 'not-found', registered: null });
      const placeholder = await call('GET', '/api/hardware/lookup?source=intune&serial=N%2FA');
      expect(placeholder.status, placeholder.text).to.equal(422);
      expect(placeholder.body).to.include({ field: 'serial' });
      const pasted = await call('GET', `/api/hardware/lookup?source=intune&serial=${encodeURIComponent(`\u200b${device.serial}`)}`);
      expect(pasted.status, pasted.text).to.equal(422);
      expect(pasted.body).to.include({ field: 'serial' });
      expect(pasted.body.detail).to.include('U+200B at character 1');
    });
  });

  describe('Edges', () => {
    it('serves liveness, readiness and the OpenAPI document', async () => {
      expect((await call('GET', '/healthz', { role: null })).body).to.deep.equal({ status: 'ok' });
      expect((await call('GET', '/readyz', { role: null })).body).to.include({ status: 'ready' });
      const doc = (await call('GET', '/openapi.json', { role: null })).body;
      expect(doc.openapi).to.equal('3.1.0');
    });

    it('limits the body size and explains bad JSON', async () => {
      const huge = await call('PUT', '/api/admin/integrations/jamf', { rawBody: JSON.stringify({ tenantUrl: 'x'.repeat(100_000) }) });
      expect(huge.status).to.equal(413);
      const broken = await call('PUT', '/api/admin/integrations/jamf', { rawBody: '{"enabled": tru' });
      expect(broken.status).to.equal(400);
      expect(broken.body.fix).to.match(/JSON object/);
    });

    it('refuses __proto__ and constructor in a body by name, as unknown fields, and changes nothing', async () => {
      const [record] = (await call('GET', '/api/hardware?limit=1')).body.items;
      const { status, body } = await call('PATCH', `/api/hardware/${record.id}`, { rawBody: '{"__proto__":{"status":"lost"},"constructor":{"x":1},"name":"Renamed"}' });
      expect(status).to.equal(400);
      expect(body.errors).to.deep.equal([
        { field: '__proto__', message: 'property __proto__ should not exist' },
        { field: 'constructor', message: 'property constructor should not exist' },
      ]);
      expect((await call('GET', `/api/hardware/${record.id}`)).body).to.deep.equal(record);
    });

    it('sends security headers', async () => {
      const { headers } = await call('GET', '/healthz', { role: null });
      expect(headers.get('x-content-type-options')).to.equal('nosniff');
      expect(headers.get('content-security-policy')).to.be.a('string');
      expect(headers.get('x-powered-by')).to.equal(null);
    });

    it('answers unknown routes with a problem', async () => {
      const { status, body } = await call('GET', '/api/nothing-here');
      expect(status).to.equal(404);
      expect(body.detail).to.match(/openapi\.json/);
    });

    it('answers a method a route does not take with 405 and the methods it does', async () => {
      const [record] = (await call('GET', '/api/hardware?limit=1')).body.items;
      const deleted = await call('DELETE', `/api/hardware/${record.id}`);
      expect(deleted.status).to.equal(405);
      expect(deleted.headers.get('allow')).to.equal('GET, HEAD, PATCH');
      expect(deleted.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(deleted.body.detail).to.equal(`/api/hardware/${record.id} does not take DELETE; it takes GET, HEAD, PATCH.`);
      const rebuild = await call('GET', '/api/admin/register/rebuild');
      expect([rebuild.status, rebuild.headers.get('allow')]).to.deep.equal([405, 'POST']);
      expect((await call('GET', `/api/hardware/${record.id}`)).body, 'nothing was deleted').to.deep.equal(record);
    });

    it('quotes a path of any length short in a 404 or 405', async () => {
      const long = 'y'.repeat(3000);
      const notAllowed = await call('GET', `/api/admin/integrations/${long}`);
      expect(notAllowed.status).to.equal(405);
      expect(notAllowed.body.detail).to.equal(`/api/admin/integrations/${long.slice(0, 120 - '/api/admin/integrations/'.length)}… does not take GET; it takes PUT.`);
      const noRoute = await call('GET', `/api/${long}`);
      expect(noRoute.status).to.equal(404);
      expect(noRoute.body.detail).to.equal(`No route GET /api/${long.slice(0, 120 - '/api/'.length)}…. See /openapi.json.`);
    });

    it('quotes a bad path encoding, charset or Content-Encoding of any length short', async () => {
      const answers = [
        await call('GET', `/api/hardware/${'%ff'.repeat(1000)}`),
        await call('PUT', '/api/admin/settings/source-precedence', { rawBody: '{}', headers: { 'content-type': `application/json; charset=${'q'.repeat(3000)}` } }),
        await call('PUT', '/api/admin/settings/source-precedence', { rawBody: '{}', headers: { 'content-encoding': 'q'.repeat(3000) } }),
      ];
      expect(answers.map((a) => a.status)).to.deep.equal([400, 415, 415]);
      for (const { body } of answers) {
        expect(body.detail.length, body.detail.slice(0, 80)).to.be.below(200);
        expect(body.detail).to.include('…');
        expect(body.fix).to.be.a('string');
      }
    });
  });

  describe('Secrets are never disclosed', () => {
    it('not in any response, log line, event or stored byte', async () => {
      for (const secret of [SECRET, JAMF_SECRET]) {
        for (const text of responses) expect(text).to.not.include(secret);
        for (const line of world.logLines) expect(line).to.not.include(secret);
        const events = await world.server.container.get<EventStore>(TOKENS.EventStore).readAll({ after: 0, maxCount: 1_000_000 });
        expect(JSON.stringify(events)).to.not.include(secret);
      }
      for (const token of Object.values(TOKENS_BY_ROLE)) for (const line of world.logLines) expect(line).to.not.include(token);
    });
  });

  it('keeps stored settings sealed on disk', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-http-'));
    const onDisk = await startHttpWorld({ DATA_FILE: join(dir, 'store.sqlite') });
    try {
      await onDisk.call('PUT', '/api/admin/integrations/intune', { body: { ...intuneBody(onDisk) } });
      // The file and its write-ahead log together: the settings are in one or the other, depending on
      // whether the checkpoint thread has copied the log back yet.
      const stored = Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('store.sqlite')).map((f) => readFileSync(join(dir, f))));
      expect(stored.includes(Buffer.from(SECRET)), 'the secret, in the file or its log').to.equal(false);
      expect(stored.includes(Buffer.from(TENANT)), 'the tenant ID, stored in the clear').to.equal(true);
    } finally {
      await onDisk.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
