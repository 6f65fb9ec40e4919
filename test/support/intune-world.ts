import { IntuneConnector } from '../../src/adapters/driven/intune/intune-connector.js';
import type { IntuneSettings } from '../../src/domain/connectors/connector-settings.js';
import { IntuneEmulator } from '../emulators/intune/intune-emulator.js';
import type { GraphDevice } from '../emulators/intune/graph-fleet.js';

export const TENANT = '7f3a1c2e-9b4d-4e6f-8a1b-2c3d4e5f6a7b';
export const CLIENT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const SECRET = 'Qx8~real-secret-value';
/** Test timings: real back-off shape, milliseconds instead of seconds. */
export const FAST_RETRY = { budgetMs: 2_000, baseDelayMs: 5, maxAttempts: 6 };

export async function startIntune(devices: GraphDevice[]): Promise<IntuneEmulator> {
  return IntuneEmulator.start([
    {
      tenantId: TENANT,
      devices,
      clients: [
        { clientId: CLIENT, secret: SECRET },
        { clientId: '11111111-1111-4111-8111-111111111111', secret: SECRET, secretExpired: true },
        { clientId: '22222222-2222-4222-8222-222222222222', secret: SECRET, consented: false },
        { clientId: '33333333-3333-4333-8333-333333333333', secret: SECRET, hasServicePrincipal: false },
      ],
    },
  ]);
}

export function intuneSettings(emulator: IntuneEmulator, overrides: Partial<IntuneSettings> = {}): IntuneSettings {
  return { enabled: true, tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, authorityHost: emulator.url, graphBaseUrl: emulator.url, ...overrides };
}

export function intuneConnector(emulator: IntuneEmulator): IntuneConnector {
  return new IntuneConnector({ extraCaPem: [emulator.caPem], retry: FAST_RETRY });
}
