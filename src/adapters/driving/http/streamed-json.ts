import type { Response } from 'express';
import { writeInTurn } from './backpressure.js';

/** The client went away while its body was being written: reading on would be for nobody. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed the connection before the response was written.');
  }
}

/**
 * A JSON object whose large arrays are written as their items are read, one array after the other,
 * and its other fields after them (JSON does not order an object's fields). Nothing is sent before the
 * first items, so a request that fails before then is still answered with a problem.
 */
export class StreamedJsonObject {
  /** The arrays written so far, in order; the last is still open. */
  private readonly written: string[] = [];

  constructor(private readonly response: Response) {}

  get hasStarted(): boolean {
    return this.written.length > 0;
  }

  /** Adds items to the array `field`. Once another array is begun, this one is closed for good. */
  async add(field: string, items: readonly unknown[]): Promise<void> {
    if (items.length === 0) return;
    let head = ',';
    if (this.written.at(-1) !== field) {
      if (this.written.includes(field)) throw new Error(`The array ${field} was already closed: its items must come together.`);
      if (!this.hasStarted) this.response.status(200).type('application/json');
      head = `${this.hasStarted ? '],' : '{'}${JSON.stringify(field)}:[`;
      this.written.push(field);
    }
    if (!(await writeInTurn(this.response, head + items.map((item) => JSON.stringify(item)).join(',')))) throw new ClientGone();
  }

  /** Closes the last array and writes the other fields: those of `rest` not already written as arrays. */
  end(rest: Record<string, unknown>): void {
    const others = Object.fromEntries(Object.entries(rest).filter(([field]) => !this.written.includes(field)));
    const fields = JSON.stringify(others).slice(1);
    this.response.end(fields === '}' ? ']}' : `],${fields}`);
  }
}
