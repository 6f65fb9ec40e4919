import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type { HostileMode } from '../emulators/hostile.js';
import { runCliProcess, type Reply, type ServerProcess } from './support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from './support/world.js';
import './support/tally.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

const PROBLEM = /^application\/problem\+json/;

/**
 * The real server process against emulators that misbehave as a broken or hostile MDM would. Each case
 * asserts what the caller was told and what was kept: no credential left its host, no run hung, no 500.
 */
describe('Reliability: hostile MDMs and credentials that stay home (real server process)', function () {
  this.timeout(120_000);
  let world: ReliabilityWorld;
  let server: ServerProcess;
  let foreign: { intune: string; jamf: string };
  let dataFile: string;

  const importFrom = (source: 'intune' | 'jamf') => server.call('POST', `/api/admin/bulk-import/mdm/${source}`, WAIT_FOR_RESULT);
  const serials = async () => {
    const page = await server.call('GET', '/api/hardware?limit=1000');
    return (page.body.items as Array<{ serial: string }>).map((r) => r.serial);
  };
  const foreignHits = async (source: 'intune' | 'jamf') => (await world.stats(source)).foreignHits;
  /** What the foreign origin received while `act` ran. */
  async function foreignHitsDuring(source: 'intune' | 'jamf', act: () => Promise<unknown>) {
    const before = (await foreignHits(source)).length;
    await act();
    return (await foreignHits(source)).slice(before);
  }
  /** Under a hostile mode, then back to normal; no answer of the server may be a 500. */
  async function under<T>(source: 'intune' | 'jamf', mode: HostileMode, act: () => Promise<T>): Promise<T> {
    await world.hostile(source, mode);
    try {
      return await act();
    } finally {
      await world.hostile(source, {});
    }
  }
  function failedRun(reply: Reply, pattern: RegExp): void {
    expect(reply.status, reply.text).to.equal(502);
    expect(reply.headers.get('content-type')).to.match(PROBLEM);
    expect(reply.body.detail, reply.body.detail).to.match(pattern);
    expect(reply.body.result.status).to.equal('failed');
  }

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '2500', '--jamf-computers', '300', '--jamf-mobiles', '100', '--clean']);
    dataFile = world.dataFile('hostile');
    server = await world.start(dataFile, { MDM_CONNECT_TIMEOUT_SECONDS: '2', MDM_RESPONSE_TIMEOUT_SECONDS: '2', MDM_ANSWER_DEADLINE_SECONDS: '5', MDM_MAX_PAGES: '20', MDM_MAX_RESPONSE_MIB: '8' });
    expect((await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() })).status).to.equal(200);
    expect((await server.call('PUT', '/api/admin/integrations/jamf', { body: world.jamfSettings() })).status).to.equal(200);
    foreign = { intune: String((await world.stats('intune')).foreignUrl), jamf: String((await world.stats('jamf')).foreignUrl) };
  });
  after(async () => world?.close());

  describe('a stored secret goes only where it was saved for', () => {
    const { intuneSettings, jamfSettings } = { intuneSettings: (o: Record<string, unknown>) => world.intuneSettings({ clientSecret: undefined, ...o }), jamfSettings: (o: Record<string, unknown>) => world.jamfSettings({ clientSecret: undefined, ...o }) };

    for (const [field, value] of [['tenantUrl', 'foreign'], ['clientId', '0b7e5a1c-2d3f-4a5b-8c6d-7e8f9a0b1c2d']] as const) {
      it(`Jamf: testing another ${field} without typing the secret is refused, naming clientSecret, and nothing is sent`, async () => {
        let reply!: Reply;
        const hits = await foreignHitsDuring('jamf', async () => (reply = await server.call('POST', '/api/admin/integrations/jamf/test', { body: jamfSettings({ [field]: value === 'foreign' ? foreign.jamf : value }) })));
        expect(reply.status, reply.text).to.equal(422);
        expect(reply.body).to.include({ field: 'clientSecret' });
        expect(reply.body.detail).to.include(field);
        expect(hits).to.deep.equal([]);
      });
    }

    for (const field of ['authorityHost', 'graphBaseUrl', 'tenantId', 'clientId'] as const) {
      it(`Intune: testing or saving another ${field} without typing the secret is refused with 422`, async () => {
        const other = field === 'tenantId' || field === 'clientId' ? '5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f' : foreign.intune;
        const hits = await foreignHitsDuring('intune', async () => {
          for (const [method, path] of [['POST', '/api/admin/integrations/intune/test'], ['PUT', '/api/admin/integrations/intune']] as const) {
            const reply = await server.call(method, path, { body: intuneSettings({ [field]: other }) });
            expect(reply.status, `${method} ${reply.text}`).to.equal(422);
            expect(reply.body).to.include({ field: 'clientSecret' });
          }
        });
        expect(hits).to.deep.equal([]);
        const card = (await server.call('GET', '/api/admin/integrations')).body.find((c: { source: string }) => c.source === 'intune');
        expect(card.settings[field]).to.not.equal(other);
      });
    }

    it('saving the same values without the secret keeps it; typing it again allows a new address', async () => {
      expect((await server.call('PUT', '/api/admin/integrations/jamf', { body: jamfSettings({}) })).body.status).to.equal('Configured');
      const typed = await server.call('POST', '/api/admin/integrations/jamf/test', { body: world.jamfSettings({ tenantUrl: foreign.jamf }) });
      expect(typed.status).to.equal(200);
      expect(typed.body).to.include({ ok: false, cause: 'wrong-tenant-url' });
      expect(typed.body.message).to.match(/answered without an access_token/);
    });
  });

  describe('paging links are followed only on the configured origin', () => {
    for (const where of ['other-port', 'other-host'] as const) {
      it(`stops the run at a nextLink on another origin (${where}), sends nothing there and imports none of its devices`, async () => {
        let reply!: Reply;
        const hits = await foreignHitsDuring('intune', async () => (reply = await under('intune', { foreignNextLink: where }, () => importFrom('intune'))));
        failedRun(reply, /paging link to another origin \(https:\/\/(127\.0\.0\.1|localhost):\d+\)/);
        expect(hits).to.deep.equal([]);
        expect(await serials()).to.not.include('FOREIGN-1');
      });
    }

    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: a redirect to another origin is not followed`, async () => {
        let reply!: Reply;
        const hits = await foreignHitsDuring(source, async () => (reply = await under(source, { redirectToForeign: true }, () => importFrom(source))));
        failedRun(reply, /redirect \(302/);
        expect(hits).to.deep.equal([]);
      });
    }
  });

  describe('paging always ends', () => {
    it('Entra ID metadata that names a token endpoint on another origin gets no client secret sent there (run and test)', async () => {
      const pattern = /Entra ID's metadata named a token endpoint on another origin \(https:\/\/127\.0\.0\.1:\d+\), not the configured authority https:\/\/127\.0\.0\.1:\d+; the client secret was not sent there/;
      const hits = await foreignHitsDuring('intune', async () => {
        failedRun(await under('intune', { foreignTokenEndpoint: true }, () => importFrom('intune')), pattern);
        const test = await under('intune', { foreignTokenEndpoint: true }, () => server.call('POST', '/api/admin/integrations/intune/test'));
        expect(test.status).to.equal(200);
        expect(test.body).to.include({ ok: false, cause: 'token-endpoint-elsewhere' });
        expect(test.body.message).to.match(pattern);
      });
      expect(hits).to.deep.equal([]);
    });

    it('a nextLink of 100,000 characters is not followed (nor kept), and the run says so', async () => {
      failedRun(await under('intune', { longNextLink: 100_000 }, () => importFrom('intune')), /Microsoft Graph sent a paging link of 100,000 characters; one over 8,192 is not followed/);
    });

    it('a nextLink that points back at its own page ends the run, saying it would never end', async () => {
      failedRun(await under('intune', { nextLinkLoop: true }, () => importFrom('intune')), /linked back to a page it had already sent/);
    });

    it('endless empty pages end the listing with a warning in the banner, never a silent completion', async () => {
      const reply = await under('intune', { emptyPagesForever: true }, () => importFrom('intune'));
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.warnings.join(' ')).to.match(/empty page that still linked to more/);
    });

    for (const [lie, pattern] of [
      [1e9, /announced 1000000000 computers but sent 300/],
      [-5, /announced -5 as the number of computers, which is not a count/],
      [301, /announced 301 computers but sent 300/],
    ] as const) {
      it(`a Jamf totalCount of ${lie} ends the run with what was served and a warning`, async () => {
        const reply = await under('jamf', { totalCount: lie }, () => importFrom('jamf'));
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body.warnings.join(' ')).to.match(pattern);
        const runs = (await server.call('GET', '/api/admin/bulk-import/mdm/runs?source=jamf&limit=1')).body;
        expect(runs[0].warnings.join(' ')).to.match(pattern);
      });
    }
  });

  describe('a page that is not device data fails the run and says so', () => {
    const cases: Array<[string, 'intune' | 'jamf', HostileMode, RegExp]> = [
      ['an HTML page (Intune)', 'intune', { htmlPage: true }, /Microsoft Graph answered with an HTML page, not device data/],
      ['an HTML page (Jamf)', 'jamf', { htmlPage: true }, /Jamf Pro answered the computers inventory with an HTML page, not device data.*check the Tenant URL/i],
      ['JSON without the value array', 'intune', { oddJson: 'no-array' }, /without a "value" array/],
      ['JSON without the results array', 'jamf', { oddJson: 'no-array' }, /no "results" array/],
      ['an object where the array belongs (Intune)', 'intune', { oddJson: 'object-for-array' }, /without a "value" array/],
      ['an object where the array belongs (Jamf)', 'jamf', { oddJson: 'object-for-array' }, /no "results" array/],
      ['JSON cut short (Intune)', 'intune', { oddJson: 'cut-short' }, /Microsoft Graph answered with JSON that does not parse \(.+\): cut short on the way, or not Graph's\. Run the import again/],
      ['JSON cut short (Jamf)', 'jamf', { oddJson: 'cut-short' }, /Jamf Pro answered the computers inventory with JSON that does not parse: cut short on the way, or not Jamf's\. Run the import again/],
    ];
    for (const [what, source, mode, pattern] of cases) {
      it(`${what}`, async () => {
        failedRun(await under(source, mode, () => importFrom(source)), pattern);
      });
    }
  });

  describe('what an MDM answers is quoted in a failure or warning, never carried whole', () => {
    const MEGA = 1_000_000;
    const DEEP = 100_000;
    /** The run's answer and its place in the history both say it in a few lines. */
    async function shortlyTold(source: 'intune' | 'jamf', said: string, pattern: RegExp) {
      expect(said, said.slice(0, 300)).to.match(pattern);
      expect(said.length).to.be.below(1_000);
      const [run] = (await server.call('GET', `/api/admin/bulk-import/mdm/runs?source=${source}&limit=1`)).body;
      expect(JSON.stringify(run).length).to.be.below(3_000);
    }
    const failures: Array<['intune' | 'jamf', { status: number; text: string }, RegExp]> = [
      ['intune', { status: 400, text: JSON.stringify({ error: { code: 'BadRequest', message: 'x'.repeat(MEGA) } }) }, /Microsoft answered 400: x+…\./],
      ['jamf', { status: 403, text: JSON.stringify({ httpStatus: 403, errors: [{ code: 'C'.repeat(MEGA), description: 'refused' }] }) }, /Jamf Pro refused \/api\/v\d\/computers-inventory\S* \(403 C+…\)/],
      ['jamf', { status: 400, text: JSON.stringify({ httpStatus: 400, errors: [{ code: 'INVALID_FIELD', description: 'd'.repeat(MEGA) }] }) }, /Jamf Pro answered 400 for \S+: \{"httpStatus":400,"errors":\[\{"code":"INVALID_FIELD","description":"d+…/],
      ['intune', { status: 200, text: JSON.stringify({ ['k'.repeat(MEGA)]: 1 }) }, /without a "value" array of devices \(it has k+…\)/],
      ['jamf', { status: 200, text: JSON.stringify({ ['k'.repeat(MEGA)]: 1 }) }, /no "results" array \(it has k+…\)/],
    ];
    for (const [source, answer, pattern] of failures) {
      it(`${source}: a ${answer.status} answer holding ${MEGA.toLocaleString('en-US')} characters fails the run with a quote of it`, async () => {
        const reply = await under(source, { errorAnswer: answer }, () => importFrom(source));
        failedRun(reply, pattern);
        await shortlyTold(source, reply.body.detail, pattern);
      });
    }
    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: an error answer nested ${DEEP.toLocaleString('en-US')} deep fails the run naming the status, not the parser's stack`, async () => {
        const pattern = source === 'intune' ? /Microsoft answered 400 without an error message\./ : /Jamf Pro answered 400 for \S+: \[\[\[/;
        const reply = await under(source, { errorAnswer: { status: 400, text: '['.repeat(DEEP) + ']'.repeat(DEEP) } }, () => importFrom(source));
        failedRun(reply, pattern);
        expect(reply.body.detail).not.to.match(/call stack/i);
        await shortlyTold(source, reply.body.detail, pattern);
      });
    }
    for (const [lie, mode, pattern] of [
      [`a text of ${MEGA.toLocaleString('en-US')} characters`, { totalCount: 'n'.repeat(MEGA) }, /Jamf Pro announced "n+…" as the number of computers, which is not a count; 300 were read/],
      [`an array nested ${DEEP.toLocaleString('en-US')} deep`, { totalCountDepth: DEEP }, /Jamf Pro announced \[{60}… as the number of computers, which is not a count; 300 were read/],
    ] as const) {
      it(`a Jamf totalCount of ${lie} ends the run with what was served and a warning that quotes it`, async () => {
        const reply = await under('jamf', mode, () => importFrom('jamf'));
        expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
        await shortlyTold('jamf', reply.body.warnings.join(' '), pattern);
      });
    }
  });

  it('Jamf: a server that sets 60 new cookies on every page gets at most 50 back, the sticky session\'s among them', async () => {
    const counts = async () => {
      const stats = await world.stats('jamf');
      return { calls: Number(stats.inventoryCalls), sticky: Number(stats.withStickyCookie), most: Number(stats.mostCookiesSent) };
    };
    const before = await counts();
    const reply = await under('jamf', { cookieFlood: 60 }, () => importFrom('jamf'));
    expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
    const after = await counts();
    expect(after.calls - before.calls).to.be.at.least(2);
    expect(after.most).to.be.within(2, 50);
    expect(after.sticky - before.sticky).to.equal(after.calls - before.calls);
  });

  describe('a value of a type no real device reports is left out, and the device is imported', () => {
    for (const [source, checkIn] of [['intune', 'yesterday'], ['jamf', 'yesterday'], ['intune', '12/31/2099'], ['jamf', '12/31/2099']] as const) {
      it(`${source}: a twin entry whose check-in time is "${checkIn}" (and, from Jamf, lists a disk that is null) loses to the real entry and records no such time`, async () => {
        const checkIns = async () => {
          const times: Array<string | null> = [];
          for (let offset = 0; ; offset += 1000) {
            const page = await server.call('GET', `/api/hardware?limit=1000&offset=${offset}&source=${source}`);
            const items = page.body.items as Array<{ sources: Array<{ source: string; lastSyncedAt: string | null }> }>;
            if (items.length === 0) return times;
            for (const link of items.flatMap((r) => r.sources)) if (link.source === source) times.push(link.lastSyncedAt);
          }
        };
        const reply = await under(source, { oddlyTypedTwin: checkIn }, () => importFrom(source));
        expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
        expect(reply.body.counts.errors, JSON.stringify(reply.body.failedDevices)).to.equal(0);
        const recorded = await checkIns();
        expect(recorded.length).to.be.greaterThan(0);
        expect(recorded.filter((t) => t !== null && !/^\d{4}-\d{2}-\d{2}T/.test(t))).to.deep.equal([]);
      });
    }
  });

  describe('a value longer than any real one is that device\'s error, not part of the register', () => {
    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: a model of 1,000,000 characters fails that device, naming the field; the rest is imported`, async () => {
        const reply = await under(source, { longModel: 1_000_000 }, () => importFrom(source));
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body.counts.errors).to.equal(1);
        const [failed] = reply.body.failedDevices as Array<{ reason: string; detail: string }>;
        expect(failed).to.include({ reason: 'field-too-long' });
        expect(failed!.detail).to.match(/model is 1,000,000 characters long; the register takes reported values of at most 1,000/);
        expect(reply.body.counts.unchanged + reply.body.counts.created + reply.body.counts.updated).to.be.greaterThan(0);
      });
    }
  });

  describe('a serial or an id that is not whole text is that device\'s error, on every run', () => {
    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: a serial ending in half of a character fails that device, naming serialNumber, on the first run and the next`, async () => {
        const records = async () => (await server.call('GET', '/api/hardware?limit=1')).body.total as number;
        expect((await importFrom(source)).status).to.equal(200);
        const before = await records();
        for (const run of ['first', 'next']) {
          const reply = await under(source, { halfCharacterIn: ['serialNumber'] }, () => importFrom(source));
          expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
          expect(reply.body.counts, `${run} run: ${JSON.stringify(reply.body.failedDevices)}`).to.include({ errors: 1, created: 0, missing: 0 });
          const [failed] = reply.body.failedDevices as Array<{ reason: string; detail: string }>;
          expect(failed, `${run} run`).to.include({ reason: 'invalid-serial' });
          expect(failed!.detail).to.match(/^serialNumber ".*\\ud800" is not a usable serial \(it holds half of a character/);
        }
        expect(await records(), 'no record for the broken serial').to.equal(before);
      });

      it(`${source}: a serial that looks like a record's own but holds a zero-width space fails that device, naming the character; no look-alike record is made`, async () => {
        const records = async () => (await server.call('GET', '/api/hardware?limit=1')).body.total as number;
        expect((await importFrom(source)).status).to.equal(200);
        const before = await records();
        const reply = await under(source, { invisibleInSerial: '\u200b' }, () => importFrom(source));
        expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
        expect(reply.body.counts, JSON.stringify(reply.body.failedDevices)).to.include({ errors: 1, created: 0, missing: 0 });
        const [failed] = reply.body.failedDevices as Array<{ reason: string; field: string; detail: string }>;
        expect(failed).to.include({ reason: 'invalid-serial' });
        expect(failed!.detail).to.match(/^serialNumber ".{3}\u200b.*" is not a usable serial \(it holds an invisible character, U\+200B at character 4,/);
        expect(await records(), 'no second record that reads the same').to.equal(before);
      });

      it(`${source}: an id ending in half of a character makes the entry unreadable, named by position, and the run goes on`, async () => {
        expect((await importFrom(source)).status).to.equal(200);
        const reply = await under(source, { halfCharacterIn: ['id', 'serialNumber'] }, () => importFrom(source));
        expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
        expect(reply.body.counts, JSON.stringify(reply.body.failedDevices)).to.include({ errors: 1, created: 0, missing: 0 });
        const [failed] = reply.body.failedDevices as Array<{ sourceDeviceId: string; detail: string }>;
        expect(failed!.sourceDeviceId).to.equal('#1');
        expect(failed!.detail).to.match(/^Entry 1 of .*: its id is string ".*\\ud800", not an identifier\./);
        // Its id is not kept: a retry could not ask the MDM for it (a URL cannot carry half a character).
        const retried = await server.call('POST', `/api/admin/bulk-import/mdm/runs/${reply.body.runId}/retry`, WAIT_FOR_RESULT);
        expect(retried.status, retried.text.slice(0, 300)).to.equal(422);
      });
    }
  });

  describe('what an MDM calls a device, the CLI prints as text: a terminal never runs it', () => {
    // Retitles the window, then starts a line that reads like the CLI's own, then reverses the rest.
    const CONTROLS = '\u001b]0;owned\u0007\n0 errors\u202e';
    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: a device name holding escape sequences, a line break and a direction override is shown escaped, on one line`, async () => {
        const namesFile = world.dataFile(`names-${source}`);
        const fresh = await world.start(namesFile);
        try {
          const settings = source === 'intune' ? world.intuneSettings() : world.jamfSettings();
          expect((await fresh.call('PUT', `/api/admin/integrations/${source}`, { body: settings })).status).to.equal(200);
          const reply = await under(source, { controlsInName: CONTROLS }, () => fresh.call('POST', `/api/admin/bulk-import/mdm/${source}`, WAIT_FOR_RESULT));
          expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
          const named = (await fresh.call('GET', `/api/hardware?q=${encodeURIComponent('owned')}`)).body.items as Array<{ serial: string; name: string }>;
          expect(named.map((r) => r.name.slice(0, CONTROLS.length)), 'the register keeps the name as reported').to.deep.equal([CONTROLS]);
          const shown = await runCliProcess(['register', '--serial', named[0]!.serial], world.env(namesFile));
          expect(shown.code, shown.stderr).to.equal(0);
          expect(shown.stdout).to.include('\\u001b]0;owned\\u0007\\u000a0 errors\\u202e');
          expect(shown.stdout.trimEnd().split('\n'), 'the record and the count, nothing else').to.have.length(2);
          expect(shown.stdout.replace(/\n/g, ''), 'no character a terminal acts on').not.to.match(/[\u0000-\u001f\u007f-\u009f\u202e]/);
        } finally {
          await fresh.kill();
        }
      });
    }
  });

  describe('a lookup by serial shows only the devices that report that serial', () => {
    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: an MDM that ignores the serial filter and answers every device still gives the one device asked for`, async () => {
        expect((await importFrom(source)).status).to.equal(200);
        // The source's first record made: its device is on the listing's first page, the one a lookup reads.
        const { items } = (await server.call('GET', `/api/hardware?limit=1&source=${source}&sort=assetTag`)).body as { items: Array<{ serial: string }> };
        const serial = items[0]!.serial;
        const reply = await under(source, { ignoresFilter: true }, () => server.call('GET', `/api/hardware/lookup?source=${source}&serial=${encodeURIComponent(serial.toLowerCase())}`));
        expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
        expect(reply.body.outcome, reply.text.slice(0, 300)).to.equal('found');
        expect(reply.body.device.serial).to.equal(serial);
      });
    }
  });

  describe('a page of many more entries than any MDM sends is not read entry by entry', () => {
    for (const [source, pattern] of [['intune', /Microsoft Graph sent 10,001 entries in one page, where a page holds up to 1,000; over 10,000 is not read/], ['jamf', /Jamf Pro sent 10,001 entries in one page of the computers inventory, where a page holds up to 2,000; over 10,000 is not read/]] as const) {
      it(`${source}: 10,001 entries fail the run instead of becoming 10,001 reported errors`, async () => {
        failedRun(await under(source, { floodEntries: 10_001 }, () => importFrom(source)), pattern);
      });
    }
  });

  describe('a listing of more unreadable entries than any real one is stopped, not recorded entry by entry', () => {
    for (const [source, mode, pattern] of [
      ['intune', { unreadablePages: 5_000 }, /Microsoft Graph sent over 10,000 entries that are not device records in one listing; it was not read further/],
      ['jamf', { unreadablePages: 5_000, totalCount: 1e9 }, /Jamf Pro sent over 10,000 entries that are not device records in the computers listing; it was not read further/],
    ] as const) {
      it(`${source}: pages of 5,000 entries that are not devices fail the run past 10,000, keeping what was recorded`, async () => {
        const reply = await under(source, mode, () => importFrom(source));
        failedRun(reply, pattern);
        expect(reply.body.result.counts.errors).to.be.within(1, 10_000);
      });
    }
  });

  describe('one bad entry is that device\'s error; the rest goes on', () => {
    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: null, a number, text and a wrong-typed id are reported by position`, async () => {
        const reply = await under(source, { badEntries: true }, () => importFrom(source));
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body.counts.errors).to.equal(4);
        const details = (reply.body.failedDevices as Array<{ detail: string; reason: string }>).map((d) => d.detail);
        expect(details[0]).to.match(/Entry 1 of .* is null, not a device record/);
        expect(details[1]).to.match(/Entry 2 of .* is number 42/);
        expect(details[3]).to.match(/Entry 4 of .*id is an object, not an identifier/);
        expect(reply.body.counts.unchanged + reply.body.counts.created + reply.body.counts.updated).to.be.greaterThan(0);
      });
    }
  });

  describe('every call ends, and the failure names the host', () => {
    it('a Graph page that never answers ends the run in seconds, naming the Graph host', async () => {
      const started = Date.now();
      const reply = await under('intune', { hangPage: 1 }, () => importFrom('intune'));
      failedRun(reply, /127\.0\.0\.1:\d+ did not answer within 2 s/);
      expect(reply.body.detail).to.not.match(/login\.microsoftonline\.com/);
      expect(Date.now() - started).to.be.below(20_000);
    });

    const silentServers = [['jamf', 'tenantUrl', 'a Jamf server'], ['intune', 'authorityHost', 'an Entra ID authority']] as const;
    for (const [source, field, what] of silentServers) {
      it(`${what} that accepts the connection but never completes it fails the test and the run in seconds`, async () => {
        const settings = (overrides = {}) => (source === 'jamf' ? world.jamfSettings(overrides) : world.intuneSettings(overrides));
        const silent = createServer(() => undefined);
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        try {
          const address = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
          expect((await server.call('PUT', `/api/admin/integrations/${source}`, { body: settings({ [field]: address }) })).status).to.equal(200);
          const started = Date.now();
          const test = await server.call('POST', `/api/admin/integrations/${source}/test`);
          expect(test.body).to.include({ ok: false, cause: 'timeout' });
          expect(test.body.message).to.match(/127\.0\.0\.1:\d+ did not accept a connection within 2 s \(UND_ERR_CONNECT_TIMEOUT\)/);
          failedRun(await importFrom(source), /127\.0\.0\.1:\d+ did not accept a connection within 2 s/);
          expect(Date.now() - started).to.be.below(20_000);
        } finally {
          expect((await server.call('PUT', `/api/admin/integrations/${source}`, { body: settings() })).status).to.equal(200);
          silent.close();
        }
      });
    }

    it('Ctrl-C on a CLI import waiting for a page stops it at once, recorded as interrupted; a second Ctrl-C quits without waiting', async () => {
      const env = world.env(dataFile);
      const started = Date.now();
      const stopped = await under('intune', { hangPage: 1 }, () => runCliProcess(['import', 'intune'], env, [{ when: /^page 1: /m, signal: 'SIGINT' }]));
      expect([stopped.code, stopped.signal], stopped.stderr).to.deep.equal([130, null]);
      // Not held until the page's request times out (30 s in the CLI).
      expect(Date.now() - started).to.be.below(20_000);
      expect(stopped.stderr).to.match(/^SIGINT: stopping the import at the page it is on; it will be recorded as interrupted\. Send Ctrl-C again to quit at once\.$/m);
      expect(stopped.stdout).to.match(/^  stopped: interrupted: the CLI was stopped \(SIGINT\) before the run finished\. What was applied stays applied; run the import again\.$/m);
      const runId = /\(run ([0-9a-f-]{36})\)/.exec(stopped.stdout)![1]!;
      const recorded = await server.call('GET', `/api/admin/bulk-import/mdm/runs/${runId}`);
      expect([recorded.body.status, recorded.body.failureReason]).to.deep.equal(['failed', 'interrupted: the CLI was stopped (SIGINT) before the run finished. What was applied stays applied; run the import again.']);

      const quit = await under('intune', { hangPage: 1 }, () => runCliProcess(['import', 'intune'], env, [{ when: /^page 1: /m, signal: 'SIGTERM' }, { when: /^SIGTERM: stopping/m, signal: 'SIGTERM' }]));
      expect([quit.code, quit.signal], quit.stderr).to.deep.equal([143, null]);
      expect((await importFrom('intune')).status, 'the next import is not kept waiting by either run').to.equal(200);
    });

    it('a Jamf page that never answers ends the run in seconds, naming the Jamf host', async () => {
      const reply = await under('jamf', { hangPage: 0 }, () => importFrom('jamf'));
      failedRun(reply, /127\.0\.0\.1:\d+ did not answer within 2 s/);
    });

    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: a page that stalls halfway through its body ends the run in seconds, naming the host`, async () => {
        const started = Date.now();
        const reply = await under(source, { stallBodyPage: 0 }, () => importFrom(source));
        failedRun(reply, /127\.0\.0\.1:\d+ did not answer within 2 s \(UND_ERR_BODY_TIMEOUT\)/);
        expect(Date.now() - started).to.be.below(20_000);
      });

      // Each byte comes before the 2 s a pause may last, so only a bound on the whole answer ends it.
      it(`${source}: a page that trickles in a byte at a time, never pausing long enough to time out, ends the run in seconds, naming the host`, async () => {
        const started = Date.now();
        const reply = await under(source, { tricklePage: 0 }, () => importFrom(source));
        failedRun(reply, /127\.0\.0\.1:\d+ did not send its whole answer within 5 s \(MDM_ANSWER_DEADLINE_SECONDS\)/);
        expect(Date.now() - started).to.be.below(20_000);
      });
    }

    it('Intune test: an authority whose error answer unpacks past MDM_MAX_RESPONSE_MIB is named, not read', async () => {
      const test = await under('intune', { metadataUnpacksTooLarge: true }, () => server.call('POST', '/api/admin/integrations/intune/test'));
      expect(test.status).to.equal(200);
      expect(test.body).to.include({ ok: false, cause: 'too-large' });
      expect(test.body.message).to.match(/127\.0\.0\.1:\d+ sent an answer larger than 8 MiB; it was not read/);
    });

    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: a token answer whose access_token is not a bearer token (a line break, a header) fails the run and the test without quoting it`, async () => {
        const { reply, test } = await under(source, { tokenNotBearer: true }, async () => ({
          reply: await importFrom(source),
          test: await server.call('POST', `/api/admin/integrations/${source}/test`),
        }));
        const said = source === 'intune' ? /Entra ID answered with an access token that is not a bearer token/ : /answered with an access_token that is not a bearer token/;
        failedRun(reply, said);
        expect(reply.body.detail).not.to.match(/X-Injected|Bearer |eyJ/);
        expect(test.body).to.include({ ok: false });
        expect(test.body.message).to.match(said);
        expect(JSON.stringify(test.body)).not.to.match(/X-Injected|Bearer |eyJ/);
      });
    }

    // MSAL keeps only "network_error" of what its transport threw, so the host is not named here.
    const tokenAnswers = { stalls: 'stalls halfway', trickles: 'trickles in a byte at a time', 'unpacks-too-large': 'unpacks past MDM_MAX_RESPONSE_MIB' } as const;
    for (const tokenAnswer of Object.keys(tokenAnswers) as (keyof typeof tokenAnswers)[]) {
      it(`a token answer from Entra ID that ${tokenAnswers[tokenAnswer]} ends the run in seconds, as unreachable`, async () => {
        const started = Date.now();
        const reply = await under('intune', { tokenAnswer }, () => importFrom('intune'));
        failedRun(reply, /Microsoft could not be reached \(network error\)\. Check the server can reach login\.microsoftonline\.com/);
        expect(Date.now() - started).to.be.below(20_000);
      });
    }

    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: an answer over MDM_MAX_RESPONSE_MIB is refused unread, naming the host and the bound`, async () => {
        const reply = await under(source, { oversizedPageBytes: 9 * 1024 * 1024 }, () => importFrom(source));
        failedRun(reply, /127\.0\.0\.1:\d+ sent an answer larger than 8 MiB; it was not read/);
      });

      it(`${source}: compressed pages, as the real services send them, import as usual`, async () => {
        const reply = await under(source, { compressPages: true }, () => importFrom(source));
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.body).to.include({ status: 'completed' });
        expect(reply.body.counts.errors).to.equal(0);
        expect(reply.body.counts.unchanged + reply.body.counts.created + reply.body.counts.updated).to.equal(source === 'intune' ? 2500 : 400);
      });

      it(`${source}: a compressed answer that unpacks to over MDM_MAX_RESPONSE_MIB is refused, naming the host and the bound`, async () => {
        const reply = await under(source, { gzipBombPageBytes: 9 * 1024 * 1024 }, () => importFrom(source));
        failedRun(reply, /127\.0\.0\.1:\d+ sent an answer larger than 8 MiB; it was not read/);
      });
    }

    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: an untrusted certificate fails the test and the run, naming the host`, async () => {
        const [test, run] = await under(source, { untrustedCertificate: true }, async () => [
          await server.call('POST', `/api/admin/integrations/${source}/test`),
          await importFrom(source),
        ]);
        expect(test!.status).to.equal(200);
        expect(test!.body).to.include({ ok: false, cause: 'tls' });
        expect(test!.body.message).to.match(/TLS certificate of 127\.0\.0\.1:\d+ was not trusted/);
        expect(run!.status).to.be.oneOf([409, 502]);
        expect(run!.headers.get('content-type')).to.match(PROBLEM);
      });
    }

    for (const source of ['intune', 'jamf'] as const) {
      it(`${source}: Retry-After 3600 ends the run at once instead of waiting an hour`, async () => {
        const started = Date.now();
        const reply = await under(source, { retryAfterSeconds: 3600 }, () => importFrom(source));
        failedRun(reply, /asked to wait 3600 s \(Retry-After\), longer than this run may still wait/);
        expect(Date.now() - started).to.be.below(20_000);
      });
    }
  });

  it('after every hostile case, both sources import normally: nothing was left locked', async () => {
    for (const source of ['intune', 'jamf'] as const) {
      const reply = await importFrom(source);
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.status).to.equal('completed');
    }
    expect(server.lines.filter((l) => /"status":500|Internal Server Error/.test(l))).to.deep.equal([]);
  });

  it('after every hostile case, neither client secret is in the log or, unsealed, in the store file', async () => {
    const secrets = [world.intuneSettings().clientSecret, world.jamfSettings().clientSecret] as string[];
    expect(existsSync(dataFile), 'the store file read is the server\'s').to.equal(true);
    const stored = [dataFile, `${dataFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('');
    for (const secret of secrets) {
      expect(secret).to.have.length.above(8);
      expect(server.lines.filter((line) => line.includes(secret))).to.deep.equal([]);
      expect(stored.includes(secret), 'the secret in the store file in plain text').to.equal(false);
    }
  });
});
