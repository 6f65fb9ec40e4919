import { reported } from '../shared/text.js';

const SEPARATORS = /[:\-.\s]/g;
const TWELVE_HEX = /^[0-9A-F]{12}$/;

/**
 * Values in the shape of a MAC that are no network card's own address: all zeros, and the
 * 02:00:00:00:00:00 that Android (6 and later) and iOS (7 and later) hand to software in place of
 * the real one. Kept, every device that reported one would share it in the register.
 */
const PLACEHOLDERS = new Set(['000000000000', '020000000000']);

/**
 * A group address (the lowest bit of the first octet set: broadcast FF:FF:FF:FF:FF:FF, multicast
 * 01:00:5E:…, 33:33:…) names many receivers, never one card.
 */
const isGroupAddress = (hex: string) => (parseInt(hex.slice(0, 2), 16) & 1) === 1;

/**
 * Normalises a MAC to AA:BB:CC:DD:EE:FF. Intune sends 12 bare hex digits, Jamf colon-separated,
 * Windows dash-separated and Cisco dotted; placeholders, group addresses and unparsable values
 * mean "not reported".
 */
export function normaliseMac(raw: string | null | undefined): string | null {
  const value = reported(raw);
  if (value === null) return null;
  const hex = value.replace(SEPARATORS, '').toUpperCase();
  if (!TWELVE_HEX.test(hex) || PLACEHOLDERS.has(hex) || isGroupAddress(hex)) return null;
  return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10)}`;
}

/** The product maps the Wi-Fi MAC, falling back to Ethernet. */
export function preferredMac(wifi: string | null | undefined, ethernet: string | null | undefined): string | null {
  return normaliseMac(wifi) ?? normaliseMac(ethernet);
}
