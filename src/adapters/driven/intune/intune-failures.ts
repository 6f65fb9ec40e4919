import type { ConnectionCheck } from '../../../application/ports/mdm-connector.js';
import { causeChain, errorCodes, isTlsCode, NETWORK_CODES } from '../http/error-chain.js';
import { findOutboundFailure, type OutboundProblem } from '../http/outbound-failure.js';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import { excerpt } from '../../../domain/shared/quote.js';

type Failure = Extract<ConnectionCheck, { ok: false }>;

const PERMISSION = 'DeviceManagementManagedDevices.Read.All';

/** Entra's AADSTS codes for client-credential failures, in the admin's terms. */
const AADSTS: Record<string, Omit<Failure, 'ok'>> = {
  '7000215': {
    cause: 'bad-client-secret',
    message: 'Microsoft rejected the client secret (AADSTS7000215).',
    fix: "Paste the secret's Value — not its Secret ID — from Certificates & secrets in the app registration, then test again.",
  },
  '7000222': {
    cause: 'expired-client-secret',
    message: 'The client secret has expired (AADSTS7000222).',
    fix: 'Create a new client secret in the app registration, save its value here, then test again.',
  },
  '700016': {
    cause: 'unknown-client-id',
    message: 'No application with this client ID exists in the tenant (AADSTS700016).',
    fix: "Copy the Application (client) ID from the app registration's Overview, and check that the Tenant ID is the same directory.",
  },
  '90002': {
    cause: 'unknown-tenant',
    message: 'Microsoft does not know this tenant (AADSTS90002).',
    fix: 'Copy the Directory (tenant) ID from the Overview page of Microsoft Entra ID.',
  },
  '7000229': {
    cause: 'no-service-principal',
    message: 'The app registration has no service principal in this tenant (AADSTS7000229).',
    fix: 'Open Enterprise applications in Entra and make sure the app exists there (grant admin consent once), then test again.',
  },
  '65001': {
    cause: 'consent-missing',
    message: `Admin consent for ${PERMISSION} is missing (AADSTS65001).`,
    fix: `In the app registration's API permissions, add the Microsoft Graph application permission ${PERMISSION} and select Grant admin consent.`,
  },
};

function codesAndText(error: unknown): { codes: string[]; text: string } {
  return { codes: errorCodes(error), text: causeChain(error).map((e) => (e instanceof Error ? e.message : String(e))).join(' | ') };
}

const TRANSPORT_FIX: Record<OutboundProblem, string> = {
  timeout: 'Check that this host is the right one and answers from this server (or through HTTPS_PROXY), then run it again.',
  tls: 'If a proxy inspects TLS, give its CA to OnTrackio through NODE_EXTRA_CA_CERTS; otherwise check the authority host and Graph base URL.',
  network: 'Check the server can reach this host (or your HTTPS_PROXY settings), then test again.',
  'too-large': 'Report it to Microsoft support: a Graph page is never that large.',
};

/** Names the cause of a failed token request or Graph call, and the fix. */
export function describeIntuneFailure(error: unknown): Failure {
  const { codes, text } = codesAndText(error);
  const aadsts = /AADSTS(\d+)/.exec(text)?.[1];
  if (aadsts && AADSTS[aadsts]) return { ok: false, ...AADSTS[aadsts]! };
  const notDeviceData = causeChain(error).find((e): e is MdmSourceFailure => e instanceof MdmSourceFailure);
  if (notDeviceData) return { ok: false, cause: 'not-device-data', message: notDeviceData.reason, fix: notDeviceData.fix ?? '' };
  const outbound = findOutboundFailure(error);
  if (outbound) return { ok: false, cause: outbound.problem, message: outbound.message, fix: TRANSPORT_FIX[outbound.problem] };
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 300 && status < 400) {
    const location = (error as { headers?: Headers }).headers?.get?.('location');
    return { ok: false, cause: 'redirect', message: `Microsoft answered with a redirect (${status}${location ? ` to ${excerpt(location, 200)}` : ''}); it was not followed.`, fix: 'Check the authority host and Graph base URL: they must be the service itself, not a sign-in page or proxy.' };
  }
  if (status === 403) {
    return {
      ok: false,
      cause: 'permission-missing',
      message: `Microsoft Graph refused to list managed devices (403): the app has no ${PERMISSION} permission with admin consent.`,
      fix: AADSTS['65001']!.fix,
    };
  }
  if (status === 401) {
    return { ok: false, cause: 'token-rejected', message: 'Microsoft Graph rejected the access token (401).', fix: 'Check the Tenant ID and the Graph base URL belong to the same cloud, then test again.' };
  }
  if (/endpoints_resolution_error/.test(text)) {
    return { ok: false, ...AADSTS['90002']!, message: 'Microsoft could not resolve this tenant (AADSTS90002 or an unreachable authority host).' };
  }
  if (codes.some(isTlsCode) || /certificate|self[- ]signed/i.test(text)) {
    return {
      ok: false,
      cause: 'tls',
      message: `The TLS certificate of the Microsoft endpoint was not trusted (${codes.find(isTlsCode) ?? 'certificate error'}).`,
      fix: 'If a proxy inspects TLS, give its CA to OnTrackio through NODE_EXTRA_CA_CERTS; otherwise check the authority host and Graph base URL.',
    };
  }
  if (codes.some((c) => NETWORK_CODES.has(c)) || /fetch failed|network|ECONNREFUSED|ENOTFOUND|getaddrinfo/i.test(text)) {
    return {
      ok: false,
      cause: 'network',
      message: `Microsoft could not be reached (${codes.find((c) => NETWORK_CODES.has(c)) ?? 'network error'}).`,
      fix: 'Check the server can reach login.microsoftonline.com and graph.microsoft.com (or your HTTPS_PROXY settings), then test again.',
    };
  }
  if (status === 429) {
    return { ok: false, cause: 'throttled', message: 'Microsoft Graph kept throttling the requests (429).', fix: 'Wait a few minutes and run the import again.' };
  }
  // The error's own text, cut: it is the remote answer's message, and may be megabytes or nothing.
  const said = text.trim() ? excerpt(text.trim(), 300) : null;
  // Azure's errors carry statusCode -1 when no answer came: only an HTTP status is named as one.
  const message = status !== undefined && status >= 100 && status < 600
    ? `Microsoft answered ${status}${said ? `: ${said}` : ' without an error message'}.`
    : `Microsoft returned an unexpected error: ${said ?? 'no message'}.`;
  return { ok: false, cause: 'unexpected', message, fix: 'Try again; if it persists, check the app registration in Microsoft Entra.' };
}
