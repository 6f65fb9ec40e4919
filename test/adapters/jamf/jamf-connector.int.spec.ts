import { expect } from 'chai';
import { JamfConnector } from '../../../src/adapters/driven/jamf/jamf-connector.js';
import { JamfSession } from '../../../src/adapters/driven/jamf/jamf-session.js';
import { DEFAULT_TRANSPORT_LIMITS, outboundDispatcher } from '../../../src/adapters/driven/http/outbound.js';
import type { ImportFromMdm } from '../../../src/application/commands/import-from-mdm.js';
import type { ConnectorSettingsStore } from '../../../src/application/ports/connector-settings-store.js';
import { LookupBySerial } from '../../../src/application/queries/lookup-by-serial.js';
import type { HardwareRegisterQueries } from '../../../src/application/ports/read-models.js';
import type { MdmPage } from '../../../src/application/ports/mdm-source.js';
import type { MdmDevice } from '../../../src/domain/hardware/mdm-device.js';
import { loadConfig } from '../../../src/infrastructure/config.js';
import { buildContainer, closeContainer } from '../../../src/infrastructure/container.js';
import { TOKENS } from '../../../src/application/tokens.js';
import { generateAppleFleet } from '../../emulators/jamf/apple-fleet.js';
import type { JamfEmulator } from '../../emulators/jamf/jamf-emulator.js';
import { IntuneEmulator } from '../../emulators/intune/intune-emulator.js';
import { FAST_RETRY } from '../../support/intune-world.js';
import { jamfConnector, jamfSettings, startJamf } from '../../support/jamf-world.js';

/** Look up by serial over a register that holds none of the serials asked. */
const NO_RECORDS = { bySerial: async () => null };

async function collect(pages: AsyncIterable<MdmPage>): Promise<MdmDevice[]> {
  const all: MdmDevice[] = [];
  for await (const page of pages) all.push(...page.devices);
  return all;
}

describe('Jamf Pro connector against the Jamf Pro emulator (axios over TLS)', function () {
  this.timeout(60_000);
  const fleet = generateAppleFleet({ computers: 2000, mobiles: 1000, seed: 5, noSerial: 0.02, duplicates: 0.01, noEmail: 0.1 });
  const real = fleet.kinds.filter((k) => k === 'real').length;
  let emulator: JamfEmulator;
  before(async () => (emulator = await startJamf(fleet)));
  after(() => emulator.stop());
  beforeEach(() => (emulator.faults = {}));

  it('reads computers then mobile devices, mapped per the product document', async () => {
    const devices = await collect(jamfConnector(emulator).devices(jamfSettings(emulator)));
    expect(devices).to.have.length(3000);
    const computer = fleet.computers[0]! as { hardware: { model: string; modelIdentifier: string; networkAdapterType: string; macAddress: string }; userAndLocation: { email: string } };
    expect(devices[0]).to.deep.include({ source: 'jamf', sourceDeviceId: 'computer-1', manufacturer: 'Apple', model: computer.hardware.model, operatingSystem: 'macOS', userEmail: computer.userAndLocation.email || null });
    expect(devices[0]!.specifications).to.include({ modelIdentifier: computer.hardware.modelIdentifier });
    const ipad = devices.find((d) => d.model?.startsWith('iPad'))!;
    expect(ipad, 'as Jamf reports it: the register reads an iPad\'s iOS as iPadOS').to.include({ operatingSystem: 'iOS', ethernetMacAddress: null });
    expect(devices.find((d) => d.model?.startsWith('Apple TV'))).to.include({ operatingSystem: 'tvOS', userEmail: null });
    expect(emulator.stats.versionsAsked.at(-1)).to.equal('v4');
  });

  it('asks for the first page of mobile devices while the last page of computers is imported', async () => {
    const before = emulator.stats.inventoryCalls;
    const pages = jamfConnector(emulator).devices(jamfSettings(emulator))[Symbol.asyncIterator]();
    const lastComputer = `computer-${(fleet.computers.at(-1) as { id: string }).id}`;
    let page = await pages.next();
    while (!page.done && !page.value.devices.some((d) => d.sourceDeviceId === lastComputer)) page = await pages.next();
    expect(page.done, 'the computers were listed').to.equal(false);
    // The import works on the last computers page now: one page of 2,000 asked for, and the mobile devices' first.
    const deadline = Date.now() + 2000;
    while (emulator.stats.inventoryCalls - before < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(emulator.stats.inventoryCalls - before, 'listing pages asked for before the next page was wanted').to.equal(2);
    const rest: MdmDevice[] = [];
    for (page = await pages.next(); !page.done; page = await pages.next()) rest.push(...page.value.devices);
    expect(rest.filter((d) => d.sourceDeviceId.startsWith('mobile-'))).to.have.length(1000);
  });

  it('takes the Wi-Fi adapter first on a desktop Mac whose primary adapter is Ethernet', async () => {
    const devices = await collect(jamfConnector(emulator).devices(jamfSettings(emulator)));
    const index = fleet.computers.findIndex((c) => (c as { hardware: { networkAdapterType: string } }).hardware.networkAdapterType === 'Ethernet');
    const raw = (fleet.computers[index] as { hardware: { macAddress: string; altMacAddress: string } }).hardware;
    expect(devices[index]).to.include({ wifiMacAddress: raw.altMacAddress, ethernetMacAddress: raw.macAddress });
  });

  describe('through the import, configured in settings', () => {
    let container: ReturnType<typeof buildContainer>;
    before(async () => {
      container = buildContainer(loadConfig({ DATA_FILE: ':memory:' }), { connectors: { extraCaPem: [emulator.caPem], retry: FAST_RETRY } });
      await container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings).save('jamf', jamfSettings(emulator));
    });
    after(() => closeContainer(container));
    const run = () => container.get<ImportFromMdm>(TOKENS.ImportFromMdm).execute({ source: 'jamf', triggeredBy: 'admin@acme.example' });

    it('imports a 3,000-device Apple fleet with exact counts, staying within 5 connections and keeping the sticky cookie', async () => {
      const result = await run();
      expect(result.counts).to.deep.equal({ created: real, updated: 0, unchanged: 0, skipped: 3000 - real, errors: 0, missing: 0 });
      expect(emulator.stats.maxInFlight).to.be.at.most(5);
      expect(emulator.stats.withStickyCookie).to.equal(emulator.stats.inventoryCalls);
      const register = container.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries);
      expect((await register.search({ category: 'tv' })).total).to.be.greaterThan(0);
      expect((await register.search({ category: 'tablet' })).total).to.be.greaterThan(0);
    });

    it('re-runs as all unchanged', async () => {
      expect((await run()).counts).to.deep.equal({ created: 0, updated: 0, unchanged: real, skipped: 3000 - real, errors: 0, missing: 0 });
    });
  });

  describe('tokens and API versions', () => {
    it('renews a token that expires mid-run and carries on', async () => {
      emulator.faults = { tokenExpiresAfterCalls: 1 };
      const tokensBefore = emulator.stats.tokenRequests;
      const callsBefore = emulator.stats.inventoryCalls;
      expect(await collect(jamfConnector(emulator).devices(jamfSettings(emulator)))).to.have.length(3000);
      const successfulCalls = 2; // one page of computers, one of mobile devices
      expect(emulator.stats.inventoryCalls - callsBefore, 'each expired call is retried once').to.equal(successfulCalls * 2 - 1);
      expect(emulator.stats.tokenRequests - tokensBefore).to.equal(successfulCalls);
    });

    it('renews one token at a time: concurrent calls share one renewal', async () => {
      const session = new JamfSession(jamfSettings(emulator), outboundDispatcher({ extraCaPem: [emulator.caPem] }), FAST_RETRY, DEFAULT_TRANSPORT_LIMITS);
      const before = emulator.stats.tokenRequests;
      const tokens = await Promise.all(Array.from({ length: 5 }, () => session.bearer()));
      expect(new Set(tokens).size).to.equal(1);
      expect(emulator.stats.tokenRequests - before).to.equal(1);
      await Promise.all(Array.from({ length: 5 }, () => session.get(`/api/v2/mobile-devices/detail?page=0&page-size=1`)));
      expect(emulator.stats.tokenRequests - before, 'a valid token is reused').to.equal(1);
    });

    it('renews ahead of expiry when the client lifetime is very short', async () => {
      emulator.faults = { tokenLifetimeSeconds: 1 };
      expect(await collect(jamfConnector(emulator).devices(jamfSettings(emulator)))).to.have.length(3000);
    });

    it('falls back to older computers-inventory versions on 404, reading lastContactTime', async () => {
      emulator.faults = { computerVersions: ['v1', 'v2'] };
      emulator.stats.versionsAsked.length = 0;
      const devices = await collect(jamfConnector(emulator).devices(jamfSettings(emulator)));
      expect(emulator.stats.versionsAsked.slice(0, 3)).to.deep.equal(['v4', 'v3', 'v2']);
      expect(devices[0]!.lastSyncedAt).to.equal((fleet.computers[0] as { general: { lastContactTime: string } }).general.lastContactTime);
    });

    it('falls back to /api/oauth/token on servers without the versioned path', async () => {
      emulator.faults = { legacyTokenPathOnly: true };
      expect(await jamfConnector(emulator).testConnection(jamfSettings(emulator))).to.include({ ok: true });
    });

    it('retries 429 and 5xx answers', async () => {
      emulator.faults = { failCalls: new Map([[emulator.stats.inventoryCalls + 1, 503], [emulator.stats.inventoryCalls + 3, 429]]) };
      expect(await collect(jamfConnector(emulator).devices(jamfSettings(emulator)))).to.have.length(3000);
    });
  });

  describe('Test connection', () => {
    it('succeeds and checks both privileges', async () => {
      expect(await jamfConnector(emulator).testConnection(jamfSettings(emulator))).to.deep.equal({ ok: true, message: 'Connected to Jamf Pro: the API client can read computers and mobile devices.' });
    });

    it('names a bad client ID or secret', async () => {
      const result = await jamfConnector(emulator).testConnection(jamfSettings(emulator, { clientSecret: 'rotated' }));
      expect(result).to.include({ ok: false, cause: 'bad-credentials' });
      expect((result as { fix: string }).fix).to.match(/generate a new one/);
    });

    it('says which privilege is missing', async () => {
      const computersOnly = await jamfConnector(emulator).testConnection(jamfSettings(emulator, { clientId: 'computers-only' }));
      expect(computersOnly).to.include({ ok: false, cause: 'missing-privilege', message: 'The API client is missing the privilege Read Mobile Devices.' });
      const mobilesOnly = await jamfConnector(emulator).testConnection(jamfSettings(emulator, { clientId: 'mobiles-only' }));
      expect((mobilesOnly as { message: string }).message).to.equal('The API client is missing the privilege Read Computers.');
    });

    it('names a tenant URL that is not a Jamf Pro server (404)', async () => {
      const other = await IntuneEmulator.start();
      try {
        const result = await new JamfConnector({ extraCaPem: [other.caPem], retry: FAST_RETRY }).testConnection(jamfSettings(emulator, { tenantUrl: other.url }));
        expect(result).to.include({ ok: false, cause: 'wrong-tenant-url' });
        expect((result as { fix: string }).fix).to.match(/no trailing slash and no \/api/);
      } finally {
        await other.stop();
      }
    });

    it('names a tenant URL whose host does not resolve', async () => {
      const result = await jamfConnector(emulator).testConnection(jamfSettings(emulator, { tenantUrl: 'https://acme-typo.invalid' }));
      expect(result).to.include({ ok: false, cause: 'wrong-tenant-url' });
      expect((result as { message: string }).message).to.match(/does not resolve \(ENOTFOUND|EAI_AGAIN\)/);
    });

    it('names an untrusted certificate', async () => {
      const result = await new JamfConnector({ retry: FAST_RETRY }).testConnection(jamfSettings(emulator));
      expect(result).to.include({ ok: false, cause: 'tls' });
    });
  });

  describe('Look up by serial', () => {
    const store = (): Pick<ConnectorSettingsStore, 'get'> => ({ get: async () => jamfSettings(emulator) as never });
    const lookup = () => new LookupBySerial(store(), { intune: null as never, jamf: jamfConnector(emulator) }, NO_RECORDS);
    const serialAt = (kind: 'computer' | 'mobile', index: number) =>
      ((kind === 'computer' ? fleet.computers : fleet.mobiles)[index] as { hardware: { serialNumber: string } }).hardware.serialNumber;

    it('reuses one session and bearer across lookups', async () => {
      const lookups = new LookupBySerial(store(), { intune: null as never, jamf: jamfConnector(emulator) }, NO_RECORDS);
      await lookups.lookup('jamf', 'FIRST0001');
      const tokens = emulator.stats.tokenRequests;
      for (const serial of ['SECOND002', 'THIRD0003']) await lookups.lookup('jamf', serial);
      expect(emulator.stats.tokenRequests).to.equal(tokens);
    });

    it('finds a computer by serial', async () => {
      const index = fleet.kinds.indexOf('real');
      const found = await lookup().lookup('jamf', serialAt('computer', index));
      expect(found).to.deep.include({ outcome: 'found' });
      expect((found as { device: { manufacturer: string; category: string } }).device).to.include({ manufacturer: 'Apple' });
    });

    it('finds a mobile device by serial', async () => {
      const index = fleet.kinds.slice(2000).indexOf('real');
      const found = await lookup().lookup('jamf', serialAt('mobile', index).toLowerCase());
      expect(found.outcome).to.equal('found');
    });

    it('says when nothing matches, and when several devices share the serial', async () => {
      expect((await lookup().lookup('jamf', 'C02NOTHERE99')).outcome).to.equal('not-found');
      const duplicateIndex = fleet.kinds.indexOf('duplicate');
      const serial = duplicateIndex < 2000 ? serialAt('computer', duplicateIndex) : serialAt('mobile', duplicateIndex - 2000);
      expect((await lookup().lookup('jamf', serial)).outcome).to.equal('ambiguous');
    });
  });

});
