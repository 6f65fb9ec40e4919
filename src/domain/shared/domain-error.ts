/**
 * A rule of the product was broken. Carries what a person needs to fix the cause:
 * the field at fault (when there is one) and the next step.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    /** What is wrong, without the fix (the message says both). */
    readonly reason: string,
    readonly field?: string,
    readonly fix?: string,
  ) {
    super(fix ? `${reason} ${fix}` : reason);
    this.name = new.target.name;
  }
}

/** Raised by a decider when a command type reaches a switch that does not know it. */
export class UnknownCommand extends DomainError {
  constructor(command: never) {
    super('unknown-command', `Unknown command ${JSON.stringify(command)}.`);
  }
}
