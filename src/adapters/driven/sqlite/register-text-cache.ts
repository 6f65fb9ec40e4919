import type { SqliteDatabase } from './database.js';

/** Between two records' texts: a search text never holds it, so no match can span two records. */
const SEPARATOR = '\u0000';

/**
 * A register that changed again within this long of the texts being read is being written (an
 * import): reading the texts at every search would then cost more than scanning the rows, so the
 * search scans until the register settles.
 */
const SETTLED_MS = 5_000;

interface Texts {
  /** Whose writes it reflects: see `version`. */
  version: string;
  /** When they were read (ms since the epoch). */
  readAt: number;
  /** Every record's search text, in asset-tag order, each after a separator. */
  joined: string;
  /** Where each record's text starts in `joined`, ascending, and its rowid. */
  starts: Int32Array;
  rowids: Float64Array;
  /** How often each UTF-16 code unit occurs in `joined`. */
  counts: Uint32Array;
}

/**
 * The register's search texts joined into one string in memory, so that a free-text search is a
 * substring scan of a few megabytes (milliseconds at 100,000 records) rather than a LIKE over every
 * row and its document (about 100 ms). A text index (FTS5 trigrams) answers as fast but costs every
 * register write; this costs nothing until a search, then about 100 bytes per record.
 *
 * Never stale: it is read again whenever the file changed since it was built, by this connection
 * (total_changes), another one (data_version) or a rebuild's table swap (schema_version). While the
 * register keeps changing (an import), a search scans the rows instead (see SETTLED_MS).
 */
export class RegisterTextCache {
  private texts: Texts | null = null;
  private readonly changes;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly table: string,
  ) {
    this.changes = db.prepare<[], number>('SELECT total_changes()').pluck();
  }

  /** The rowids of the records whose search text holds `needle` (already lower-cased), in asset-tag order. */
  matching(needle: string): number[] {
    if (needle.includes(SEPARATOR)) return [];
    const version = this.version();
    if (this.texts?.version !== version && this.texts && Date.now() - this.texts.readAt < SETTLED_MS) return this.scan(needle);
    const { joined, starts, rowids, counts } = this.current(version);
    // indexOf looks for the needle's first character, then compares: looking for the part from its
    // rarest character on ("2" in "hw-0123", not the "h" every record has) spares most false starts.
    let rarest = 0;
    for (let i = 1; i < needle.length; i += 1) if (counts[needle.charCodeAt(i)]! < counts[needle.charCodeAt(rarest)]!) rarest = i;
    const tail = needle.slice(rarest);
    const found: number[] = [];
    // Matches come in order, so the record holding each is found by walking on from the last one.
    let record = 0;
    for (let at = joined.indexOf(tail, rarest); at !== -1; ) {
      const start = at - rarest;
      if (rarest > 0 && !joined.startsWith(needle, start)) {
        at = joined.indexOf(tail, at + 1);
        continue;
      }
      while (record + 1 < starts.length && starts[record + 1]! <= start) record += 1;
      found.push(rowids[record]!);
      // On to the next record: a record is found once.
      const next = record + 1 < starts.length ? starts[record + 1]! : joined.length;
      at = joined.indexOf(tail, next + rarest);
    }
    return found;
  }

  private version(): string {
    const { db } = this;
    return `${db.pragma('schema_version', { simple: true })}:${db.pragma('data_version', { simple: true })}:${this.changes.get()}`;
  }

  /** Every row's text read where it lies (the register's documents with it): a match is the same as in memory. */
  private scan(needle: string): number[] {
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Sorted by an expression, so that SQLite scans the rows rather than walking the asset-tag index to each row.
    return this.db
      .prepare<[string], number>(`SELECT rowid FROM ${this.table} WHERE search LIKE ? ESCAPE '\\' ORDER BY asset_tag || ''`)
      .pluck()
      .all(pattern);
  }

  private current(version: string): Texts {
    if (this.texts?.version === version) return this.texts;
    const starts: number[] = [];
    const rowids: number[] = [];
    const parts: string[] = [];
    let offset = 0;
    // One row at a time: a hundred thousand row objects at once made the next requests wait on the collector.
    for (const [rowid, search] of this.db.prepare<[], [number, string]>(`SELECT rowid, search FROM ${this.table} ORDER BY asset_tag`).raw().iterate()) {
      offset += SEPARATOR.length;
      starts.push(offset);
      rowids.push(rowid);
      parts.push(search);
      offset += search.length;
    }
    const joined = SEPARATOR + parts.join(SEPARATOR);
    const counts = new Uint32Array(65536);
    for (let i = 0; i < joined.length; i += 1) counts[joined.charCodeAt(i)]! += 1;
    this.texts = { version, readAt: Date.now(), joined, starts: Int32Array.from(starts), rowids: Float64Array.from(rowids), counts };
    return this.texts;
  }
}
