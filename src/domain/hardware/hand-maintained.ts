import { DomainError } from '../shared/domain-error.js';
import { quote } from '../shared/quote.js';
import { controlCharacterIn, reported } from '../shared/text.js';
import { isCategory, type Category } from './category.js';

export const STATUSES = ['available', 'assigned', 'in_repair', 'retired', 'lost'] as const;
export type Status = (typeof STATUSES)[number];
export const CONDITIONS = ['new', 'good', 'fair', 'poor', 'broken'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Fields people maintain by hand. An import never writes them after create. */
export interface HandMaintained {
  name: string;
  category: Category;
  status: Status;
  condition: Condition;
  cpu: string | null;
  ram: string | null;
  storage: string | null;
  purchasePrice: number | null;
  purchaseDate: string | null;
}

export type DetailsEdit = Partial<HandMaintained>;

/** A typed value the register refuses, quoted, with its field and the fix. */
export function invalid(field: string, value: unknown, fix: string): DomainError {
  return new DomainError('invalid-details', `${field} ${quote(value)} is not valid.`, field, fix);
}

/**
 * Typed text is one line of characters: a line break, a tab, an escape or half of a character is a
 * paste gone wrong, and would be shown as is wherever the record is (a list, a CSV, a terminal). Only
 * what is typed is checked: a name an MDM gave the record on create may be sent back as it is.
 */
export function refuseControlCharacters(typed: DetailsEdit): void {
  refuseControlCharactersIn(typed, ['name', 'cpu', 'ram', 'storage']);
}

/** The same check over any typed text fields. */
export function refuseControlCharactersIn<T extends object>(typed: T, fields: ReadonlyArray<keyof T & string>): void {
  for (const field of fields) {
    const value = typed[field];
    const found = typeof value === 'string' ? controlCharacterIn(value) : null;
    if (found) throw invalid(field, value, `Type it as one line of text: character ${found.position} (${found.codePoint}) is a control character or half of one.`);
  }
}

/** A price typed by hand: an amount in the workspace's currency, as the Hardware form takes it. */
const PRICE_LIMIT = 1_000_000_000_000;
const PRICE_DIGITS = /^\d+(\.\d{1,2})?$/;

/** The furthest time zone is 14 hours ahead of UTC: its today is the latest date a purchase can have. */
const FURTHEST_ZONE_MS = 14 * 60 * 60 * 1000;

/**
 * Checks one hand edit against the register's rules and returns it as it is kept: the name, CPU, RAM
 * and storage without surrounding spaces, and a blank CPU, RAM or storage cleared (null), as the
 * Hardware form clears it.
 * `now` is the command's time, against which a purchase date must not be in the future.
 */
export function validateDetailsEdit(edit: DetailsEdit, now: string): DetailsEdit {
  if (edit.name !== undefined && (typeof edit.name !== 'string' || !edit.name.trim() || edit.name.length > 200)) {
    throw invalid('name', edit.name, 'Give a name of 1–200 characters.');
  }
  if (edit.category !== undefined && !isCategory(edit.category)) {
    throw invalid('category', edit.category, 'Use one of laptop, desktop, phone, tablet, tv, watch, headset, server, other.');
  }
  if (edit.status !== undefined && !(STATUSES as readonly string[]).includes(edit.status)) {
    throw invalid('status', edit.status, `Use one of ${STATUSES.join(', ')}.`);
  }
  if (edit.condition !== undefined && !(CONDITIONS as readonly string[]).includes(edit.condition)) {
    throw invalid('condition', edit.condition, `Use one of ${CONDITIONS.join(', ')}.`);
  }
  for (const field of ['cpu', 'ram', 'storage'] as const) {
    const value = edit[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || value.length > 200)) {
      throw invalid(field, value, 'Give text of at most 200 characters, or null to clear it.');
    }
  }
  const price = edit.purchasePrice;
  if (price !== undefined && price !== null && (typeof price !== 'number' || !Number.isFinite(price) || price < 0)) {
    throw invalid('purchasePrice', price, 'Give a number of 0 or more, or null to clear it.');
  }
  // 1e+300 or 12.3456789 would be kept, and shown, as JavaScript writes them: a typo, not a price.
  if (typeof price === 'number' && (price >= PRICE_LIMIT || !PRICE_DIGITS.test(String(price)))) {
    throw invalid('purchasePrice', price, `Give the amount with at most 2 decimals, below ${PRICE_LIMIT.toLocaleString('en-US')}, or null to clear it.`);
  }
  const date = edit.purchaseDate;
  if (date !== undefined && date !== null && (typeof date !== 'string' || !isCalendarDate(date))) {
    throw invalid('purchaseDate', date, 'Give a calendar date as YYYY-MM-DD, or null to clear it.');
  }
  if (typeof date === 'string') {
    const latest = new Date(Date.parse(now) + FURTHEST_ZONE_MS).toISOString().slice(0, 10);
    if (date > latest) throw new DomainError('invalid-details', `purchaseDate ${quote(date)} is in the future.`, 'purchaseDate', 'Give the date the device was bought: today or earlier.');
  }
  return keptAsTyped(edit);
}

/** The name without surrounding spaces; CPU, RAM and storage likewise, and null when blank. */
function keptAsTyped(edit: DetailsEdit): DetailsEdit {
  const kept: DetailsEdit = { ...edit };
  if (typeof edit.name === 'string') kept.name = edit.name.trim();
  for (const field of ['cpu', 'ram', 'storage'] as const) {
    const value = edit[field];
    if (typeof value === 'string') kept[field] = reported(value);
  }
  return kept;
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}
