/** MDMs report unset strings as "" more often than null; both mean "not reported". */
export function reported(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * An ISO 8601 date, or date and time (Graph and Jamf send RFC 3339 date-times). Date.parse alone also
 * reads "1", "June 5" or "12/31/2099" as dates, in the local time zone or a guessed year.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A reported point in time, as the MDM wrote it; a value that does not read as an ISO 8601 time is not reported. */
export function reportedTime(value: string | null | undefined): string | null {
  const text = reported(value);
  return text !== null && ISO_TIME.test(text) && !Number.isNaN(Date.parse(text)) ? text : null;
}

/** A control character (C0 or DEL): no identifier or key holds one. */
export function holdsControlCharacter(value: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(value);
}

/**
 * Half of a UTF-16 surrogate pair: text cut mid-character, or mis-encoded. No store keeps it as sent
 * (SQLite reads back other text, MongoDB and EventStoreDB write U+FFFD) and a URL cannot carry it.
 */
export function holdsHalfCharacter(value: string): boolean {
  return /\p{Surrogate}/u.test(value);
}

/**
 * Characters that show as nothing, or as a plain space: C1 controls, format characters (zero-width
 * space and joiners, direction marks, soft hyphen, byte order mark), line and paragraph separators,
 * and every space but U+0020 (no-break, ideographic…). Text holding one looks like text without it.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/** A character found in a text: U+XXXX, and its 1-based position counted in characters. */
export interface CharacterAt {
  codePoint: string;
  position: number;
}

function firstMatchIn(pattern: RegExp, value: string): CharacterAt | null {
  const match = pattern.exec(value);
  if (!match) return null;
  return { codePoint: codePointOf(match[0]), position: [...value.slice(0, match.index)].length + 1 };
}

/** The first invisible character of `value`; null when it holds none. */
export function invisibleCharacterIn(value: string): CharacterAt | null {
  return firstMatchIn(INVISIBLE, value);
}

/** The first control character (C0, DEL or C1) or half character of `value`; null when it holds none. */
export function controlCharacterIn(value: string): CharacterAt | null {
  return firstMatchIn(/\p{Cc}|\p{Surrogate}/u, value);
}

/** U+XXXX, as the Unicode charts name a code point. */
function codePointOf(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first character that is another way of writing a plainer one: a full-width or other
 * compatibility form (`Ａ` for `A`, `²` for `2`), or a combining mark written apart from its letter
 * (`A` + U+0308 for `Ä`). Text holding one reads like its plain spelling; null when it holds none.
 */
export function otherFormIn(value: string): CharacterAt | null {
  if (value.normalize('NFKC') === value) return null;
  const characters = [...value];
  const index = characters.findIndex((c) => c.normalize('NFKC') !== c || /\p{M}/u.test(c));
  return index < 0 ? null : { codePoint: codePointOf(characters[index]!), position: index + 1 };
}
