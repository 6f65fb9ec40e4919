import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { ImportFromMdm } from '../../src/application/commands/import-from-mdm.js';
import type { ConnectorSettingsStore } from '../../src/application/ports/connector-settings-store.js';
import type { HardwareRegisterQueries } from '../../src/application/ports/read-models.js';
import type { SqliteUserDirectory } from '../../src/adapters/driven/sqlite/sqlite-user-directory.js';
import { TOKENS } from '../../src/application/tokens.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { buildContainer, closeContainer } from '../../src/infrastructure/container.js';
import { IntuneEmulator, type EmulatedTenant } from '../emulators/intune/intune-emulator.js';
import { JamfEmulator } from '../emulators/jamf/jamf-emulator.js';
import type { JamfRecord } from '../emulators/jamf/apple-fleet.js';
import { FAST_RETRY } from '../support/intune-world.js';

const intuneTenant = JSON.parse(readFileSync('test/emulators/fixtures/intune-tenant.json', 'utf8')) as EmulatedTenant;
const jamfFleet = JSON.parse(readFileSync('test/emulators/fixtures/jamf-fleet.json', 'utf8')) as { computers: JamfRecord[]; mobiles: JamfRecord[] };

describe('Hand-written fixtures in each MDM\'s own shapes, imported end to end', function () {
  this.timeout(30_000);
  let intune: IntuneEmulator;
  let jamf: JamfEmulator;
  let container: ReturnType<typeof buildContainer>;
  const run = (source: 'intune' | 'jamf') => container.get<ImportFromMdm>(TOKENS.ImportFromMdm).execute({ source, triggeredBy: 'admin@contoso.example' });
  const register = () => container.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries);

  before(async () => {
    intune = await IntuneEmulator.start([intuneTenant]);
    jamf = await JamfEmulator.start();
    jamf.computers = jamfFleet.computers;
    jamf.mobiles = jamfFleet.mobiles;
    jamf.clients.set('1979ca82-1337-c0de-1012-82a008a3bf70', { clientId: '1979ca82-1337-c0de-1012-82a008a3bf70', secret: 'fixture-jamf-secret' });
    container = buildContainer(loadConfig({ DATA_FILE: ':memory:' }), { connectors: { extraCaPem: [intune.caPem, jamf.caPem], retry: FAST_RETRY } });
    container.get<SqliteUserDirectory>(TOKENS.UserDirectory).upsert([
      { id: 'u-alice', email: 'alice.martin@contoso.example', displayName: 'Alice Martin', active: true },
      { id: 'u-bob', email: 'bob.stone@contoso.example', displayName: 'Bob Stone', active: true },
    ]);
    const settings = container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings);
    const client = intuneTenant.clients[0]!;
    await settings.save('intune', { enabled: true, tenantId: intuneTenant.tenantId, clientId: client.clientId, clientSecret: client.secret, authorityHost: intune.url, graphBaseUrl: intune.url });
    await settings.save('jamf', { enabled: true, tenantUrl: jamf.url, clientId: '1979ca82-1337-c0de-1012-82a008a3bf70', clientSecret: 'fixture-jamf-secret' });
  });
  after(async () => {
    await closeContainer(container);
    await Promise.all([intune.stop(), jamf.stop()]);
  });

  it('Intune: maps, skips and assigns per the product document', async () => {
    const result = await run('intune');
    expect(result.counts).to.deep.equal({ created: 2, updated: 0, unchanged: 0, skipped: 4, errors: 0, missing: 0 });
    expect(result.skippedDevices.map((d) => [d.deviceName, d.reason])).to.deep.equal([
      ['CPC-carol-X1Y2', 'virtual-device'],
      ['DESKTOP-AUTOPILOT', 'no-serial'],
      ['WHITEBOX-01', 'placeholder-serial'],
      ['CON-LT-0142-OLD', 'duplicate-serial'],
    ]);
    const dell = (await register().bySerial('7XK9QW3'))!;
    expect(dell).to.deep.include({
      manufacturer: 'Dell Inc.', model: 'Latitude 7440', operatingSystem: 'Windows', osVersion: '10.0.22631.4460', macAddress: '3C:21:9C:0A:1B:2C',
      category: 'laptop', status: 'assigned', condition: 'good', name: "Alice's Latitude 7440", assetTag: 'HW-00001',
      cpu: null, ram: null, storage: null, purchasePrice: null, purchaseDate: null,
    });
    expect(dell.specifications).to.deep.equal({ totalStorageBytes: 511101108224, enrollmentType: 'windowsAzureADJoin', ownership: 'company', complianceState: 'compliant', entraDeviceId: '9d8c7b6a-1111-4222-8333-444455556666', encrypted: true });
    const ipad = (await register().bySerial('DMPXK2ABCD12'))!;
    expect(ipad, 'Intune says iOS for an iPad').to.deep.include({ category: 'tablet', macAddress: null, operatingSystem: 'iPadOS', status: 'assigned' });
    expect(ipad.assignee!.email, 'the email address stands in for an empty UPN').to.equal('bob.stone@contoso.example');
    expect(ipad.specifications).to.not.have.property('entraDeviceId');
  });

  it('Jamf: computers and mobile devices, Wi-Fi first, iPadOS and tvOS, and one record for the iPad Intune also manages', async () => {
    const result = await run('jamf');
    expect(result.counts).to.deep.equal({ created: 3, updated: 1, unchanged: 0, skipped: 2, errors: 0, missing: 0 });
    expect(result.skippedDevices.map((d) => [d.deviceName, d.reason])).to.deep.equal([
      ['macOS VM', 'virtual-device'],
      ['Unassigned iPhone', 'no-serial'],
    ]);
    expect(await register().bySerial('C02XK1JHJGH5')).to.deep.include({ manufacturer: 'Apple', category: 'laptop', macAddress: 'A4:83:E7:12:34:56', operatingSystem: 'macOS', osVersion: '15.1.1', name: "Alice's MacBook Pro", status: 'assigned' });
    expect(await register().bySerial('H7VQ2LL9PX'), 'a desktop Mac: the Wi-Fi adapter is the second one').to.deep.include({ category: 'desktop', macAddress: 'F4:D4:88:01:02:04', name: 'Studio-01', status: 'available' });
    expect(await register().bySerial('KQ3LP8XY2T')).to.deep.include({ category: 'tv', operatingSystem: 'tvOS', macAddress: null, assignee: null });
    const ipad = (await register().bySerial('DMPXK2ABCD12'))!;
    expect(ipad.sources.map((s) => s.source)).to.deep.equal(['intune', 'jamf']);
    // Intune reported the iPad first, but an Apple device follows Jamf Pro by default (source precedence).
    expect(ipad).to.deep.include({ operatingSystem: 'iPadOS', model: 'iPad 7th Generation (Wi-Fi)', macAddress: '8C:85:90:AA:BB:CC', assetTag: 'HW-00002' });
    expect((await register().search({})).total).to.equal(5);
  });

  it('re-runs both as unchanged: the two MDMs do not overwrite each other', async () => {
    expect((await run('intune')).counts).to.deep.equal({ created: 0, updated: 0, unchanged: 2, skipped: 4, errors: 0, missing: 0 });
    expect((await run('jamf')).counts).to.deep.equal({ created: 0, updated: 0, unchanged: 4, skipped: 2, errors: 0, missing: 0 });
  });
});
