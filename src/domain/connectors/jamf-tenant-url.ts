import { DomainError } from '../shared/domain-error.js';

export class InvalidTenantUrl extends DomainError {
  constructor(rule: string, corrected?: string) {
    super(
      'invalid-tenant-url',
      `Tenant URL ${rule}.`,
      'tenantUrl',
      corrected ? `Use ${corrected} instead.` : 'Give the address of your Jamf Pro server, for example https://acme.jamfcloud.com.',
    );
  }
}

/**
 * A Jamf Pro tenant URL is https, a host (and port), and nothing else: no path, no trailing slash,
 * no /api, no query, user info or fragment. Common pastes are refused with the corrected URL.
 */
export function validateJamfTenantUrl(raw: string): string {
  const value = raw.trim();
  if (value === '') throw new InvalidTenantUrl('is empty');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    const guess = /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(value) ? `https://${value}` : undefined;
    throw new InvalidTenantUrl(`${JSON.stringify(value)} is not a URL`, guess);
  }
  const origin = `https://${url.host}`;
  if (url.protocol !== 'https:') throw new InvalidTenantUrl('must use https', url.protocol === 'http:' ? origin : undefined);
  if (!url.hostname) throw new InvalidTenantUrl('has no host');
  if (url.port === '0') throw new InvalidTenantUrl('has port 0, which no server listens on', `https://${url.hostname}`);
  if (url.username || url.password) throw new InvalidTenantUrl('must not contain a user name or password', origin);
  if (url.search || value.includes('?')) throw new InvalidTenantUrl('must not have a query string', origin);
  if (url.hash || value.includes('#')) throw new InvalidTenantUrl('must not have a fragment', origin);
  const path = url.pathname;
  if (/^\/api(\/|$)/i.test(path)) throw new InvalidTenantUrl('must not end in /api (OnTrackio adds the API path itself)', origin);
  if (path === '/' && value.endsWith('/')) throw new InvalidTenantUrl('must not end with a slash', origin);
  if (path !== '/' && path !== '') throw new InvalidTenantUrl(`must not have a path (${path})`, origin);
  return origin;
}
