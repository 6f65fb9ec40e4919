import { parse } from 'node:querystring';
import { BadRequest } from './problem.js';

const SHOWN = 40;

/** The text a form-encoded part stands for; null when it is not valid percent-encoding. */
function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Where a parsed query keeps its refusal, for the routes that read their query (see parseQuery). */
export const UNDECODABLE = Symbol('undecodable query parameter');

function refusal(text: string): BadRequest | undefined {
  for (const pair of text.split('&')) {
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    const name = decoded(rawName);
    if (name !== null && decoded(rawValue) !== null) continue;
    const field = name ?? rawName.slice(0, SHOWN);
    const shown = name !== null ? rawValue : rawName;
    const message = `${field} is not valid percent-encoding (${JSON.stringify(shown.slice(0, SHOWN))})`;
    return new BadRequest(`${message}.`, [{ field, message }], 400, 'Encode special characters in the query as %XX with two hex digits of UTF-8, as encodeURIComponent does.');
  }
  return undefined;
}

/**
 * Node's query parser keeps a value it cannot decode as its raw text, so `?q=%E0%A4%A` searched for
 * those eight characters and found nothing. The parse carries the refusal instead of throwing it: the
 * request log reads the query too, and must not fail on it.
 */
export function parseQueryString(raw: string | null | undefined): Record<string, unknown> {
  const text = raw ?? '';
  const query: Record<string, unknown> = parse(text);
  const refused = refusal(text);
  if (refused) Object.defineProperty(query, UNDECODABLE, { value: refused });
  return query;
}
