import { DomainError } from '../shared/domain-error.js';
import { quote } from '../shared/quote.js';

/** When a source is imported without anyone asking: never, every N hours, or daily at a time in a named zone. */
export type SyncSchedule =
  | { kind: 'off' }
  | { kind: 'every'; hours: number; savedAt: string }
  | { kind: 'daily'; at: string; timeZone: string; savedAt: string };

export interface ScheduleInput {
  kind: string;
  hours?: number;
  at?: string;
  timeZone?: string;
}

export const MAX_HOURS = 168;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export class InvalidSchedule extends DomainError {
  constructor(field: string, reason: string, fix: string) {
    super('invalid-schedule', reason, field, fix);
  }
}

/**
 * The zone's name as the time zone database spells it (europe/paris → Europe/Paris, US/Eastern →
 * America/New_York), so the card and the history show one name per zone; null when there is no such zone.
 */
function canonicalTimeZone(timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The fields each kind of schedule reads; any other one sent is refused rather than dropped. */
const READS: Record<string, ReadonlyArray<'hours' | 'at' | 'timeZone'>> = { off: [], every: ['hours'], daily: ['at', 'timeZone'] };
const kindReading = (field: 'hours' | 'at' | 'timeZone') => Object.keys(READS).find((kind) => READS[kind]!.includes(field))!;

const FIXES: Record<string, string> = {
  hours: `Give a whole number of hours from 1 to ${MAX_HOURS}.`,
  at: 'Give the time as HH:MM on a 24-hour clock, e.g. 02:30.',
  timeZone: 'Give an IANA time zone name, e.g. Europe/Paris or America/New_York.',
};

function refuseFieldsNotRead(input: ScheduleInput): void {
  if (!Object.hasOwn(READS, input.kind)) return; // an unknown kind is refused as such below
  const reads = READS[input.kind]!;
  for (const field of ['hours', 'at', 'timeZone'] as const) {
    if (input[field] === undefined || reads.includes(field)) continue;
    throw new InvalidSchedule(field, `A schedule of kind ${input.kind} has no ${field}.`, `Leave ${field} out, or choose kind ${kindReading(field)}.`);
  }
}

function missing(field: string, kind: string): InvalidSchedule {
  return new InvalidSchedule(field, `A schedule of kind ${kind} needs ${field}.`, FIXES[field]!);
}

export function validateSchedule(input: ScheduleInput, now: string): SyncSchedule {
  refuseFieldsNotRead(input);
  switch (input.kind) {
    case 'off':
      return { kind: 'off' };
    case 'every': {
      const { hours } = input;
      if (hours === undefined || hours === null) throw missing('hours', 'every');
      if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS) {
        throw new InvalidSchedule('hours', `Every ${quote(hours)} hours is not a schedule.`, FIXES.hours!);
      }
      return { kind: 'every', hours, savedAt: now };
    }
    case 'daily': {
      const { at, timeZone } = input;
      if (at === undefined || at === null) throw missing('at', 'daily');
      if (typeof at !== 'string' || !TIME.test(at)) throw new InvalidSchedule('at', `${quote(at)} is not a time of day.`, FIXES.at!);
      if (timeZone === undefined || timeZone === null) throw missing('timeZone', 'daily');
      const zone = typeof timeZone === 'string' ? canonicalTimeZone(timeZone) : null;
      if (zone === null) throw new InvalidSchedule('timeZone', `${quote(timeZone)} is not a time zone.`, FIXES.timeZone!);
      return { kind: 'daily', at, timeZone: zone, savedAt: now };
    }
    default:
      throw new InvalidSchedule('kind', `${quote(input.kind)} is not a kind of schedule.`, 'Choose off, every (with hours) or daily (with at and timeZone).');
  }
}

/** How far the zone's wall clock is ahead of UTC at this instant, in ms. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - Math.floor(instant / 1000) * 1000;
}

const DAY = 86_400_000;

/**
 * The instant a wall-clock time of a day has in the zone. On the day clocks go back, a time that
 * comes twice is its first coming; on the day they go forward, a time the clocks skip is taken as
 * the clock would read it had it not jumped (02:30 in a 02:00→03:00 jump is 03:30), in every zone.
 */
function zoned(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = zoneOffset(wall - DAY, timeZone);
  const after = zoneOffset(wall + DAY, timeZone);
  const real = [wall - before, wall - after].filter((instant) => wall - zoneOffset(instant, timeZone) === instant);
  return real.length > 0 ? Math.min(...real) : wall - before;
}

/** The zone's calendar date at this instant. */
function localDate(instant: number, timeZone: string): { year: number; month: number; day: number } {
  const shifted = new Date(instant + zoneOffset(instant, timeZone));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function dailySlotAfter(schedule: Extract<SyncSchedule, { kind: 'daily' }>, after: number): number {
  const [hour, minute] = schedule.at.split(':').map(Number) as [number, number];
  const { year, month, day } = localDate(after, schedule.timeZone);
  for (let offset = 0; offset <= 2; offset += 1) {
    const slot = zoned(year, month, day + offset, hour, minute, schedule.timeZone);
    if (slot > after) return slot;
  }
  throw new Error(`No ${schedule.at} slot after ${new Date(after).toISOString()} in ${schedule.timeZone}.`);
}

/**
 * When the next scheduled import is due, given when the last scheduled one started (null if none):
 * `every` runs first at the next check after it is saved, then N hours after each scheduled start;
 * `daily` runs at the first slot after the later of the save and the last scheduled start. A time
 * in the past means due now — once, however many slots went by while nothing ran.
 */
export function nextScheduledRun(schedule: SyncSchedule, lastScheduledStart: string | null): string | null {
  if (schedule.kind === 'off') return null;
  if (schedule.kind === 'every') return lastScheduledStart === null ? schedule.savedAt : new Date(Date.parse(lastScheduledStart) + schedule.hours * 3_600_000).toISOString();
  const after = Math.max(Date.parse(schedule.savedAt), lastScheduledStart === null ? 0 : Date.parse(lastScheduledStart));
  return new Date(dailySlotAfter(schedule, after)).toISOString();
}

export function isDue(schedule: SyncSchedule, lastScheduledStart: string | null, now: string): boolean {
  const next = nextScheduledRun(schedule, lastScheduledStart);
  return next !== null && Date.parse(next) <= Date.parse(now);
}
