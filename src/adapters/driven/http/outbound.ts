import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { OutboundMetrics } from './outbound-metrics.js';

/**
 * Every outbound call ends: a connection within `connectTimeoutMs`, each answer started and never
 * paused longer than `responseTimeoutMs`, and whole within `answerDeadlineMs`.
 */
export interface TransportLimits {
  connectTimeoutMs: number;
  /** Longest wait for the response headers, and between two chunks of its body. */
  responseTimeoutMs: number;
  /** Longest time from sending a request to having its whole answer: a body sent a byte at a time is never paused long enough to time out. */
  answerDeadlineMs: number;
  /** A larger answer is refused unread: an MDM page is untrusted input. */
  maxResponseBytes: number;
}

export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = { connectTimeoutMs: 10_000, responseTimeoutMs: 30_000, answerDeadlineMs: 120_000, maxResponseBytes: 64 * 1024 * 1024 };

export interface OutboundOptions {
  /** PEM certificates to trust besides the system's (an emulator's CA, a private CA). */
  extraCaPem?: readonly string[];
  /** Connections per origin; Jamf asks for at most 5. */
  connectionsPerOrigin?: number;
  limits?: Partial<TransportLimits>;
  metrics?: OutboundMetrics;
}

export function transportLimits(options: OutboundOptions): TransportLimits {
  return { ...DEFAULT_TRANSPORT_LIMITS, ...options.limits };
}

function extraCasFromEnvironment(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return [];
  }
}

/**
 * One secure context per set of trusted CAs, shared by every connection and dispatcher. Given the CAs
 * as a list, each TLS connection builds its own context, parsing every system root certificate again:
 * tens of milliseconds per connection, an eighth of a 20,000-device Intune import through its emulator.
 */
const secureContexts = new Map<string, SecureContext>();

function trustedContext(ca: readonly string[]): SecureContext {
  const key = ca.join('\n');
  let context = secureContexts.get(key);
  if (!context) {
    context = createSecureContext({ ca: [...ca] });
    secureContexts.set(key, context);
  }
  return context;
}

/**
 * The dispatcher every outbound MDM call goes through: HTTPS_PROXY/HTTP_PROXY/NO_PROXY honoured, and
 * the system CAs plus NODE_EXTRA_CA_CERTS plus any extra CA trusted.
 */
export function outboundDispatcher(options: OutboundOptions = {}): Dispatcher {
  const extra = options.extraCaPem ?? [];
  const tls = extra.length > 0 ? { secureContext: trustedContext([...rootCertificates, ...extraCasFromEnvironment(), ...extra]) } : undefined;
  const limits = transportLimits(options);
  // Direct connections take TLS options from `connect`; tunnels through a proxy from `requestTls`
  // (the target) and `proxyTls` (an https proxy): the same trust for all three.
  return new EnvHttpProxyAgent({
    connect: { ...tls, timeout: limits.connectTimeoutMs },
    requestTls: tls,
    proxyTls: tls,
    connections: options.connectionsPerOrigin ?? null,
    headersTimeout: limits.responseTimeoutMs,
    bodyTimeout: limits.responseTimeoutMs,
    maxResponseSize: limits.maxResponseBytes,
  });
}
