import { trigramHash } from '../../../application/queries/register-search-text.js';
import type { SqliteDatabase } from './database.js';

/** Between two records' texts: a search text never holds it, so no match can span two records. */
const SEPARATOR = '\u0000';

/**
 * A register that changed again within this long of the texts being read is being written (an
 * import): reading the texts at every search would then cost more than scanning the rows, so the
 * search scans until the register settles.
 */
const SETTLED_MS = 5_000;

/**
 * Each record's trigram signature: a bit for every three-character run of its text, hashed into
 * SIGNATURE_WORDS 32-bit words. A record lacking one of a needle's bits cannot hold the needle.
 */
const SIGNATURE_WORDS = 8;

/** Which of the signature's 256 bits a three-character run sets. */
function trigramBit(a: number, b: number, c: number): number {
  return trigramHash(a, b, c) >>> 24;
}

interface Texts {
  /** Whose writes it reflects: see `version`. */
  version: string;
  /** When they were read (ms since the epoch). */
  readAt: number;
  /** Every record's search text, in asset-tag order, each after a separator. */
  joined: string;
  /** Where each record's text starts in `joined`, ascending, then one past its end; and each record's rowid. */
  starts: Int32Array;
  rowids: Float64Array;
  /** SIGNATURE_WORDS words per record. */
  signatures: Uint32Array;
  /** 1 for each UTF-16 code unit some record's text holds: a needle with any other matches nothing. */
  present: Uint8Array;
}

/**
 * The register's search texts joined into one string in memory, so that a free-text search is a
 * substring scan of a few megabytes (milliseconds at 100,000 records) rather than a LIKE over every
 * row and its document (about 100 ms). Needles of three characters or more first skip the records
 * whose trigram signature rules them out: a serial fragment like "042005" then checks a few
 * thousand records instead of stopping at every digit of the whole string. A text index (FTS5
 * trigrams) answers as fast but costs every register write; this costs nothing until a search, then
 * each record's text and 44 bytes beside it.
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
    const texts = this.current(version);
    for (let i = 0; i < needle.length; i += 1) if (texts.present[needle.charCodeAt(i)] === 0) return [];
    return needle.length >= 3 ? bySignature(texts, needle) : byIndexOf(texts, needle);
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
    // SQLite joins the texts: one string comes back rather than a hundred thousand, each of which the
    // collector would otherwise chase and free while the next searches wait. One read transaction
    // (one snapshot) for both, so that the rowids are the texts' own.
    const { rowids, texts } = this.db.transaction(() => ({
      rowids: this.db.prepare<[], number>(`SELECT rowid FROM ${this.table} ORDER BY asset_tag`).pluck().all(),
      texts: this.db
        .prepare<[], string | null>(`SELECT group_concat(replace(search, char(0), ' '), char(0) ORDER BY asset_tag) FROM ${this.table}`)
        .pluck()
        .get(),
    }))();
    const joined = SEPARATOR + (texts ?? '');
    const starts = new Int32Array(rowids.length + 1);
    const signatures = new Uint32Array(rowids.length * SIGNATURE_WORDS);
    const present = new Uint8Array(65536);
    for (let record = 0, at = 0; record < rowids.length; record += 1) {
      starts[record] = at + SEPARATOR.length;
      const end = record + 1 < rowids.length ? joined.indexOf(SEPARATOR, starts[record]!) : joined.length;
      const base = record * SIGNATURE_WORDS;
      for (let i = starts[record]!; i < end; i += 1) {
        present[joined.charCodeAt(i)] = 1;
        if (i + 2 >= end) continue;
        const bit = trigramBit(joined.charCodeAt(i), joined.charCodeAt(i + 1), joined.charCodeAt(i + 2));
        signatures[base + (bit >>> 5)]! |= 1 << (bit & 31);
      }
      at = end;
    }
    starts[rowids.length] = joined.length + SEPARATOR.length;
    this.texts = { version, readAt: Date.now(), joined, starts, rowids: Float64Array.from(rowids), signatures, present };
    return this.texts;
  }
}

/** The records whose signature holds every bit of the needle's, each then checked for the needle itself. */
function bySignature({ joined, starts, rowids, signatures }: Texts, needle: string): number[] {
  const mask = new Uint32Array(SIGNATURE_WORDS);
  for (let i = 0; i + 2 < needle.length; i += 1) {
    const bit = trigramBit(needle.charCodeAt(i), needle.charCodeAt(i + 1), needle.charCodeAt(i + 2));
    mask[bit >>> 5]! |= 1 << (bit & 31);
  }
  const words: number[] = [];
  const bits: number[] = [];
  mask.forEach((word, w) => {
    if (word === 0) return;
    words.push(w);
    // As a signed 32-bit number, as `&` gives it back.
    bits.push(word | 0);
  });
  const found: number[] = [];
  next: for (let record = 0; record < rowids.length; record += 1) {
    const base = record * SIGNATURE_WORDS;
    for (let j = 0; j < words.length; j += 1) if ((signatures[base + words[j]!]! & bits[j]!) !== bits[j]) continue next;
    if (joined.slice(starts[record]!, starts[record + 1]! - SEPARATOR.length).includes(needle)) found.push(rowids[record]!);
  }
  return found;
}

/** Each match of the needle in turn; the record holding it is found by walking on from the last one. */
function byIndexOf({ joined, starts, rowids }: Texts, needle: string): number[] {
  const found: number[] = [];
  let record = 0;
  for (let at = joined.indexOf(needle); at !== -1; ) {
    while (starts[record + 1]! <= at) record += 1;
    found.push(rowids[record]!);
    // On to the next record: a record is found once.
    at = joined.indexOf(needle, starts[record + 1]!);
  }
  return found;
}
