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
  const tls = extra.length > 0 ? { ca: [...rootCertificates, ...extraCasFromEnvironment(), ...extra] } : undefined;
  // Direct connections take TLS options from `connect`; tunnels through a proxy from `requestTls`
  // (the target) and `proxyTls` (an https proxy): the same trust for all three.
  return new EnvHttpProxyAgent({ connect: tls, requestTls: tls, proxyTls: tls, connections: options.connectionsPerOrigin ?? null });
}
