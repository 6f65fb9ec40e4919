import { reported } from '../shared/text.js';

/**
 * Assignment matches emails exactly, ignoring only letter case and surrounding spaces.
 * Anything that is not shaped like an address matches nobody.
 */
export function normaliseEmail(raw: string | null | undefined): string | null {
  const value = reported(raw);
  if (value === null) return null;
  const email = value.toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}
