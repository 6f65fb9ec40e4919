import { DomainError } from '../../domain/shared/domain-error.js';
import { quote } from '../../domain/shared/quote.js';

/** A window of run start times, each bound an instant in the form runs record theirs (`toISOString`). */
export interface StartedBetween {
  from?: string;
  to?: string;
}

const FORM = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/i;
const ZONELESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/i;
const FORM_FIX = 'Give a date (2026-12-01, the whole day in UTC) or a time with its zone (2026-12-01T09:00:00Z, or 2026-12-01T10:00:00+01:00).';

interface Bound {
  /** The instant as runs record theirs. */
  text: string;
  /** The instant as given, in milliseconds with any digits past them, to compare the two bounds by. */
  exact: number;
}

/**
 * The instant a bound names, or null when it names none. A date alone is the whole day in UTC: its
 * first millisecond as a `from`, its last as a `to`. Digits past the millisecond round inward.
 */
function instantOf(value: string, bound: 'from' | 'to'): Bound | null {
  const parts = FORM.exec(value);
  if (!parts) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = parts;
  const y = Number(year), mo = Number(month), d = Number(day);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  if (hour === undefined) {
    const exact = date.getTime() + (bound === 'to' ? 86_400_000 - 1 : 0);
    return { text: new Date(exact).toISOString(), exact };
  }
  const h = Number(hour), mi = Number(minute), s = Number(second ?? 0);
  if (h > 23 || mi > 59 || s > 59) return null;
  let offsetMinutes = 0;
  if (zone!.toUpperCase() !== 'Z') {
    const [oh, om] = zone!.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const whole = date.getTime() + ((h * 60 + mi - offsetMinutes) * 60 + s) * 1000;
  const millis = Number((fraction ?? '').padEnd(9, '0')) / 1e6;
  return { text: new Date(whole + (bound === 'from' ? Math.ceil(millis) : Math.floor(millis))).toISOString(), exact: whole + millis };
}

function boundOf(field: 'from' | 'to', value: string): Bound {
  const instant = instantOf(value, field);
  if (instant !== null) return instant;
  const reason = ZONELESS.test(value) ? `${field} ${quote(value)} has no time zone.` : `${field} ${quote(value)} is not a date or a time.`;
  throw new DomainError('invalid-time-filter', reason, field, FORM_FIX);
}

/**
 * Runs started from `from` to `to`, both included, compared as instants: run start times are kept as
 * UTC text, so a bound in another zone or form would otherwise be compared letter by letter.
 */
export function startedBetween(from?: string, to?: string): StartedBetween {
  const first = from === undefined ? undefined : boundOf('from', from);
  const last = to === undefined ? undefined : boundOf('to', to);
  if (first && last && last.exact < first.exact) {
    throw new DomainError('invalid-time-filter', `to (${last.text}) is before from (${first.text}).`, 'to', 'Give a to at or after from, or leave one of them out.');
  }
  return { ...(first ? { from: first.text } : {}), ...(last ? { to: last.text } : {}) };
}
