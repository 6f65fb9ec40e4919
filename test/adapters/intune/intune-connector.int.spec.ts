import { expect } from 'chai';
import { closedPort } from '../../support/ports.js';
import type { ConnectorSettingsStore } from '../../../src/application/ports/connector-settings-store.js';
import { TOKENS } from '../../../src/application/tokens.js';
import { IntuneConnector } from '../../../src/adapters/driven/intune/intune-connector.js';
import { LookupBySerial } from '../../../src/application/queries/lookup-by-serial.js';
import { MdmSourceFailure } from '../../../src/application/ports/mdm-source.js';
import { ImportRunFailed } from '../../../src/application/commands/import-result.js';
import type { MdmPage } from '../../../src/application/ports/mdm-source.js';
import type { MdmDevice } from '../../../src/domain/hardware/mdm-device.js';
import { generateGraphTenant, type GraphDevice } from '../../emulators/intune/graph-fleet.js';
import type { IntuneEmulator } from '../../emulators/intune/intune-emulator.js';
import { EmbeddedApp } from '../../support/embedded-app.js';
import { FAST_RETRY, intuneConnector, intuneSettings, SECRET, startIntune } from '../../support/intune-world.js';
import { loadConfig } from '../../../src/infrastructure/config.js';
import { buildContainer, closeContainer } from '../../../src/infrastructure/container.js';
import type { ImportFromMdm } from '../../../src/application/commands/import-from-mdm.js';

/** Look up by serial over a register that holds none of the serials asked. */
const NO_RECORDS = { bySerial: async () => null };

async function collect(pages: AsyncIterable<MdmPage>): Promise<MdmDevice[][]> {
  const all: MdmDevice[][] = [];
  for await (const page of pages) all.push(page.devices);
  return all;
}

describe('Intune connector against the Entra ID + Graph emulator (real @azure/identity and Graph client, over TLS)', function () {
  this.timeout(60_000);
  const tenant = generateGraphTenant({ size: 3000, seed: 7, noSerial: 0.02, placeholder: 0.01, virtual: 0.02, duplicates: 0.01 });
  let emulator: IntuneEmulator;
  before(async () => (emulator = await startIntune(tenant.devices)));
  after(() => emulator.stop());
  beforeEach(() => (emulator.faults = {}));

  it('lists every managed device in pages of 1000, mapped onto the register vocabulary', async () => {
    const pages = await collect(intuneConnector(emulator).devices(intuneSettings(emulator)));
    expect(pages.map((p) => p.length)).to.deep.equal([1000, 1000, 1000]);
    const raw = tenant.devices[0]!;
    expect(pages[0]![0]).to.deep.include({
      source: 'intune',
      sourceDeviceId: raw.id,
      serialNumber: raw.serialNumber || null,
      manufacturer: raw.manufacturer,
      model: raw.model,
      operatingSystem: raw.operatingSystem,
      osVersion: raw.osVersion,
      userEmail: raw.userPrincipalName || raw.emailAddress,
      lastSyncedAt: raw.lastSyncDateTime,
    });
  });

  describe('through the import, configured in settings', () => {
    let container: ReturnType<typeof buildContainer>;
    before(async () => {
      container = buildContainer(loadConfig({ DATA_FILE: ':memory:' }), { connectors: { extraCaPem: [emulator.caPem], retry: FAST_RETRY } });
      await container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings).save('intune', intuneSettings(emulator));
    });
    after(() => closeContainer(container));
    const run = () => container.get<ImportFromMdm>(TOKENS.ImportFromMdm).execute({ source: 'intune', triggeredBy: 'admin@acme.example' });

    it('imports a 3,000-device tenant with exact counts', async () => {
      const real = tenant.kinds.filter((k) => k === 'real').length;
      const result = await run();
      expect(result.counts).to.deep.equal({ created: real, updated: 0, unchanged: 0, skipped: 3000 - real, errors: 0, missing: 0 });
      const reasons = new Map<string, number>();
      for (const d of result.skippedDevices) reasons.set(d.reason!, (reasons.get(d.reason!) ?? 0) + 1);
      expect(reasons.get('no-serial')).to.equal(tenant.kinds.filter((k) => k === 'no-serial').length);
      expect(reasons.get('placeholder-serial')).to.equal(tenant.kinds.filter((k) => k === 'placeholder').length);
      expect(reasons.get('virtual-device')).to.equal(tenant.kinds.filter((k) => k === 'virtual').length);
      expect(reasons.get('duplicate-serial')).to.equal(tenant.kinds.filter((k) => k === 'duplicate').length);
    });

    it('re-runs as all unchanged', async () => {
      const real = tenant.kinds.filter((k) => k === 'real').length;
      expect((await run()).counts).to.deep.equal({ created: 0, updated: 0, unchanged: real, skipped: 3000 - real, errors: 0, missing: 0 });
    });
  });

  describe('Test connection', () => {
    const check = (overrides: Parameters<typeof intuneSettings>[1] = {}, connector = intuneConnector(emulator)) =>
      connector.testConnection(intuneSettings(emulator, overrides));

    it('succeeds with a token and one Graph call that proves the permission', async () => {
      const before = emulator.stats.graphRequests;
      expect(await check()).to.include({ ok: true });
      expect(emulator.stats.graphRequests).to.equal(before + 1);
    });

    const failures: Array<[string, Parameters<typeof intuneSettings>[1], string, RegExp]> = [
      ['a bad secret', { clientSecret: 'b3f1c2d4-secret-id-not-value' }, 'bad-client-secret', /AADSTS7000215.*Value — not its Secret ID/],
      ['an expired secret', { clientId: '11111111-1111-4111-8111-111111111111' }, 'expired-client-secret', /AADSTS7000222.*new client secret/],
      ['an unknown client ID', { clientId: '99999999-9999-4999-8999-999999999999' }, 'unknown-client-id', /AADSTS700016.*Application \(client\) ID/],
      ['an unknown tenant', { tenantId: '44444444-4444-4444-8444-444444444444' }, 'unknown-tenant', /AADSTS90002.*Directory \(tenant\) ID/],
      ['an app with no service principal', { clientId: '33333333-3333-4333-8333-333333333333' }, 'no-service-principal', /AADSTS7000229/],
      ['missing admin consent (a token without roles, then 403 from Graph)', { clientId: '22222222-2222-4222-8222-222222222222' }, 'permission-missing', /403.*DeviceManagementManagedDevices\.Read\.All.*Grant admin consent/],
    ];
    for (const [label, overrides, cause, message] of failures) {
      it(`names ${label} and its fix`, async () => {
        const result = await check(overrides);
        expect(result).to.include({ ok: false, cause });
        const failure = result as { message: string; fix: string };
        expect(`${failure.message} ${failure.fix}`).to.match(message);
      });
    }

    it('names a network failure', async () => {
      const port = await closedPort();
      const result = await check({ authorityHost: `https://127.0.0.1:${port}`, graphBaseUrl: `https://127.0.0.1:${port}` });
      expect(result).to.include({ ok: false, cause: 'network' });
      expect((result as { message: string }).message).to.match(/could not be reached \(ECONNREFUSED\)/);
    });

    it('names an untrusted TLS certificate', async () => {
      const result = await check({}, new IntuneConnector({ retry: FAST_RETRY }));
      expect(result).to.include({ ok: false, cause: 'tls' });
      expect((result as { fix: string }).fix).to.match(/NODE_EXTRA_CA_CERTS/);
    });
  });

  describe('throttling and expiry', () => {
    it('completes when pages are throttled, with and without Retry-After (seconds or an HTTP date)', async () => {
      emulator.faults = {
        throttle: new Map([
          [0, { times: 1, retryAfter: '0.02' }],
          [1, { times: 2, retryAfter: null }],
          [2, { times: 1, retryAfter: new Date(Date.now() + 50).toUTCString() }],
        ]),
        serverErrors: new Map([[1, { times: 1, status: 503 }]]),
      };
      const before = emulator.stats.throttled;
      const pages = await collect(intuneConnector(emulator).devices(intuneSettings(emulator)));
      expect(pages.flat()).to.have.length(3000);
      expect(emulator.stats.throttled - before).to.equal(4);
    });

    it('fails the run with a clear error once the waiting budget is spent', async () => {
      emulator.faults = { throttle: new Map([[1, { times: 50, retryAfter: '1' }]]) };
      const app = new EmbeddedApp({ intune: { name: 'intune', devices: () => intuneConnector(emulator).devices(intuneSettings(emulator)) } });
      try {
        const error = await app.import('intune').then(() => null, (e: unknown) => e);
        expect(error).to.be.instanceOf(ImportRunFailed);
        const { result } = error as ImportRunFailed;
        expect(result.failure).to.match(/kept throttling.*429.*gave up after/);
        expect(result.counts.created + result.counts.skipped).to.equal(1000);
      } finally {
        await app.close();
      }
    });

    it('renews a token that expires mid-run and carries on', async () => {
      emulator.faults = { tokenExpiresAfterCalls: 1 };
      const tokensBefore = emulator.stats.tokenRequests;
      const pages = await collect(intuneConnector(emulator).devices(intuneSettings(emulator)));
      expect(pages.flat()).to.have.length(3000);
      expect(emulator.stats.tokenRequests - tokensBefore).to.be.at.least(3);
    });

    it('surfaces an auth failure during the run as a source failure naming the fix', async () => {
      const error = await collect(intuneConnector(emulator).devices(intuneSettings(emulator, { clientSecret: 'wrong' }))).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(MdmSourceFailure);
      expect((error as Error).message).to.match(/AADSTS7000215/);
    });
  });

  describe('Look up by serial', () => {
    const settingsStore = (settings: ReturnType<typeof intuneSettings>): Pick<ConnectorSettingsStore, 'get'> => ({ get: async () => settings as never });
    const lookup = () => new LookupBySerial(settingsStore(intuneSettings(emulator)), { intune: intuneConnector(emulator), jamf: null as never }, NO_RECORDS);
    const real = (): GraphDevice => tenant.devices[tenant.kinds.indexOf('real')]!;

    it('prefills the Hardware form from the one matching device, writing nothing', async () => {
      const device = real();
      const found = await lookup().lookup('intune', String(device.serialNumber).toLowerCase());
      expect(found.outcome).to.equal('found');
      expect((found as { device: unknown }).device).to.deep.include({ serial: String(device.serialNumber).toUpperCase(), model: device.model, manufacturer: device.manufacturer });
    });

    it('says when no device has the serial', async () => {
      expect(await lookup().lookup('intune', 'NOPE12345')).to.deep.include({ outcome: 'not-found', message: 'Microsoft Intune has no device with serial NOPE12345.' });
    });

    it('reuses one credential across lookups: one Graph call each, the token and metadata asked for once', async () => {
      const connector = intuneConnector(emulator);
      const lookups = new LookupBySerial(settingsStore(intuneSettings(emulator)), { intune: connector, jamf: null as never }, NO_RECORDS);
      await lookups.lookup('intune', 'FIRST0001');
      const before = { ...emulator.stats };
      for (const serial of ['SECOND002', 'THIRD0003', 'FOURTH004']) await lookups.lookup('intune', serial);
      expect(emulator.stats.graphRequests - before.graphRequests).to.equal(3);
      expect(emulator.stats.tokenRequests - before.tokenRequests).to.equal(0);
      expect(emulator.stats.metadataRequests - before.metadataRequests).to.equal(0);
      const rotated = new LookupBySerial(settingsStore(intuneSettings(emulator, { clientSecret: 'Qx8~another-value' })), { intune: connector, jamf: null as never }, NO_RECORDS);
      await rotated.lookup('intune', 'FIFTH0005').catch(() => undefined);
      expect(emulator.stats.tokenRequests - before.tokenRequests, 'other settings, a new credential').to.equal(1);
    });

    it('says when several devices share the serial, most recently synced first', async () => {
      const duplicate = tenant.devices[tenant.kinds.indexOf('duplicate')]!;
      const result = await lookup().lookup('intune', String(duplicate.serialNumber));
      expect(result.outcome).to.equal('ambiguous');
      const devices = (result as { devices: Array<{ lastSyncedAt: string }> }).devices;
      expect(devices).to.have.length.at.least(2);
      expect(devices[0]!.lastSyncedAt > devices[1]!.lastSyncedAt).to.equal(true);
    });
  });

  it('keeps the client secret out of the stored settings', async () => {
    const container = buildContainer(loadConfig({ DATA_FILE: ':memory:' }));
    try {
      await container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings).save('intune', intuneSettings(emulator));
      const db = container.get<import('better-sqlite3').Database>((await import('../../../src/infrastructure/embedded-store.js')).SQLITE_DATABASE);
      const raw = db.prepare("SELECT value FROM settings WHERE key = 'connector:intune'").get() as { value: string };
      expect(raw.value).to.not.include(SECRET);
      expect((await container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings).get('intune'))!.clientSecret).to.equal(SECRET);
    } finally {
      await closeContainer(container);
    }
  });
});
