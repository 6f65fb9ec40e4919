import { DomainError } from '../shared/domain-error.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Entra tenant and application IDs are GUIDs; a pasted secret ID or display name is caught here. */
export function validateGuid(field: 'tenantId' | 'clientId', raw: string): string {
  const value = raw.trim();
  if (!GUID.test(value)) {
    const where = field === 'tenantId' ? 'Directory (tenant) ID' : 'Application (client) ID';
    throw new DomainError('invalid-guid', `${field} ${JSON.stringify(value)} is not a GUID.`, field, `Copy the ${where} from the app registration's Overview page in Microsoft Entra.`);
  }
  return value.toLowerCase();
}

/** Authority and Graph hosts (sovereign clouds, emulators) are https origins without a path. */
export function validateHttpsOrigin(field: 'authorityHost' | 'graphBaseUrl', raw: string): string {
  const value = raw.trim();
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.port === '0') {
    const example = field === 'authorityHost' ? 'https://login.microsoftonline.us' : 'https://graph.microsoft.us';
    throw new DomainError('invalid-host', `${field} ${JSON.stringify(value)} is not an https address without a path.`, field, `Use, for example, ${example}.`);
  }
  return url.origin;
}

/** A Jamf API client ID is the UUID Jamf shows for the client (hex groups 8-4-4-4-12). */
export function validateJamfClientId(raw: string): string {
  const value = raw.trim();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new DomainError('invalid-client-id', `clientId ${JSON.stringify(value)} is not a Jamf API client ID.`, 'clientId', 'Copy the Client ID (a UUID) from Settings → API roles and clients in Jamf Pro.');
  }
  return value.toLowerCase();
}
