import { validate, type ValidationError } from 'class-validator';
import { BadRequest, type FieldProblem } from './problem.js';
import { UNDECODABLE } from './query-string.js';
import { excerpt } from '../../../domain/shared/quote.js';

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A field the route does not read, worded as class-validator words the ones it finds itself. */
const notRead = (field: string): FieldProblem => ({ field, message: `property ${field} should not exist` });

/** Checks of a value's type: when one fails, the value's length or range says nothing more. */
const TYPE_CHECKS = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isIso8601']);

/** What is wrong with one field: its type alone when that is wrong ("abc" is not "over 1000" but not a number). */
function messagesOf(constraints: Record<string, string>): string[] {
  const typeWrong = Object.entries(constraints).filter(([name]) => TYPE_CHECKS.has(name));
  return (typeWrong.length > 0 ? typeWrong : Object.entries(constraints)).map(([, message]) => message);
}

/** A field left out is said to be required: "serial must be a string" reads as if one had been sent. */
function asRequired(property: string, message: string): string {
  const must = `${property} must `;
  return message.startsWith(must) ? `${property} is required and must ${message.slice(must.length)}` : `${property} is required: ${message}`;
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const missing = e.value === undefined && !e.constraints?.whitelistValidation;
    return [
      ...messagesOf(e.constraints ?? {}).map((message) => ({ field: `${prefix}${e.property}`, message: missing ? asRequired(e.property, message) : message })),
      ...flatten(e.children ?? [], `${prefix}${e.property}.`),
    ];
  });
}

const JSON_OBJECT_FIX = 'Send a JSON object, such as {"name": "…"}, with Content-Type: application/json.';

function kindOfJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The refusal of a body that is not a JSON object (none at all, an array, null, a string…), or null when it is one. */
export function notAnObjectBody(body: unknown): BadRequest | null {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return null;
  const detail = body === undefined ? 'The request has no body; this one needs a JSON object.' : `The body must be a JSON object, not ${kindOfJson(body)}.`;
  return new BadRequest(detail, [], 400, JSON_OBJECT_FIX);
}

/** Copies a JSON body onto a DTO and validates it; unknown fields, `__proto__` and its kin among them, are refused. */
export async function parseBody<T extends object>(Dto: new () => T, body: unknown): Promise<T> {
  const notAnObject = notAnObjectBody(body);
  if (notAnObject) throw notAnObject;
  const dto = new Dto();
  // Never copied, since assigning `__proto__` would replace the DTO's prototype; refused by name like any unknown field.
  const unsafe: FieldProblem[] = [];
  for (const [key, value] of Object.entries(body as object)) {
    if (UNSAFE_KEYS.has(key)) unsafe.push(notRead(key));
    else (dto as Record<string, unknown>)[key] = value;
  }
  const errors = [...unsafe, ...flatten(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }))];
  if (errors.length > 0) throw new BadRequest(`${errors.map((e) => e.message).join('; ')}.`, errors);
  return dto;
}

/**
 * For a route that reads its path and body but no query string: each query parameter is refused by
 * name, never ignored. `PATCH /api/hardware/{id}?dryRun=1` would otherwise save the edit it meant to try.
 */
export function readsNoQuery(fix: string) {
  return (request: { query: unknown }, _response: unknown, next: (error?: unknown) => void): void => {
    const names = Object.keys((request.query ?? {}) as object);
    next(names.length === 0 ? undefined : notReadRefusal('no query parameters', names, fix));
  };
}

/** Query strings carry text; numbers are converted where the DTO expects them, then validated the same way. */
export function parseQuery<T extends object>(Dto: new () => T, query: Record<string, unknown>, numeric: readonly string[] = []): Promise<T> {
  const undecodable = (query as Record<symbol, unknown>)[UNDECODABLE];
  if (undecodable) return Promise.reject(undecodable as Error);
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw new BadRequest(`${key} is given more than once.`, [{ field: key, message: `${key} must be given once` }]);
    // Only whole numbers a JavaScript number holds exactly; anything else stays text and fails validation.
    values[key] = numeric.includes(key) && typeof value === 'string' && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  return parseBody(Dto, values);
}

/**
 * For a route that reads no body and no query string: anything sent is refused, each field by name,
 * rather than ignored. An ignored `{"dryRun": true}` would otherwise start the very import it meant to avoid.
 */
export function readsNoInput(fix: string) {
  return (request: { query: unknown; body: unknown }, _response: unknown, next: (error?: unknown) => void): void => {
    const { query, body } = request;
    const fields = Object.keys((query ?? {}) as object);
    const bodyIsFields = body === undefined || (body !== null && typeof body === 'object' && !Array.isArray(body));
    if (bodyIsFields) fields.push(...Object.keys((body ?? {}) as object));
    if (bodyIsFields && fields.length === 0) return next();
    next(bodyIsFields ? notReadRefusal('no body and no query parameters', fields, fix) : new BadRequest('This request reads no body and no query parameters; send none.', [], 400, fix));
  };
}

/** Fields a request sent and its route does not read, each named. A name as sent may be kilobytes long: each is cut, and at most twenty are named. */
function notReadRefusal(reads: string, fields: readonly string[], fix: string): BadRequest {
  const shown = fields.slice(0, 20).map((field) => excerpt(field, 100));
  return new BadRequest(`This request reads ${reads}; ${shown.join(', ')} would not be read.`, shown.map(notRead), 400, fix);
}
