import type { HardwareRecord } from '../ports/read-models.js';

/**
 * Which search texts the stores hold. A store whose texts were made another way folds them again
 * from its records when it opens: version 1 only lower-cased them, version 2 left the MAC out.
 */
export const SEARCH_TEXT_VERSION = 3;

/** The apostrophe's other forms: macOS names a Mac "Alice’s MacBook Pro", with U+2019. */
const APOSTROPHES = /[\u2018\u2019\u201b\u02bc\u02bb\u00b4\uff07]/g;
const MARKS = /\p{M}+/gu;
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * A text as a search compares it: lower-cased, accents dropped (Zoë → zoe) and every form of the
 * apostrophe written ', so what an admin types finds what an MDM or a directory wrote.
 */
function fold(text: string): string {
  if (!NOT_ASCII.test(text)) return text.toLowerCase();
  return text.replace(APOSTROPHES, "'").normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/**
 * What a free-text search of the register looks in: a record's name, serial, asset tag, model,
 * manufacturer, assignee and MAC address (written 3c:21:9c:0a:1b:2c, so a serial's digits never match
 * inside it), folded and joined by spaces. A search matches a record when its text holds the needle
 * (trimmed, folded the same way) anywhere, so every store finds the same records.
 */
export function registerSearchText(r: HardwareRecord): string {
  return fold([r.name, r.serial, r.assetTag, r.model, r.manufacturer, r.assignee?.email, r.assignee?.name, r.macAddress].filter(Boolean).join(' '));
}

/**
 * A MAC address, or its first three bytes or more, as Windows (3C-21-9C-0A-1B-2C) and switches
 * (3c21.9c0a.1b2c) write it. Twelve bare digits are left as they are: many serials read so.
 */
const MAC_NOTATION = /^(?:[0-9a-f]{2}(?:-[0-9a-f]{2}){2,5}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})$/i;

/**
 * The needle a search's text asks for; empty when it asks for none. A MAC in another notation asks
 * for it as the texts hold it (3c:21:9c:0a:1b:2c), so one pasted from ipconfig or a switch finds its record.
 */
export function searchNeedle(text: string | undefined): string {
  const needle = text?.trim() ?? '';
  if (!MAC_NOTATION.test(needle)) return fold(needle);
  return needle.replace(/[.-]/g, '').toLowerCase().replace(/..(?!$)/g, '$&:');
}

/**
 * A key for every run of three characters in a text, once each: a record whose text holds a needle
 * holds every run of the needle's. So a store can index a record's keys and look a needle's up, then
 * check the few records found for the needle itself. A key is a 30-bit hash of the run (a small
 * integer, cheap to store and index); two runs sharing one only make that check see more records.
 * Runs are of UTF-16 units, cut the same way from a text and from a needle.
 */
export function trigramKeysOf(text: string): number[] {
  const keys = new Set<number>();
  for (let i = 0; i + 3 <= text.length; i += 1) keys.add(trigramHash(text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2)) >>> 2);
  return [...keys];
}

/** The 32-bit hash of a run of three UTF-16 units, from which each store takes as many bits as it keeps. */
export function trigramHash(a: number, b: number, c: number): number {
  return Math.imul(a * 961 + b * 31 + c, 0x9e3779b1) >>> 0;
}
