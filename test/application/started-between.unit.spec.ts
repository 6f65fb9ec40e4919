import { expect } from 'chai';
import { startedBetween } from '../../src/application/queries/started-between.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';

function refusal(from?: string, to?: string): DomainError {
  try {
    startedBetween(from, to);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`from=${from} to=${to} was accepted`);
}

describe('A window of run start times: bounds as instants, in the form runs record theirs', () => {
  it('turns a time in any zone into the UTC instant it names', () => {
    expect(startedBetween('2026-12-07T17:00:00+01:00', '2026-12-07T10:30-05:30')).to.deep.equal({ from: '2026-12-07T16:00:00.000Z', to: '2026-12-07T16:00:00.000Z' });
    expect(startedBetween('2026-12-07t16:21:21z')).to.deep.equal({ from: '2026-12-07T16:21:21.000Z' });
  });

  it('reads a date alone as the whole day in UTC', () => {
    expect(startedBetween('2026-12-07', '2026-12-07')).to.deep.equal({ from: '2026-12-07T00:00:00.000Z', to: '2026-12-07T23:59:59.999Z' });
  });

  it('rounds digits past the millisecond inward, so neither bound takes in a run outside it', () => {
    expect(startedBetween('2026-12-07T16:21:21.4691Z', '2026-12-07T16:21:21.4699Z')).to.deep.equal({ from: '2026-12-07T16:21:21.470Z', to: '2026-12-07T16:21:21.469Z' });
  });

  it('asks for nothing it was not given', () => {
    expect(startedBetween()).to.deep.equal({});
    expect(startedBetween(undefined, '2026-12-07')).to.deep.equal({ to: '2026-12-07T23:59:59.999Z' });
  });

  it('refuses a time with no zone, naming the field and the forms it reads', () => {
    const error = refusal('2026-12-07T16:00');
    expect(error).to.include({ field: 'from', reason: 'from "2026-12-07T16:00" has no time zone.' });
    expect(error.fix).to.match(/2026-12-01T09:00:00Z/);
  });

  it('refuses a day or time that does not exist, and forms it does not read', () => {
    for (const [from, to] of [['2026-02-30', undefined], [undefined, '2026-12-07T24:00:00Z'], [undefined, '2026-12-07T10:00:00+24:00'], ['2026-W49', undefined], ['20261207T100000Z', undefined]]) {
      const error = refusal(from, to);
      expect(error.field, `${from} ${to}`).to.equal(from ? 'from' : 'to');
      expect(error.reason).to.match(/is not a date or a time\.$/);
    }
  });

  it('refuses a to before from, on the field to', () => {
    const error = refusal('2027-01-01', '2026-01-01');
    expect(error).to.include({ field: 'to', reason: 'to (2026-01-01T23:59:59.999Z) is before from (2027-01-01T00:00:00.000Z).' });
  });
});
