import { rootCertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

export interface OutboundOptions {
  /** PEM certificates to trust besides the system's (an emulator's CA, a private CA). */
  extraCaPem?: readonly string[];
  /** Connections per origin; Jamf asks for at most 5. */
  connectionsPerOrigin?: number;
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
 * The dispatcher every outbound MDM call goes through: HTTPS_PROXY/HTTP_PROXY/NO_PROXY honoured, and
 * the system CAs plus NODE_EXTRA_CA_CERTS plus any extra CA trusted.
 */
export function outboundDispatcher(options: OutboundOptions = {}): Dispatcher {
  const extra = options.extraCaPem ?? [];
  const connect = extra.length > 0 ? { ca: [...rootCertificates, ...extraCasFromEnvironment(), ...extra] } : undefined;
  return new EnvHttpProxyAgent({ connect, connections: options.connectionsPerOrigin ?? null });
}

/** The same trust, for libraries that take a CA list rather than a dispatcher. */
export function trustedCas(extraCaPem: readonly string[] = []): string[] | undefined {
  return extraCaPem.length > 0 ? [...rootCertificates, ...extraCasFromEnvironment(), ...extraCaPem] : undefined;
}
