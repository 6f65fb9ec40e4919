import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_ROLES, type Authenticator, type Principal, type Role } from '../application/ports/authenticator.js';
import { ConfigurationError } from './config.js';

const ROLES: readonly string[] = [...ADMIN_ROLES, 'member'];
const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * The standalone server's sign-in: API_TOKENS lists "token=email:role" entries separated by commas.
 * Tokens are compared by digest in constant time; each must be at least 24 characters.
 */
export class ConfiguredTokenAuthenticator implements Authenticator {
  private readonly entries: Array<{ digest: Buffer; principal: Principal }>;

  constructor(spec: string) {
    this.entries = spec
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const match = /^([^=\s]+)=([^:\s]+@[^:\s]+):([a-z-]+)$/.exec(entry);
        if (!match) throw new ConfigurationError('API_TOKENS', `entry ${JSON.stringify(entry.replace(/^[^=]*/, '…'))} is not token=email:role.`, 'Write each as token=alice@acme.example:admin.');
        const [, token, email, role] = match;
        if (token!.length < 24) throw new ConfigurationError('API_TOKENS', `the token for ${email} is shorter than 24 characters.`, 'Use long random tokens, for example 32 bytes in base64url.');
        if (!ROLES.includes(role!)) throw new ConfigurationError('API_TOKENS', `role ${JSON.stringify(role)} for ${email} is unknown.`, `Use one of ${ROLES.join(', ')}.`);
        return { digest: digest(token!), principal: { email: email!.toLowerCase(), role: role as Role } };
      });
    // Two people on one token would sign each other's imports and edits in the audit trail.
    this.entries.forEach((entry, i) => {
      const first = this.entries.findIndex((other) => other.digest.equals(entry.digest));
      if (first < i) {
        throw new ConfigurationError('API_TOKENS', `the token for ${entry.principal.email} (entry ${i + 1}) is also the token of entry ${first + 1} (${this.entries[first]!.principal.email}).`, 'Give each entry a token of its own, so the history says who did what.');
      }
    });
  }

  async authenticate(bearerToken: string): Promise<Principal | null> {
    const presented = digest(bearerToken);
    let found: Principal | null = null;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    return found;
  }
}
