/** Bytes `text` takes in UTF-8 (a lone half of a surrogate pair counts as the three of U+FFFD). */
export function utf8Bytes(text: string): number {
  // Most lists are ASCII throughout: one search says so, faster than a loop over every character.
  const first = text.search(/[^\0-\x7f]/);
  if (first === -1) return text.length;
  let bytes = text.length;
  for (let i = first; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // four bytes for the pair's two code units
      i += 1;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * A run's list (a page's outcomes, the devices newly missing) cut into consecutive parts, each of at
 * most `maxCount` items whose JSON takes at most `maxBytes`: each part is recorded as one event, in one
 * write, and event stores bound a write (EventStoreDB refuses one over 1 MiB). An item larger than
 * `maxBytes` by itself is a part of its own. An empty list is one empty part: the event still says so.
 */
export function recordParts<T>(items: readonly T[], maxBytes: number, maxCount = Number.POSITIVE_INFINITY): T[][] {
  // Almost every list fits: a single measurement of the whole says so.
  if (items.length <= maxCount && utf8Bytes(JSON.stringify(items)) <= maxBytes) return [[...items]];
  const parts: T[][] = [];
  let part: T[] = [];
  let bytes = 2; // the brackets
  for (const item of items) {
    const size = utf8Bytes(JSON.stringify(item)) + 1; // and its comma
    if (part.length > 0 && (bytes + size > maxBytes || part.length >= maxCount)) {
      parts.push(part);
      part = [];
      bytes = 2;
    }
    part.push(item);
    bytes += size;
  }
  parts.push(part);
  return parts;
}
