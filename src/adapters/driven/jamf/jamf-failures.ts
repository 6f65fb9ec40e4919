import { AxiosError } from 'axios';
import type { ConnectionCheck } from '../../../application/ports/mdm-connector.js';
import { DNS_CODES, errorCodes, isTlsCode, NETWORK_CODES } from '../http/error-chain.js';
import { findOutboundFailure } from '../http/outbound-failure.js';
import { excerpt } from '../../../domain/shared/quote.js';

type Failure = Extract<ConnectionCheck, { ok: false }>;

/** Thrown when neither token path exists on the server: the tenant URL does not point at Jamf Pro. */
export class NoJamfApiHere extends Error {
  constructor(readonly tenantUrl: string) {
    super(`No Jamf Pro API answered at ${tenantUrl}/api/v1/oauth/token or ${tenantUrl}/api/oauth/token (404).`);
    this.name = 'NoJamfApiHere';
  }
}

/** The token path answered 2xx, but not with an OAuth token: whatever answers there is not Jamf Pro. */
export class NotAJamfToken extends Error {
  constructor(readonly tenantUrl: string, path: string, what = 'without an access_token') {
    super(`${tenantUrl}${path} answered ${what}: it is not a Jamf Pro token endpoint.`);
    this.name = 'NotAJamfToken';
  }
}

const URL_FIX = 'Check the Tenant URL: https and the server name only, for example https://acme.jamfcloud.com — no trailing slash and no /api.';

/** Names the cause of a failed Jamf call, in the admin's terms, with the fix. */
export function describeJamfFailure(error: unknown): Failure {
  if (error instanceof NotAJamfToken) return { ok: false, cause: 'wrong-tenant-url', message: error.message, fix: URL_FIX };
  if (error instanceof NoJamfApiHere) return { ok: false, cause: 'wrong-tenant-url', message: error.message, fix: URL_FIX };
  const outbound = findOutboundFailure(error);
  if (outbound) {
    const fix = outbound.problem === 'tls' ? 'If a proxy inspects TLS, give its CA to OnTrackio through NODE_EXTRA_CA_CERTS; otherwise check the Tenant URL.' : `${URL_FIX} Then check the server can reach it (or your HTTPS_PROXY settings).`;
    return { ok: false, cause: outbound.problem === 'network' && /ENOTFOUND|EAI_AGAIN/.test(outbound.message) ? 'wrong-tenant-url' : outbound.problem, message: outbound.message, fix };
  }
  const all = errorCodes(error);
  const tls = all.find(isTlsCode);
  if (tls) {
    return { ok: false, cause: 'tls', message: `The Jamf Pro server's TLS certificate was not trusted (${tls}).`, fix: 'If a proxy inspects TLS, give its CA to OnTrackio through NODE_EXTRA_CA_CERTS; otherwise check the Tenant URL.' };
  }
  const network = all.find((c) => NETWORK_CODES.has(c));
  if (network) {
    const dns = DNS_CODES.has(network);
    return {
      ok: false,
      cause: dns ? 'wrong-tenant-url' : 'network',
      message: dns ? `The Jamf Pro server name in the Tenant URL does not resolve (${network}).` : `The Jamf Pro server could not be reached (${network}).`,
      fix: dns ? URL_FIX : 'Check the server can reach your Jamf Pro URL (or your HTTPS_PROXY settings), then test again.',
    };
  }
  if (error instanceof AxiosError && error.response) {
    const { status, data, config } = error.response;
    const path = config?.url ?? '';
    const body = data as { error?: string; error_description?: string; errors?: Array<{ code?: string; description?: string }> } | undefined;
    if (/oauth\/token/.test(path) && (status === 400 || status === 401)) {
      return {
        ok: false,
        cause: 'bad-credentials',
        message: `Jamf Pro rejected the client ID or secret (${status}${body?.error ? ` ${excerpt(body.error, 60)}` : ''}).`,
        fix: 'Confirm the client ID and secret in Settings → API roles and clients; Jamf shows a secret only once, so generate a new one if in doubt and save it here.',
      };
    }
    if (status >= 300 && status < 400) {
      const location = error.response.headers?.location as unknown;
      return { ok: false, cause: 'redirect', message: `Jamf Pro answered ${path} with a redirect (${status}${location ? ` to ${excerpt(location, 200)}` : ''}); it was not followed.`, fix: URL_FIX };
    }
    if (status === 403) {
      return { ok: false, cause: 'missing-privilege', message: `Jamf Pro refused ${path} (403 ${excerpt(body?.errors?.[0]?.code ?? 'INVALID_PRIVILEGE', 60)}).`, fix: "Add the missing privilege to the API client's role in Jamf Pro." };
    }
    if (status === 404) return { ok: false, cause: 'wrong-tenant-url', message: `Jamf Pro answered 404 for ${path}.`, fix: URL_FIX };
    if (status === 429) return { ok: false, cause: 'throttled', message: 'Jamf Pro kept answering 429 Too Many Requests.', fix: 'Wait a few minutes and run the import again.' };
    return { ok: false, cause: 'unexpected', message: `Jamf Pro answered ${status} for ${path}: ${excerpt(data, 200)}`, fix: 'Try again; if it persists, check the Jamf Pro server.' };
  }
  return { ok: false, cause: 'unexpected', message: `Jamf Pro could not be read: ${error instanceof Error ? error.message : String(error)}`, fix: 'Try again; if it persists, check the Tenant URL and the server.' };
}
