/**
 * Characters a terminal acts on instead of showing: C0 and C1 controls (escape sequences that move the
 * cursor, retitle the window or write the clipboard; bells; line breaks) and the direction marks and
 * overrides that reorder the text after them. A device name comes from an MDM or a person: what the
 * CLI prints of it must read as text, not run.
 */
const ACTED_ON = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const ACTED_ON_BUT_LINE_BREAKS = new RegExp(`(?!\\n)${ACTED_ON.source}`, 'gu');

const written = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with each such character written as \uXXXX; the CLI's own line breaks kept when asked. */
export function printable(text: string, { keepLineBreaks = false } = {}): string {
  return text.replace(keepLineBreaks ? ACTED_ON_BUT_LINE_BREAKS : ACTED_ON, written);
}

/** A line of the CLI's text output whose every value is printable: none can end the line or forge the next. */
export function line(parts: TemplateStringsArray, ...values: unknown[]): string {
  let out = parts[0]!;
  values.forEach((value, i) => (out += printable(String(value)) + parts[i + 1]!));
  return out;
}
