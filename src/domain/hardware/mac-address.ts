import { reported } from '../shared/text.js';

const SEPARATORS = /[:\-.\s]/g;
const TWELVE_HEX = /^[0-9A-F]{12}$/;

/**
 * Normalises a MAC to AA:BB:CC:DD:EE:FF. Intune sends 12 bare hex digits, Jamf colon-separated,
 * Windows dash-separated and Cisco dotted; all-zero and unparsable values mean "not reported".
 */
export function normaliseMac(raw: string | null | undefined): string | null {
  const value = reported(raw);
  if (value === null) return null;
  const hex = value.replace(SEPARATORS, '').toUpperCase();
  if (!TWELVE_HEX.test(hex) || hex === '000000000000' || hex === 'FFFFFFFFFFFF') return null;
  return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10)}`;
}

/** The product maps the Wi-Fi MAC, falling back to Ethernet. */
export function preferredMac(wifi: string | null | undefined, ethernet: string | null | undefined): string | null {
  return normaliseMac(wifi) ?? normaliseMac(ethernet);
}
