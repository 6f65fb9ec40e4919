/** Seals secrets for storage at rest and opens them again; sealed text is safe to store and log. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}
