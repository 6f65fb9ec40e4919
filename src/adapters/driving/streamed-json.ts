/** Where a streamed JSON object's text goes: an HTTP response, the CLI's standard output. */
export interface JsonSink {
  /** Called once, before the first piece (a response's status and type are set then). */
  begin?(): void;
  /** Writes a piece; resolves once more may be written, rejects once nobody reads any more. */
  write(text: string): Promise<void>;
  /** Writes the last piece. */
  end(text: string): Promise<void> | void;
}

/**
 * A JSON object whose large arrays are written as their items are read, one array after the other,
 * and its other fields after them (JSON does not order an object's fields). Nothing is written before
 * the first items, so what fails before then can still be answered whole. With `indent`, the text is
 * laid out as `JSON.stringify(object, null, indent)` lays it out.
 */
export class StreamedJsonObject {
  /** The arrays written so far, in order; the last is still open. */
  private readonly written: string[] = [];
  private readonly indent: string;

  constructor(private readonly sink: JsonSink, { indent = 0 }: { indent?: number } = {}) {
    this.indent = ' '.repeat(indent);
  }

  get hasStarted(): boolean {
    return this.written.length > 0;
  }

  /** Adds items to the array `field`. Once another array is begun, this one is closed for good. */
  async add(field: string, items: readonly unknown[]): Promise<void> {
    if (items.length === 0) return;
    let head = `,${this.newline(2)}`;
    if (this.written.at(-1) !== field) {
      if (this.written.includes(field)) throw new Error(`The array ${field} was already closed: its items must come together.`);
      if (!this.hasStarted) this.sink.begin?.();
      head = `${this.hasStarted ? `${this.newline(1)}],` : '{'}${this.newline(1)}${JSON.stringify(field)}:${this.indent ? ' ' : ''}[${this.newline(2)}`;
      this.written.push(field);
    }
    await this.sink.write(head + items.map((item) => this.json(item, 2)).join(`,${this.newline(2)}`));
  }

  /** Closes the last array and writes the other fields: those of `rest` not already written as arrays. */
  async end(rest: Record<string, unknown>): Promise<void> {
    const others = this.json(Object.fromEntries(Object.entries(rest).filter(([field]) => !this.written.includes(field))), 0);
    await this.sink.end(`${this.newline(1)}]${others === '{}' ? `${this.newline(0)}}` : `,${others.slice(1)}`}`);
  }

  private newline(depth: number): string {
    return this.indent ? `\n${this.indent.repeat(depth)}` : '';
  }

  /** A value's JSON as it reads `depth` levels in: JSON strings hold no raw line breaks to shift. */
  private json(value: unknown, depth: number): string {
    const text = JSON.stringify(value, null, this.indent.length);
    return this.indent && depth > 0 ? text.replaceAll('\n', this.newline(depth)) : text;
  }
}
