import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateAppleFleet, type JamfRecord } from './jamf/apple-fleet.js';
import { JamfEmulator } from './jamf/jamf-emulator.js';
import { generateGraphFleet, type GraphDevice } from './intune/graph-fleet.js';
import { IntuneEmulator } from './intune/intune-emulator.js';

/** Fixed credentials of the emulated tenants: they exist only inside the emulators. */
export const EMULATED = {
  intune: { tenantId: '7f3a1c2e-9b4d-4e6f-8a1b-2c3d4e5f6a7b', clientId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', clientSecret: 'emulator-intune-secret' },
  jamf: { clientId: '1979ca82-1337-c0de-1012-82a008a3bf70', clientSecret: 'emulator-jamf-secret' },
};

export interface ServedEmulators {
  intune: { url: string } & typeof EMULATED.intune;
  jamf: { url: string } & typeof EMULATED.jamf;
  caFile: string;
}

/**
 * Starts both emulators in this process with generated fleets, writes their CAs to one PEM file
 * (for NODE_EXTRA_CA_CERTS) and prints one JSON line describing them. Runs until stopped.
 */
const { values } = parseArgs({
  options: {
    'intune-devices': { type: 'string', default: '3000' },
    'jamf-computers': { type: 'string', default: '1000' },
    'jamf-mobiles': { type: 'string', default: '500' },
    seed: { type: 'string', default: '2026' },
    'ca-file': { type: 'string', default: 'emulators-ca.pem' },
    'intune-port': { type: 'string', default: '0' },
    'jamf-port': { type: 'string', default: '0' },
    clean: { type: 'boolean', default: false },
    'page-latency-ms': { type: 'string', default: '0' },
    /** Serve a hand-written tenant or fleet (test/emulators/fixtures) instead of a generated one. */
    'intune-fixture': { type: 'string' },
    'jamf-fixture': { type: 'string' },
  },
});
const seed = Number(values.seed);
const messy = values.clean ? {} : { noSerial: 0.02, placeholder: 0.01, virtual: 0.02, duplicates: 0.01 };
const fixture = (file: string | undefined) => (file ? JSON.parse(readFileSync(file, 'utf8')) : null);
const intuneFixture = fixture(values['intune-fixture']) as { devices: GraphDevice[] } | null;
const jamfFixture = fixture(values['jamf-fixture']) as { computers: JamfRecord[]; mobiles: JamfRecord[] } | null;
const intune = await IntuneEmulator.start(
  [
    {
      tenantId: EMULATED.intune.tenantId,
      clients: [{ clientId: EMULATED.intune.clientId, secret: EMULATED.intune.clientSecret }],
      devices: intuneFixture?.devices ?? generateGraphFleet({ size: Number(values['intune-devices']), seed, domain: 'acme.example', ...messy }),
    },
  ],
  Number(values['intune-port']),
);
const jamf = await JamfEmulator.start(Number(values['jamf-port']));
const apple = generateAppleFleet({
  computers: Number(values['jamf-computers']),
  mobiles: Number(values['jamf-mobiles']),
  seed: seed + 1,
  domain: 'acme.example',
  ...(values.clean ? {} : { noSerial: 0.02, duplicates: 0.01, noEmail: 0.1 }),
});
const pageLatency = Number(values['page-latency-ms']);
intune.faults = { slowPageMs: pageLatency };
jamf.faults = { slowPageMs: pageLatency };
jamf.computers = jamfFixture?.computers ?? apple.computers;
jamf.mobiles = jamfFixture?.mobiles ?? apple.mobiles;
jamf.clients.set(EMULATED.jamf.clientId, { clientId: EMULATED.jamf.clientId, secret: EMULATED.jamf.clientSecret });
writeFileSync(values['ca-file']!, `${intune.caPem}\n${jamf.caPem}\n`);
const served: ServedEmulators = {
  intune: { url: intune.url, ...EMULATED.intune },
  jamf: { url: jamf.url, ...EMULATED.jamf },
  caFile: values['ca-file']!,
};
process.stdout.write(JSON.stringify(served) + '\n');
const stop = async () => {
  await Promise.all([intune.stop(), jamf.stop()]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
