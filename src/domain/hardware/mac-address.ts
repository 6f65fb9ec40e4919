import { reported } from '../shared/text.js';

/**
 * Normalises a MAC to AA:BB:CC:DD:EE:FF. Intune sends 12 bare hex digits, Jamf colon-separated,
 * Windows dash-separated and Cisco dotted; all-zero and unparsable values mean "not reported".
 */
export function normaliseMac(raw: string | null | undefined): string | null {
  const value = reported(raw);
  if (value === null) return null;
  const hex = value.replace(/[:\-.\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{12}$/.test(hex) || /^0{12}$/.test(hex) || /^F{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** The product maps the Wi-Fi MAC, falling back to Ethernet. */
export function preferredMac(wifi: string | null | undefined, ethernet: string | null | undefined): string | null {
  return normaliseMac(wifi) ?? normaliseMac(ethernet);
}
