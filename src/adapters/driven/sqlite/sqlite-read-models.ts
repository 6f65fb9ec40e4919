import type {
  AuditEntry, AuditLogFilter, AuditLogQueries, HardwareRecord, HardwareRegisterQueries, Page, ProjectionStore, ReadModelStore,
  RebuildSession, RegisterFilter, RegisterPosition, RegisterSort,
} from '../../../application/ports/read-models.js';
import type Database from 'better-sqlite3';
import type { DecisionFingerprint, KnownHardware, KnownRecord } from '../../../application/ports/known-hardware.js';
import type { MdmSourceName } from '../../../domain/hardware/mdm-source.js';
import { writeTransaction, type SqliteDatabase } from './database.js';
import { RegisterTextCache } from './register-text-cache.js';
import { guardStore } from './store-errors.js';
import { hardwareStream } from '../../../application/streams.js';
import { registerSearchText, SEARCH_TEXT_VERSION, searchNeedle } from '../../../application/queries/register-search-text.js';
import { exactValues } from '../../../application/queries/register-filter-values.js';

const REGISTER = 'register';

/** Sortable fields as SQL: columns where the register has them, else the document's field. */
const SORT_COLUMNS: Record<RegisterSort, string> = {
  assetTag: 'asset_tag',
  serial: 'serial',
  category: 'category',
  status: 'status',
  assignee: 'assignee_email',
  name: "json_extract(doc, '$.name')",
  model: "json_extract(doc, '$.model')",
  updatedAt: "json_extract(doc, '$.updatedAt')",
};
const AUDIT_LOG = 'audit_log';

/**
 * The rows after a position in an ORDER BY column, asset_tag. SQLite puts NULL first ascending, last
 * descending. Each condition starts with a range on the column, so its index can seek to the page.
 */
function keysetAfter(column: string, { value, assetTag }: RegisterPosition, direction: 'ASC' | 'DESC'): { sql: string; params: unknown[] } {
  if (column === 'asset_tag') return { sql: `asset_tag ${direction === 'ASC' ? '>' : '<'} ?`, params: [assetTag] };
  if (direction === 'ASC') {
    return value === null
      ? { sql: `((${column} IS NULL AND asset_tag > ?) OR ${column} IS NOT NULL)`, params: [assetTag] }
      : { sql: `(${column} >= ? AND (${column} > ? OR asset_tag > ?))`, params: [value, value, assetTag] };
  }
  return value === null
    ? { sql: `(${column} IS NULL AND asset_tag < ?)`, params: [assetTag] }
    : { sql: `((${column} <= ? AND (${column} < ? OR asset_tag < ?)) OR ${column} IS NULL)`, params: [value, value, assetTag] };
}
const FINGERPRINTS = 'decision_fingerprints';
/** Up to this many text matches (with other filters or another sort), their page is sorted from them, not walked from an index. */
const FEW_MATCHES = 2000;
const REBUILD_SUFFIX = '_rebuild';

function createTables(db: SqliteDatabase, suffix: string): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${REGISTER}${suffix} (
      id TEXT NOT NULL, serial TEXT NOT NULL UNIQUE, asset_tag TEXT NOT NULL, assignee_email TEXT,
      status TEXT NOT NULL, category TEXT NOT NULL, sources TEXT NOT NULL, missing TEXT NOT NULL, search TEXT NOT NULL, doc TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${AUDIT_LOG}${suffix} (
      key TEXT PRIMARY KEY, source TEXT NOT NULL, started_at TEXT NOT NULL, doc TEXT NOT NULL
    ) WITHOUT ROWID;`);
}

/**
 * Registers of an older shape are dropped with their checkpoint; the projection rebuilds them from the
 * events at the next catch-up, as it would any read model. Older shapes: WITHOUT ROWID (its 1 KB rows
 * overflow: 4.7 KB each on disk, seconds for a deep page), no `missing` column, and a `key` column (the
 * stream name, a second index in random order beside the serial's).
 */
function dropLegacyRegister(db: SqliteDatabase): boolean {
  const table = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(REGISTER);
  if (!table || (!/WITHOUT\s+ROWID/i.test(table.sql) && /\bmissing\b/.test(table.sql) && !/\bkey\s+TEXT/i.test(table.sql))) return false;
  writeTransaction(db, () => {
    db.exec(`DROP TABLE ${REGISTER}`);
    db.prepare('DELETE FROM checkpoints WHERE name = ?').run(REGISTER);
  });
  return true;
}

const SEARCH_VERSION = 'register_search_version';
const REFOLD_BATCH = 1000;

/**
 * Search texts stored by a version that folded them another way (before 2026-12-08 they were only
 * lower-cased) are folded again from their records when the store opens: otherwise a search for
 * "zoe" would find Zoë's record only once something else rewrote it. A thousand rows are read at a
 * time, in one transaction with the version that says it is done.
 */
function refoldSearchTexts(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${SEARCH_VERSION} (version INTEGER NOT NULL)`);
  const folded = () => db.prepare<[], { version: number }>(`SELECT version FROM ${SEARCH_VERSION}`).get()?.version === SEARCH_TEXT_VERSION;
  if (folded()) return;
  writeTransaction(db, () => {
    if (folded()) return;
    const page = db.prepare<[number, number], { rowid: number; doc: string }>(`SELECT rowid, doc FROM ${REGISTER} WHERE rowid > ? ORDER BY rowid LIMIT ?`);
    const update = db.prepare<[string, number]>(`UPDATE ${REGISTER} SET search = ? WHERE rowid = ?`);
    for (let after = 0; ; ) {
      const rows = page.all(after, REFOLD_BATCH);
      for (const row of rows) update.run(registerSearchText(JSON.parse(row.doc) as HardwareRecord), row.rowid);
      if (rows.length < REFOLD_BATCH) break;
      after = rows.at(-1)!.rowid;
    }
    db.exec(`DELETE FROM ${SEARCH_VERSION}`);
    db.prepare<[number]>(`INSERT INTO ${SEARCH_VERSION} (version) VALUES (?)`).run(SEARCH_TEXT_VERSION);
  });
}

/** Indexes carry the table's current name, so a swapped-in table gets fresh ones. */
function createIndexes(db: SqliteDatabase, suffix: string): void {
  const r = `${REGISTER}${suffix}`;
  const a = `${AUDIT_LOG}${suffix}`;
  db.exec(`
    CREATE UNIQUE INDEX IF NOT EXISTS ${r}_id ON ${r} (id);
    CREATE UNIQUE INDEX IF NOT EXISTS ${r}_asset_tag ON ${r} (asset_tag);
    CREATE INDEX IF NOT EXISTS ${r}_assignee ON ${r} (assignee_email);
    -- A status or category with the asset tag after it: the register's default view of one status
    -- (or category) is then a range of the index in page order, not every such row fetched and sorted
    -- (80 ms at 100,000 records). New records still go at the end of their status's range.
    DROP INDEX IF EXISTS ${r}_status;
    DROP INDEX IF EXISTS ${r}_category;
    CREATE INDEX IF NOT EXISTS ${r}_status_by_tag ON ${r} (status, asset_tag);
    CREATE INDEX IF NOT EXISTS ${r}_category_by_tag ON ${r} (category, asset_tag);
    -- Covers the end-of-run question "which records does this source still list": a scan of this index
    -- leaves the documents (about 1 KB a row) out of the page cache. Asset tags before serials, so that
    -- new records are added at its end rather than all over it.
    CREATE INDEX IF NOT EXISTS ${r}_listing ON ${r} (sources, missing, asset_tag, serial);
    CREATE INDEX IF NOT EXISTS ${a}_started ON ${a} (started_at);`);
}

/**
 * The column a projection store is keyed by, and how the projection's keys (stream names, run ids) map
 * to it. The register is keyed by serial: the stream name would be a second unique index in random
 * order, and each one costs a first import a page write per device once the register outgrows the cache.
 */
interface KeyColumn {
  name: string;
  fromKey(key: string): string;
  toKey(value: string): string;
}
const KEY_ITSELF: KeyColumn = { name: 'key', fromKey: (key) => key, toKey: (value) => value };
const HARDWARE_PREFIX = hardwareStream('');
const SERIAL_KEY: KeyColumn = { name: 'serial', fromKey: (stream) => stream.slice(HARDWARE_PREFIX.length), toKey: hardwareStream };

class SqliteProjectionStore<Doc> implements ProjectionStore<Doc> {
  private readonly statements;
  private upsert: Database.Statement | null = null;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly table: string,
    private readonly key: KeyColumn,
    /** The row's columns, the key column among them. */
    private readonly columns: (doc: Doc) => Record<string, string | null>,
  ) {
    this.statements = {
      checkpoint: db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?'),
      load: db.prepare<[string], { key: string; doc: string }>(`SELECT ${key.name} AS key, doc FROM ${table} WHERE ${key.name} IN (SELECT value FROM json_each(?))`),
      setCheckpoint: db.prepare('INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position'),
    };
  }

  async checkpoint(): Promise<number> {
    return this.statements.checkpoint.get(this.table)?.position ?? 0;
  }

  async load(keys: readonly string[]): Promise<Map<string, Doc>> {
    const rows = this.statements.load.all(JSON.stringify(keys.map(this.key.fromKey)));
    return new Map(rows.map((row) => [this.key.toKey(row.key), JSON.parse(row.doc) as Doc]));
  }

  private upsertFor(sample: Doc): Database.Statement {
    const names = [...Object.keys(this.columns(sample)), 'doc'];
    this.upsert ??= this.db.prepare(
      `INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
       ON CONFLICT (${this.key.name}) DO UPDATE SET ${names.filter((n) => n !== this.key.name).map((n) => `${n} = excluded.${n}`).join(', ')}`,
    );
    return this.upsert;
  }

  async commit(docs: readonly Doc[], checkpoint: number): Promise<void> {
    writeTransaction(this.db, () => {
      if (docs.length > 0) {
        const upsert = this.upsertFor(docs[0]!);
        for (const doc of docs) upsert.run(...Object.values(this.columns(doc)), JSON.stringify(doc));
      }
      this.statements.setCheckpoint.run(this.table, checkpoint);
    });
  }
}

function registerStore(db: SqliteDatabase, suffix: string): ProjectionStore<HardwareRecord> {
  return new SqliteProjectionStore<HardwareRecord>(db, `${REGISTER}${suffix}`, SERIAL_KEY, (r) => ({
    id: r.id,
    serial: r.serial,
    asset_tag: r.assetTag,
    assignee_email: r.assignee?.email ?? null,
    status: r.status,
    category: r.category,
    sources: ` ${r.sources.map((s) => s.source).join(' ')} `,
    missing: ` ${r.sources.filter((s) => s.missingSince).map((s) => s.source).join(' ')} `,
    search: registerSearchText(r),
  }));
}

function auditLogStore(db: SqliteDatabase, suffix: string): ProjectionStore<AuditEntry> {
  return new SqliteProjectionStore<AuditEntry>(db, `${AUDIT_LOG}${suffix}`, KEY_ITSELF, (e) => ({ key: e.runId, source: e.source, started_at: e.startedAt }));
}

/** The register and the audit log in the embedded store, with rebuild into shadow tables and a swap. */
export class SqliteReadModels implements ReadModelStore, HardwareRegisterQueries, AuditLogQueries, KnownHardware {
  readonly register: ProjectionStore<HardwareRecord>;
  readonly auditLog: ProjectionStore<AuditEntry>;
  private readonly texts: RegisterTextCache;

  constructor(private readonly db: SqliteDatabase) {
    dropLegacyRegister(db);
    createTables(db, '');
    refoldSearchTexts(db);
    // Not a projection: imports write it beside the events, and a rebuild leaves it (its revisions stay true).
    db.exec(`CREATE TABLE IF NOT EXISTS ${FINGERPRINTS} (
      source TEXT NOT NULL, serial TEXT NOT NULL, inputs TEXT NOT NULL, revision INTEGER NOT NULL, with_check_in INTEGER NOT NULL,
      PRIMARY KEY (source, serial)) WITHOUT ROWID`);
    createIndexes(db, '');
    this.texts = new RegisterTextCache(db, REGISTER);
    this.register = guardStore(registerStore(db, ''));
    this.auditLog = guardStore(auditLogStore(db, ''));
  }

  async beginRebuild(): Promise<RebuildSession> {
    const { db } = this;
    const drop = () =>
      writeTransaction(db, () => {
        db.exec(`DROP TABLE IF EXISTS ${REGISTER}${REBUILD_SUFFIX}; DROP TABLE IF EXISTS ${AUDIT_LOG}${REBUILD_SUFFIX};`);
        db.prepare('DELETE FROM checkpoints WHERE name IN (?, ?)').run(`${REGISTER}${REBUILD_SUFFIX}`, `${AUDIT_LOG}${REBUILD_SUFFIX}`);
      });
    drop();
    writeTransaction(db, () => createTables(db, REBUILD_SUFFIX));
    return guardStore({
      register: guardStore(registerStore(db, REBUILD_SUFFIX)),
      auditLog: guardStore(auditLogStore(db, REBUILD_SUFFIX)),
      swap: async () => {
        writeTransaction(db, () => {
          for (const table of [REGISTER, AUDIT_LOG]) {
            db.exec(`DROP TABLE ${table}; ALTER TABLE ${table}${REBUILD_SUFFIX} RENAME TO ${table};`);
            db.prepare('DELETE FROM checkpoints WHERE name = ?').run(table);
            db.prepare('UPDATE checkpoints SET name = ? WHERE name = ?').run(table, `${table}${REBUILD_SUFFIX}`);
          }
          createIndexes(db, '');
        });
      },
      discard: async () => drop(),
    });
  }

  async byId(id: string): Promise<HardwareRecord | null> {
    const row = this.db.prepare<[string], { doc: string }>(`SELECT doc FROM ${REGISTER} WHERE id = ?`).get(id);
    return row ? JSON.parse(row.doc) : null;
  }

  async bySerial(serial: string): Promise<HardwareRecord | null> {
    const row = this.db.prepare<[string], { doc: string }>(`SELECT doc FROM ${REGISTER} WHERE serial = ?`).get(serial.trim().toUpperCase());
    return row ? JSON.parse(row.doc) : null;
  }

  async search(filter: RegisterFilter): Promise<Page<HardwareRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    const exact = exactValues(filter);
    eq('serial', exact.serial);
    eq('asset_tag', exact.assetTag);
    eq('assignee_email', exact.assigneeEmail);
    eq('status', filter.status);
    eq('category', filter.category);
    if (filter.source) {
      where.push('sources LIKE ?');
      params.push(`% ${filter.source} %`);
    }
    if (filter.missingFrom) {
      where.push('missing LIKE ?');
      params.push(`% ${filter.missingFrom} %`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const offset = filter.after ? 0 : Math.max(0, filter.offset ?? 0);
    const limit = Math.min(Math.max(1, filter.limit ?? 50), 1000);
    const direction = filter.order === 'desc' ? 'DESC' : 'ASC';
    const column = SORT_COLUMNS[filter.sort ?? 'assetTag'];
    const after = filter.after ? keysetAfter(column, filter.after, direction) : null;
    const sort = `ORDER BY ${column} ${direction}, asset_tag ${direction}`;
    const order = `${sort} LIMIT ? OFFSET ?`;
    const text = searchNeedle(filter.text);
    if (text) {
      // The matches are found in memory, in asset-tag order; the other filters, the count and the page are taken from them.
      const texts = this.texts.matching(text);
      if (where.length === 0 && !after && column === 'asset_tag') {
        const inOrder = direction === 'ASC' ? texts : texts.reverse();
        return { items: this.docsInOrder(inOrder.slice(offset, offset + limit), order, limit, 0), total: texts.length, offset, limit };
      }
      const matched = where.length === 0
        ? texts
        : this.db.prepare<unknown[], number>(`SELECT rowid FROM ${REGISTER} WHERE rowid IN (SELECT value FROM json_each(?)) AND ${where.join(' AND ')}`).pluck().all(JSON.stringify(texts), ...params);
      const items = matched.length <= FEW_MATCHES
        ? this.docsInOrder(matched, order, limit, offset, after ?? undefined)
        : this.pageOf(`WHERE rowid IN (SELECT value FROM json_each(?)) ${after ? `AND ${after.sql}` : ''}`, [JSON.stringify(matched), ...(after?.params ?? [])], sort, limit, offset);
      return { items, total: matched.length, offset, limit };
    }
    const total = this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM ${REGISTER} ${clause}`).get(...params)!.n;
    const pageClause = after ? (clause ? `${clause} AND ${after.sql}` : `WHERE ${after.sql}`) : clause;
    return { items: this.pageOf(pageClause, [...params, ...(after?.params ?? [])], sort, limit, offset), total, offset, limit };
  }

  /**
   * One page's documents: its rows are chosen first, and only their documents read. Left to itself,
   * SQLite reads the document of every row an offset skips (5.2 ms rather than 1.8 ms at offset
   * 99,000), and a sort on a column without an index carries every document through its sorter.
   */
  private pageOf(where: string, params: unknown[], sort: string, limit: number, offset: number): HardwareRecord[] {
    return this.db
      .prepare<unknown[], { doc: string }>(`SELECT doc FROM ${REGISTER} WHERE rowid IN (SELECT rowid FROM ${REGISTER} ${where} ${sort} LIMIT ? OFFSET ?) ${sort}`)
      .all(...params, limit, offset)
      .map((r) => JSON.parse(r.doc));
  }

  /**
   * The records of these rowids, sorted and paged by `order`. Driven from the rowids: left to itself,
   * SQLite walks the sort's index over every record, checking each against the list (10 ms at
   * 100,000 records for a single match).
   */
  private docsInOrder(rowids: readonly number[], order: string, limit: number, offset: number, after?: { sql: string; params: unknown[] }): HardwareRecord[] {
    return this.db
      .prepare<unknown[], { doc: string }>(
        `SELECT doc FROM (SELECT value AS matched FROM json_each(?)) CROSS JOIN ${REGISTER} ON ${REGISTER}.rowid = matched ${after ? `WHERE ${after.sql}` : ''} ${order}`,
      )
      .all(JSON.stringify(rowids), ...(after?.params ?? []), limit, offset)
      .map((r) => JSON.parse(r.doc));
  }

  async serialsListedBy(source: MdmSourceName): Promise<string[]> {
    const like = `% ${source} %`;
    return this.db.prepare<[string, string], string>(`SELECT serial FROM ${REGISTER} WHERE sources LIKE ? AND missing NOT LIKE ?`).pluck().all(like, like);
  }

  async known(serials: readonly string[]): Promise<Map<string, KnownRecord>> {
    if (serials.length === 0) return new Map();
    const rows = this.db
      .prepare<[string], { serial: string; id: string; assetTag: string; revision: number }>(
        `SELECT serial, id, asset_tag AS assetTag, json_extract(doc, '$.revision') AS revision FROM ${REGISTER} WHERE serial IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(serials));
    return new Map(rows.map((r) => [r.serial, { revision: r.revision, hardwareId: r.id, assetTag: r.assetTag }]));
  }

  async fingerprints(source: MdmSourceName, serials: readonly string[]): Promise<Map<string, DecisionFingerprint>> {
    if (serials.length === 0) return new Map();
    const rows = this.db
      .prepare<[string, string], { serial: string; inputs: string; revision: number; withCheckIn: number }>(
        `SELECT serial, inputs, revision, with_check_in AS withCheckIn FROM ${FINGERPRINTS} WHERE source = ? AND serial IN (SELECT value FROM json_each(?))`,
      )
      .all(source, JSON.stringify(serials));
    return new Map(rows.map((r) => [r.serial, { serial: r.serial, source, inputs: r.inputs, revision: r.revision, withCheckIn: r.withCheckIn === 1 }]));
  }

  async saveFingerprints(fingerprints: readonly DecisionFingerprint[]): Promise<void> {
    if (fingerprints.length === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO ${FINGERPRINTS} (source, serial, inputs, revision, with_check_in) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (source, serial) DO UPDATE SET inputs = excluded.inputs, revision = excluded.revision, with_check_in = excluded.with_check_in`,
    );
    writeTransaction(this.db, () => {
      for (const f of fingerprints) upsert.run(f.source, f.serial, f.inputs, f.revision, f.withCheckIn ? 1 : 0);
    });
  }

  async byRunId(runId: string): Promise<AuditEntry | null> {
    const row = this.db.prepare<[string], { doc: string }>(`SELECT doc FROM ${AUDIT_LOG} WHERE key = ?`).get(runId);
    return row ? JSON.parse(row.doc) : null;
  }

  async list(filter: AuditLogFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.source) (where.push('source = ?'), params.push(filter.source));
    if (filter.triggeredBy) (where.push("json_extract(doc, '$.triggeredBy') = ?"), params.push(filter.triggeredBy));
    if (filter.from) (where.push('started_at >= ?'), params.push(filter.from));
    if (filter.to) (where.push('started_at <= ?'), params.push(filter.to));
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(1, filter.limit ?? 100), 1000);
    return this.db
      .prepare<unknown[], { doc: string }>(`SELECT doc FROM ${AUDIT_LOG} ${clause} ORDER BY started_at DESC, key DESC LIMIT ?`)
      .all(...params, limit)
      .map((r) => JSON.parse(r.doc));
  }
}
