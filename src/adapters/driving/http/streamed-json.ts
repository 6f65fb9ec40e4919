import type { Response } from 'express';
import { writeInTurn } from './backpressure.js';

/** The client went away while its body was being written: reading on would be for nobody. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed the connection before the response was written.');
  }
}

/**
 * A JSON object whose one large array is written as its items are read, and its other fields after
 * them (JSON does not order an object's fields). Nothing is sent before the first items, so a request
 * that fails before then is still answered with a problem.
 */
export class StreamedJsonObject {
  private started = false;

  constructor(
    private readonly response: Response,
    private readonly arrayField: string,
  ) {}

  get hasStarted(): boolean {
    return this.started;
  }

  async add(items: readonly unknown[]): Promise<void> {
    if (items.length === 0) return;
    let head = ',';
    if (!this.started) {
      this.response.status(200).type('application/json');
      head = `{${JSON.stringify(this.arrayField)}:[`;
      this.started = true;
    }
    if (!(await writeInTurn(this.response, head + items.map((item) => JSON.stringify(item)).join(',')))) throw new ClientGone();
  }

  /** Closes the array and writes the other fields; `rest` must not hold the array's field again. */
  end(rest: Record<string, unknown>): void {
    const fields = JSON.stringify(rest).slice(1);
    this.response.end(fields === '}' ? ']}' : `],${fields}`);
  }
}
