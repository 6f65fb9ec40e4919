import { expect } from 'chai';
import { InvalidSchedule, isDue, nextScheduledRun, validateSchedule } from '../../src/domain/connectors/sync-schedule.js';

const SAVED = '2026-11-28T10:00:00.000Z';

describe('Sync schedule', () => {
  describe('what can be saved', () => {
    it('is off, every N hours (1 to 168), or daily at HH:MM in a named time zone', () => {
      expect(validateSchedule({ kind: 'off' }, SAVED)).to.deep.equal({ kind: 'off' });
      expect(validateSchedule({ kind: 'every', hours: 6 }, SAVED)).to.deep.equal({ kind: 'every', hours: 6, savedAt: SAVED });
      expect(validateSchedule({ kind: 'daily', at: '02:30', timeZone: 'Europe/Paris' }, SAVED)).to.deep.equal({ kind: 'daily', at: '02:30', timeZone: 'Europe/Paris', savedAt: SAVED });
    });

    it('keeps a time zone under the name the time zone database gives it, whatever case or old alias was typed', () => {
      for (const [typed, kept] of [['europe/paris', 'Europe/Paris'], ['utc', 'UTC'], ['US/Eastern', 'America/New_York']]) {
        expect(validateSchedule({ kind: 'daily', at: '02:30', timeZone: typed }, SAVED), typed).to.include({ timeZone: kept });
      }
    });

    it('refuses anything else, naming the field and the fix', () => {
      const refused = (input: Parameters<typeof validateSchedule>[0], field: string, message: RegExp) => {
        const error = (() => {
          try {
            validateSchedule(input, SAVED);
          } catch (e) {
            return e;
          }
          return null;
        })();
        expect(error).to.be.instanceOf(InvalidSchedule);
        expect(error).to.include({ field });
        expect((error as Error).message).to.match(message);
      };
      refused({ kind: 'every', hours: 0 }, 'hours', /whole number of hours from 1 to 168/);
      refused({ kind: 'every', hours: 2.5 }, 'hours', /whole number/);
      refused({ kind: 'daily', at: '24:00', timeZone: 'UTC' }, 'at', /HH:MM on a 24-hour clock/);
      refused({ kind: 'daily', at: '02:00', timeZone: 'Mars/Olympus' }, 'timeZone', /IANA time zone name/);
      refused({ kind: 'weekly' }, 'kind', /off, every .* or daily/);
      refused({ kind: 'constructor', hours: 1 }, 'kind', /off, every .* or daily/);
      refused({ kind: 'every' }, 'hours', /^A schedule of kind every needs hours\. Give a whole number/);
      refused({ kind: 'daily', at: '02:30' }, 'timeZone', /^A schedule of kind daily needs timeZone\. Give an IANA/);
      refused({ kind: 'daily', at: '02:30', timeZone: 'Europe/Paris', hours: 3 }, 'hours', /^A schedule of kind daily has no hours\. Leave hours out, or choose kind every\.$/);
      refused({ kind: 'off', at: '02:30' }, 'at', /^A schedule of kind off has no at\. Leave at out, or choose kind daily\.$/);
      refused({ kind: 'daily', at: JSON.parse('['.repeat(6_000) + ']'.repeat(6_000)) as string, timeZone: 'UTC' }, 'at', /^\[{120}… is not a time of day/);
    });
  });

  describe('when the next scheduled import is due', () => {
    it('every N hours: at the first check after saving, then N hours after each scheduled start', () => {
      const every6 = validateSchedule({ kind: 'every', hours: 6 }, SAVED);
      expect(nextScheduledRun(every6, null)).to.equal(SAVED);
      expect(nextScheduledRun(every6, '2026-11-28T10:00:30.000Z')).to.equal('2026-11-28T16:00:30.000Z');
      expect(isDue(every6, '2026-11-28T10:00:30.000Z', '2026-11-28T15:59:00.000Z')).to.equal(false);
      expect(isDue(every6, '2026-11-28T10:00:30.000Z', '2026-11-28T16:01:00.000Z')).to.equal(true);
    });

    it('daily: at the time in the named zone, after the save', () => {
      const paris = validateSchedule({ kind: 'daily', at: '02:30', timeZone: 'Europe/Paris' }, SAVED);
      expect(nextScheduledRun(paris, null), 'winter: UTC+1').to.equal('2026-11-29T01:30:00.000Z');
      const newYork = validateSchedule({ kind: 'daily', at: '23:15', timeZone: 'America/New_York' }, SAVED);
      expect(nextScheduledRun(newYork, null)).to.equal('2026-11-29T04:15:00.000Z');
      const summer = validateSchedule({ kind: 'daily', at: '02:30', timeZone: 'Europe/Paris' }, '2026-07-01T10:00:00.000Z');
      expect(nextScheduledRun(summer, null), 'summer: UTC+2').to.equal('2026-07-02T00:30:00.000Z');
    });

    it('a day whose clocks change still gets its run at the wall-clock time', () => {
      const paris = validateSchedule({ kind: 'daily', at: '04:00', timeZone: 'Europe/Paris' }, '2026-10-24T12:00:00.000Z');
      expect(nextScheduledRun(paris, '2026-10-24T02:00:00.000Z'), 'Sunday 25 October: back to UTC+1').to.equal('2026-10-25T03:00:00.000Z');
    });

    it('a time the clocks skip runs as late as the jump, and a time they repeat runs at its first coming, east and west of UTC alike', () => {
      const daily = (at: string, timeZone: string, savedAt: string) => validateSchedule({ kind: 'daily', at, timeZone }, savedAt);
      expect(nextScheduledRun(daily('02:30', 'Europe/Berlin', '2027-03-27T12:00:00.000Z'), null), 'Berlin 02:00→03:00: 03:30 CEST').to.equal('2027-03-28T01:30:00.000Z');
      expect(nextScheduledRun(daily('02:30', 'America/New_York', '2027-03-13T12:00:00.000Z'), null), 'New York 02:00→03:00: 03:30 EDT').to.equal('2027-03-14T07:30:00.000Z');
      expect(nextScheduledRun(daily('02:15', 'Australia/Lord_Howe', '2026-10-03T12:00:00.000Z'), null), 'Lord Howe 02:00→02:30: 02:45').to.equal('2026-10-03T15:45:00.000Z');
      expect(nextScheduledRun(daily('02:30', 'Europe/Berlin', '2026-10-24T12:00:00.000Z'), null), 'Berlin 02:30 twice: the CEST one').to.equal('2026-10-25T00:30:00.000Z');
      expect(nextScheduledRun(daily('01:30', 'America/New_York', '2026-10-31T12:00:00.000Z'), null), 'New York 01:30 twice: the EDT one').to.equal('2026-11-01T05:30:00.000Z');
      const berlin = daily('02:30', 'Europe/Berlin', '2026-10-24T12:00:00.000Z');
      expect(nextScheduledRun(berlin, '2026-10-25T00:30:00.000Z'), 'and not again an hour later').to.equal('2026-10-26T01:30:00.000Z');
    });

    it('runs once after downtime, not once per missed slot', () => {
      const daily = validateSchedule({ kind: 'daily', at: '02:00', timeZone: 'UTC' }, '2026-11-01T00:00:00.000Z');
      const lastRun = '2026-11-20T02:00:05.000Z';
      const backUp = '2026-11-28T09:00:00.000Z';
      expect(isDue(daily, lastRun, backUp), 'eight slots missed: due').to.equal(true);
      const ranAtStartUp = '2026-11-28T09:00:01.000Z';
      expect(isDue(daily, ranAtStartUp, '2026-11-28T09:05:00.000Z'), 'then not again until the next slot').to.equal(false);
      expect(nextScheduledRun(daily, ranAtStartUp)).to.equal('2026-11-29T02:00:00.000Z');
    });

    it('off is never due', () => {
      expect(nextScheduledRun({ kind: 'off' }, null)).to.equal(null);
      expect(isDue({ kind: 'off' }, null, SAVED)).to.equal(false);
    });
  });
});
