/** Seals secrets for storage at rest and opens them again; sealed text is safe to store and log. */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws SecretUnreadable when no configured key opens it. */
  open(sealed: string): string;
}

/** A stored secret that the configured keys cannot open (the key changed without SECRETS_KEY_PREVIOUS). */
export class SecretUnreadable extends Error {
  constructor() {
    super('Secret unreadable with the current key: enter it again.');
    this.name = 'SecretUnreadable';
  }
}
