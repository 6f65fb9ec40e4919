import { Agent } from 'undici';
import { createSecureContext } from 'node:tls';
import { MANAGED_DEVICE_FIELDS } from '../src/adapters/driven/intune/graph-managed-device.js';
import type { ServedEmulators } from '../test/emulators/serve.js';

/**
 * The baseline the import is measured against: the same pages fetched with a bare client and
 * parsed, nothing else — no SDK, no mapping, no register. It trusts the emulator's CA alone, in one
 * secure context for all its connections.
 */
function client(caPem: string) {
  const dispatcher = new Agent({ connect: { secureContext: createSecureContext({ ca: caPem }) } });
  return async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, dispatcher } as RequestInit);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
}

const form = (values: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
});

export async function plainFetchIntune(served: ServedEmulators, caPem: string): Promise<number> {
  const get = client(caPem);
  const { intune } = served;
  const token = await get(`${intune.url}/${intune.tenantId}/oauth2/v2.0/token`, form({ grant_type: 'client_credentials', client_id: intune.clientId, client_secret: intune.clientSecret, scope: `${intune.url}/.default` }));
  const headers = { authorization: `Bearer ${token.access_token as string}` };
  let url: string | undefined = `${intune.url}/v1.0/deviceManagement/managedDevices?$select=${MANAGED_DEVICE_FIELDS.join(',')}&$top=1000`;
  let devices = 0;
  while (url) {
    const page = await get(url, { headers });
    devices += (page.value as unknown[]).length;
    url = page['@odata.nextLink'] as string | undefined;
  }
  return devices;
}

export async function plainFetchJamf(served: ServedEmulators, caPem: string): Promise<number> {
  const get = client(caPem);
  const { jamf } = served;
  const token = await get(`${jamf.url}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', client_id: jamf.clientId, client_secret: jamf.clientSecret }));
  const headers = { authorization: `Bearer ${token.access_token as string}` };
  let devices = 0;
  const endpoints = [
    ['/api/v4/computers-inventory', 'section=GENERAL&section=HARDWARE&section=OPERATING_SYSTEM&section=USER_AND_LOCATION&section=STORAGE&sort=id:asc'],
    ['/api/v2/mobile-devices/detail', 'section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION&sort=mobileDeviceId:asc'],
  ] as const;
  for (const [path, query] of endpoints) {
    for (let page = 0; ; page += 1) {
      const body = await get(`${jamf.url}${path}?${query}&page=${page}&page-size=2000`, { headers });
      const results = body.results as unknown[];
      devices += results.length;
      if (results.length === 0 || (page + 1) * 2000 >= (body.totalCount as number)) break;
    }
  }
  return devices;
}
