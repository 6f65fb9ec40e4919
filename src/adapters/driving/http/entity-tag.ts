import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { quote } from '../../../domain/shared/quote.js';
import { BadRequest } from './problem.js';

/**
 * A strong entity tag of a JSON representation: a digest of the JSON sent, so that two answers carry
 * the same tag exactly when they carry the same bytes. Express's own tags are weak, and a weak tag
 * never satisfies If-Match.
 */
export function entityTagOf(representation: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(representation)).digest('base64url').slice(0, 27)}"`;
}

/** One entity tag of a list (RFC 9110 §8.8.3): optional W/, then quoted characters other than " and controls. */
const ENTITY_TAG = /\s*((?:W\/)?"[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/y;
const EMPTY_ELEMENT = /\s*,/y;

const IF_MATCH_FIX = 'Send the ETag that reading the record answered, quotes included, or * for the record as it is now.';

function malformed(message: string): BadRequest {
  return new BadRequest(`${message}.`, [{ field: 'If-Match', message }], 400, IF_MATCH_FIX);
}

/** If-Match as sent: absent (null), any current record (*), or the entity tags it lists. */
export function readIfMatch(request: Request): '*' | string[] | null {
  const header = request.headers['if-match'];
  if (header === undefined) return null;
  if (header.trim() === '*') return '*';
  const tags: string[] = [];
  for (let at = 0; header.slice(at).trim() !== ''; ) {
    EMPTY_ELEMENT.lastIndex = at;
    if (EMPTY_ELEMENT.test(header)) {
      at = EMPTY_ELEMENT.lastIndex;
      continue;
    }
    ENTITY_TAG.lastIndex = at;
    const tag = ENTITY_TAG.exec(header);
    if (!tag) throw malformed(`If-Match ${quote(header, 100)} is not * or a list of entity tags`);
    tags.push(tag[1]!);
    at = ENTITY_TAG.lastIndex;
  }
  if (tags.length === 0) throw malformed('If-Match names no entity tag');
  return tags;
}

/** The strong comparison If-Match asks for: a weak tag (W/"…") matches nothing. */
export function ifMatchHolds(ifMatch: '*' | string[], current: string): boolean {
  return ifMatch === '*' || ifMatch.includes(current);
}
