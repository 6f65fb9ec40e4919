/** The stream moved on since it was read: someone else appended first. */
export class StreamConflict extends Error {
  constructor(
    readonly stream: string,
    readonly expected: number | 'no_stream' | 'any',
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${stream} is at revision ${actual}, not ${expected}: it changed since it was read.`);
    this.name = 'StreamConflict';
  }
}

/** A store or service the application depends on cannot be reached. */
export class DependencyUnavailable extends Error {
  constructor(
    readonly dependency: string,
    message: string,
    override readonly cause?: unknown,
    /** What an operator does about it. */
    readonly fix = 'Try again in a moment; if it persists, check the store.',
    /** When a retry may succeed. */
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
    this.name = 'DependencyUnavailable';
  }
}
