import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretUnreadable, type SecretBox } from '../application/ports/secret-box.js';
import { ConfigurationError } from './config.js';

const VERSION = 'v1';

/** Decodes SECRETS_KEY: 32 random bytes as base64 (44 chars) or hex (64 chars). */
export function parseSecretsKey(raw: string, variable = 'SECRETS_KEY'): Buffer {
  const value = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new ConfigurationError(variable, 'must be 32 bytes, as 44 base64 or 64 hex characters.', 'Generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"');
  }
  if (new Set(key).size < 8) throw new ConfigurationError(variable, 'is too weak (too few distinct bytes).', 'Use 32 random bytes.');
  return key;
}

/**
 * AES-256-GCM with a fresh 96-bit nonce per secret: "v1.<nonce>.<tag>.<ciphertext>", base64url parts.
 * Seals with the current key; opens with it or, during a rotation, with the previous one.
 */
export class AesGcmSecretBox implements SecretBox {
  constructor(
    private readonly key: Buffer,
    private readonly previousKey: Buffer | null = null,
  ) {}

  /** True when there is a previous key, so stored secrets should be sealed again with the current one. */
  get rotating(): boolean {
    return this.previousKey !== null;
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, nonce, tag, body] = sealed.split('.');
    if (version !== VERSION || !nonce || !tag || body === undefined) throw new SecretUnreadable();
    for (const key of this.previousKey ? [this.key, this.previousKey] : [this.key]) {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        /* not this key */
      }
    }
    throw new SecretUnreadable();
  }
}
