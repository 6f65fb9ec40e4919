import { DNS_CODES, errorCodes, isTlsCode, NETWORK_CODES } from './error-chain.js';
import type { TransportLimits } from './outbound.js';

export type OutboundProblem = 'timeout' | 'tls' | 'network' | 'too-large';

/** A call that never got an HTTP answer from `origin`, and why, in words that name the host. */
export class OutboundFailure extends Error {
  constructor(
    readonly origin: string,
    readonly problem: OutboundProblem,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'OutboundFailure';
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ECONNABORTED']);

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The origin a failure is about, and the host (with its port) its message names. */
function whereOf(url: string): { origin: string; host: string } {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    origin = url;
  }
  return { origin, host: origin.replace(/^https?:\/\//, '') };
}

/** An answer from `url` over the size bound, counted on the wire or once unpacked. */
export function answerTooLarge(url: string, limits: TransportLimits, cause?: unknown): OutboundFailure {
  const { origin, host } = whereOf(url);
  return new OutboundFailure(origin, 'too-large', `${host} sent an answer larger than ${Math.round(limits.maxResponseBytes / 1048576)} MiB; it was not read.`, cause);
}

/** An answer from `url` that was still arriving at the deadline for a whole answer. */
export function answerTooSlow(url: string, limits: TransportLimits): OutboundFailure {
  const { origin, host } = whereOf(url);
  return new OutboundFailure(origin, 'timeout', `${host} did not send its whole answer within ${seconds(limits.answerDeadlineMs)} (MDM_ANSWER_DEADLINE_SECONDS).`);
}

/** Names what happened to a call to `url` that got no answer; null when the error is not a transport failure. */
export function classifyTransportError(error: unknown, url: string, limits: TransportLimits): OutboundFailure | null {
  const named = findOutboundFailure(error);
  if (named) return named;
  const { origin, host } = whereOf(url);
  const codes = errorCodes(error);
  const timedOut = (error as { name?: string }).name === 'TimeoutError' || /timeout of \d+ms exceeded/.test(String((error as Error)?.message));
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
    return new OutboundFailure(origin, 'timeout', `${host} did not accept a connection within ${seconds(limits.connectTimeoutMs)} (UND_ERR_CONNECT_TIMEOUT).`, error);
  }
  if (timedOut || codes.some((c) => TIMEOUT_CODES.has(c))) {
    return new OutboundFailure(origin, 'timeout', `${host} did not answer within ${seconds(limits.responseTimeoutMs)} (${codes.find((c) => TIMEOUT_CODES.has(c)) ?? 'timeout'}).`, error);
  }
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) return answerTooLarge(url, limits, error);
  const tls = codes.find(isTlsCode);
  if (tls) return new OutboundFailure(origin, 'tls', `The TLS certificate of ${host} was not trusted (${tls}).`, error);
  const dns = codes.find((c) => DNS_CODES.has(c));
  if (dns) return new OutboundFailure(origin, 'network', `The server name ${new URL(origin).hostname} does not resolve (${dns}).`, error);
  const network = codes.find((c) => NETWORK_CODES.has(c));
  if (network) return new OutboundFailure(origin, 'network', `${host} could not be reached (${network}).`, error);
  return null;
}

/** The transport failure somewhere in an error's causes, if any. */
export function findOutboundFailure(error: unknown): OutboundFailure | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth += 1) {
    if (current instanceof OutboundFailure) return current;
    current = (current as { cause?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return null;
}
