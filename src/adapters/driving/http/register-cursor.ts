import { positionOf, type HardwareRecord, type Page, type RegisterFilter, type RegisterPosition } from '../../../application/ports/read-models.js';
import { BadRequest } from './problem.js';

/** What a cursor holds: the sort it was made for, and the last record's position in it. */
type Cursor = [sort: string, order: string, value: string | null, assetTag: string];

const sortOf = (filter: RegisterFilter) => [filter.sort ?? 'assetTag', filter.order ?? 'asc'] as const;

/** The `after` of the next page, when this one was full; opaque to callers (base64url of JSON). */
export function nextCursor(page: Page<HardwareRecord>, filter: RegisterFilter): string | null {
  const last = page.items.at(-1);
  if (!last || page.items.length < page.limit) return null;
  const [sort, order] = sortOf(filter);
  const { value, assetTag } = positionOf(last, filter.sort);
  return Buffer.from(JSON.stringify([sort, order, value, assetTag] satisfies Cursor)).toString('base64url');
}

function refuse(detail: string): never {
  throw new BadRequest(detail, [{ field: 'after', message: `${detail} Use the "next" value of the page before, asked with the same sort and order, or leave after out to start at the first page.` }]);
}

/** The position an `after` cursor names, checked against the sort it is used with. */
export function positionAfter(cursor: string, filter: RegisterFilter): RegisterPosition {
  if (filter.offset) refuse('after and offset cannot be used together: after is the page position.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    refuse('after is not a cursor this API gave out.');
  }
  const valid = Array.isArray(parsed) && parsed.length === 4 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string'
    && (parsed[2] === null || typeof parsed[2] === 'string') && typeof parsed[3] === 'string';
  if (!valid) refuse('after is not a cursor this API gave out.');
  const [sort, order, value, assetTag] = parsed as Cursor;
  const [wantedSort, wantedOrder] = sortOf(filter);
  if (sort !== wantedSort || order !== wantedOrder) refuse(`after was given for sort=${sort}&order=${order}, not sort=${wantedSort}&order=${wantedOrder}.`);
  return { value, assetTag };
}
