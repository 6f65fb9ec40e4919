import { JamfConnector } from '../../src/adapters/driven/jamf/jamf-connector.js';
import type { JamfSettings } from '../../src/domain/connectors/connector-settings.js';
import { JamfEmulator } from '../emulators/jamf/jamf-emulator.js';
import type { JamfRecord } from '../emulators/jamf/apple-fleet.js';
import { FAST_RETRY } from './intune-world.js';

export const JAMF_CLIENT = '1979ca82-1337-c0de-1012-82a008a3bf70';
export const JAMF_SECRET = 'jamf-secret-shown-once';

export async function startJamf(fleet: { computers: JamfRecord[]; mobiles: JamfRecord[] }): Promise<JamfEmulator> {
  const emulator = await JamfEmulator.start();
  emulator.computers = fleet.computers;
  emulator.mobiles = fleet.mobiles;
  emulator.clients.set(JAMF_CLIENT, { clientId: JAMF_CLIENT, secret: JAMF_SECRET });
  emulator.clients.set('computers-only', { clientId: 'computers-only', secret: JAMF_SECRET, privileges: ['Read Computers'] });
  emulator.clients.set('mobiles-only', { clientId: 'mobiles-only', secret: JAMF_SECRET, privileges: ['Read Mobile Devices'] });
  return emulator;
}

export function jamfSettings(emulator: JamfEmulator, overrides: Partial<JamfSettings> = {}): JamfSettings {
  return { enabled: true, tenantUrl: emulator.url, clientId: JAMF_CLIENT, clientSecret: JAMF_SECRET, ...overrides };
}

export function jamfConnector(emulator: JamfEmulator): JamfConnector {
  return new JamfConnector({ extraCaPem: [emulator.caPem], retry: FAST_RETRY });
}
