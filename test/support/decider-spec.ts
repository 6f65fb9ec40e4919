import { expect } from 'chai';

export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** given(events).when(command).then(events) — the shape every decider spec takes. */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return (...given: Event[]) => ({
    when(command: Command) {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        then(...expected: Event[]): void {
          expect(run()).to.deep.equal(expected);
        },
        thenNothingHappens(): void {
          expect(run()).to.deep.equal([]);
        },
        thenThrows(errorClass: new (...args: never[]) => Error, message?: RegExp): void {
          expect(run).to.throw(errorClass, message);
        },
        events: run,
      };
    },
  });
}
