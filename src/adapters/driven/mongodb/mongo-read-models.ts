import type { Collection, Db, Document, Filter } from 'mongodb';
import type {
  AuditEntry, AuditLogFilter, AuditLogQueries, HardwareRecord, HardwareRegisterQueries, Page, ProjectionStore, ReadModelStore,
  RebuildSession, RegisterFilter, RegisterPosition, RegisterSort,
} from '../../../application/ports/read-models.js';

import type { MdmSourceName } from '../../../domain/hardware/mdm-source.js';
import type { DecisionFingerprint, KnownHardware, KnownRecord } from '../../../application/ports/known-hardware.js';
import { registerSearchText, SEARCH_TEXT_VERSION, searchNeedle, trigramKeysOf } from '../../../application/queries/register-search-text.js';
import { exactValues } from '../../../application/queries/register-filter-values.js';

const REGISTER = 'hardware_register';
const AUDIT_LOG = 'import_audit_log';
const CHECKPOINTS = 'projection_checkpoints';
const FINGERPRINTS = 'decision_fingerprints';
/** Which way the register's stored search texts are folded, once every record has been folded so. */
const READ_MODEL_VERSIONS = 'read_model_versions';
const SEARCH_TEXT_MARK = 'register-search-text';
const DUPLICATE_KEY = 11000;

type Stored<Doc> = Doc & { _id: string };

/**
 * Beside each register document, its search text and the keys of that text's three-character runs,
 * for free-text search: a needle's keys are looked up in the `_grams` index, and only the records
 * holding all of them are checked for the needle. Without them, every search read every record (a
 * regular expression over seven fields cannot use an index). Every read of the register leaves them
 * out (HIDDEN): never part of a record as given out.
 */
const SEARCH_FIELDS = { text: '_search', grams: '_grams', version: '_searchVersion' } as const;
const HIDDEN: Record<string, 0> = { [SEARCH_FIELDS.text]: 0, [SEARCH_FIELDS.grams]: 0, [SEARCH_FIELDS.version]: 0 };

function searchFields(record: HardwareRecord): Record<string, unknown> {
  const text = registerSearchText(record);
  return { [SEARCH_FIELDS.text]: text, [SEARCH_FIELDS.grams]: trigramKeysOf(text), [SEARCH_FIELDS.version]: SEARCH_TEXT_VERSION };
}

/**
 * A needle's keys asked for at most: MongoDB's planner tries a plan per key it may start the index
 * scan from, and the regular expression checks the needle whole whatever keys were asked.
 */
const MOST_KEYS_ASKED = 8;

/** Up to `most` of the items, spread from the first to the last. */
function spread<T>(items: T[], most: number): T[] {
  if (items.length <= most) return items;
  return Array.from({ length: most }, (_, i) => items[Math.round((i * (items.length - 1)) / (most - 1))]!);
}

/** Records written before the search fields existed get them this many at a time, at start-up. */
const BACKFILL_BATCH = 1000;

/**
 * For a bulk of upserts guarded by a version: a newer version already stored makes the guarded upsert
 * collide on _id, which is the guard working. Any other failure is thrown.
 */
export function keptNewer(error: unknown): void {
  const writeErrors = (error as { writeErrors?: Array<{ code: number }> }).writeErrors ?? [];
  if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function createRegisterIndexes(collection: Collection): Promise<void> {
  await collection.createIndexes([
    { key: { id: 1 }, unique: true },
    { key: { serial: 1 }, unique: true },
    { key: { assetTag: 1 }, unique: true },
    { key: { 'assignee.email': 1 } },
    // Equality, then the default sort: one status's (or category's) first page is a range of the index.
    { key: { status: 1, assetTag: 1 } },
    { key: { category: 1, assetTag: 1 } },
    { key: { 'sources.source': 1 } },
    { key: { [SEARCH_FIELDS.grams]: 1 } },
  ]);
}

/**
 * The list's whole order (start, then run id for runs of one millisecond) is in each index, so no
 * list sorts the log in memory. A store made before keeps its two older indexes, prefixes of
 * these, until its next rebuild makes fresh collections.
 */
async function createAuditIndexes(collection: Collection): Promise<void> {
  await collection.createIndexes([{ key: { startedAt: -1, _id: -1 } }, { key: { source: 1, startedAt: -1, _id: -1 } }]);
}

/**
 * A projection's documents in one collection. Writes are guarded — by stream revision for the
 * register, by global position for the audit log — so replaying an event changes nothing. Documents
 * are written before the checkpoint: a crash in between only replays events, which the guard absorbs.
 */
class MongoProjectionStore<Doc extends object> implements ProjectionStore<Doc> {
  constructor(
    private readonly db: Db,
    private readonly collectionName: string,
    private readonly checkpointName: string,
    private readonly keyOf: (doc: Doc) => string,
    private readonly version: keyof Doc & string,
    /** Fields stored beside each document and never read back into it. */
    private readonly beside?: (doc: Doc) => Record<string, unknown>,
  ) {}

  private get collection(): Collection<Stored<Doc>> {
    return this.db.collection<Stored<Doc>>(this.collectionName);
  }

  async checkpoint(): Promise<number> {
    const row = await this.db.collection<{ _id: string; position: number }>(CHECKPOINTS).findOne({ _id: this.checkpointName });
    return row?.position ?? 0;
  }

  async load(keys: readonly string[]): Promise<Map<string, Doc>> {
    const docs = await this.collection.find({ _id: { $in: [...keys] } } as Filter<Stored<Doc>>, this.beside ? { projection: HIDDEN } : {}).toArray();
    return new Map(docs.map((doc) => [doc._id, strip<Doc>(doc)]));
  }

  async commit(docs: readonly Doc[], checkpoint: number): Promise<void> {
    if (docs.length > 0) {
      try {
        await this.collection.bulkWrite(
          docs.map((doc) => ({
            replaceOne: {
              filter: { _id: this.keyOf(doc), [this.version]: { $lt: doc[this.version] } } as Filter<Stored<Doc>>,
              replacement: { ...doc, ...this.beside?.(doc), _id: this.keyOf(doc) } as Stored<Doc>,
              upsert: true,
            },
          })),
          { ordered: false },
        );
      } catch (error) {
        keptNewer(error);
      }
    }
    await this.db.collection<{ _id: string; position: number }>(CHECKPOINTS).updateOne({ _id: this.checkpointName }, { $set: { position: checkpoint } }, { upsert: true });
  }
}

function strip<T>({ _id, ...doc }: { _id: unknown } & Document): T {
  return doc as T;
}

/** The register and the audit log in MongoDB; a rebuild writes new collections, then renames them over the live ones. */
const SORT_FIELDS: Record<RegisterSort, string> = { assetTag: 'assetTag', serial: 'serial', name: 'name', model: 'model', category: 'category', status: 'status', assignee: 'assignee.email', updatedAt: 'updatedAt' };

/** The records after a position in the sort. MongoDB sorts null (or missing) first ascending, last descending. */
function keysetAfter(field: string, { value, assetTag }: RegisterPosition, direction: 1 | -1): Document {
  if (direction === 1) {
    return value === null
      ? { $or: [{ [field]: null, assetTag: { $gt: assetTag } }, { [field]: { $ne: null } }] }
      : { $or: [{ [field]: { $gt: value } }, { [field]: value, assetTag: { $gt: assetTag } }] };
  }
  return value === null
    ? { [field]: null, assetTag: { $lt: assetTag } }
    : { $or: [{ [field]: { $lt: value } }, { [field]: value, assetTag: { $lt: assetTag } }, { [field]: null }] };
}

/** The sort a filter asks for, ties broken by asset tag so pages never overlap. */
function sortOf(filter: RegisterFilter): Record<string, 1 | -1> {
  const direction = filter.order === 'desc' ? -1 : 1;
  return { [SORT_FIELDS[filter.sort ?? 'assetTag']]: direction, assetTag: direction };
}

export class MongoReadModels implements ReadModelStore, HardwareRegisterQueries, AuditLogQueries, KnownHardware {
  readonly register: ProjectionStore<HardwareRecord>;
  readonly auditLog: ProjectionStore<AuditEntry>;

  constructor(private readonly db: Db) {
    this.register = new MongoProjectionStore<HardwareRecord>(db, REGISTER, REGISTER, (r) => `hardware-${r.serial}`, 'revision', searchFields);
    this.auditLog = new MongoProjectionStore<AuditEntry>(db, AUDIT_LOG, AUDIT_LOG, (e) => e.runId, 'position');
  }

  async ensureIndexes(): Promise<void> {
    await createRegisterIndexes(this.db.collection(REGISTER));
    await createAuditIndexes(this.db.collection(AUDIT_LOG));
    await this.backfillSearchFields();
  }

  /**
   * Gives the records written before the search fields existed theirs, and folds again the texts of
   * records written by a version that folded them another way, so that a text search finds them. Each
   * is written only if the projection has not replaced it since it was read (the replaced one has its
   * fields already). Ends when none is left, or when a batch could write none. Once every record is
   * folded this way, which is noted beside the register, a start only looks (by index) for records an
   * older instance wrote without the fields.
   */
  private async backfillSearchFields(): Promise<void> {
    const register = this.db.collection<Stored<HardwareRecord>>(REGISTER);
    const versions = this.db.collection<{ _id: string; version: number }>(READ_MODEL_VERSIONS);
    const folded = (await versions.findOne({ _id: SEARCH_TEXT_MARK }))?.version === SEARCH_TEXT_VERSION;
    const stale = (folded ? { [SEARCH_FIELDS.grams]: { $exists: false } } : { [SEARCH_FIELDS.version]: { $ne: SEARCH_TEXT_VERSION } }) as Filter<Stored<HardwareRecord>>;
    for (;;) {
      const docs = await register.find(stale).limit(BACKFILL_BATCH).toArray();
      if (docs.length === 0) break;
      const written = await register.bulkWrite(
        docs.map((doc) => ({ updateOne: { filter: { _id: doc._id, revision: doc.revision }, update: { $set: searchFields(strip<HardwareRecord>(doc)) } } })),
        { ordered: false },
      );
      if (written.matchedCount === 0) return;
      if (docs.length < BACKFILL_BATCH) break;
    }
    if (!folded) await versions.updateOne({ _id: SEARCH_TEXT_MARK }, { $set: { version: SEARCH_TEXT_VERSION } }, { upsert: true });
  }

  async beginRebuild(): Promise<RebuildSession> {
    const suffix = `_rebuild_${Date.now()}`;
    const names = { register: `${REGISTER}${suffix}`, auditLog: `${AUDIT_LOG}${suffix}` };
    await createRegisterIndexes(this.db.collection(names.register));
    await createAuditIndexes(this.db.collection(names.auditLog));
    const checkpoints = this.db.collection<{ _id: string; position: number }>(CHECKPOINTS);
    const discard = async () => {
      await Promise.all([this.db.collection(names.register).drop().catch(() => false), this.db.collection(names.auditLog).drop().catch(() => false)]);
      await checkpoints.deleteMany({ _id: { $in: [names.register, names.auditLog] } });
    };
    return {
      register: new MongoProjectionStore<HardwareRecord>(this.db, names.register, names.register, (r) => `hardware-${r.serial}`, 'revision', searchFields),
      auditLog: new MongoProjectionStore<AuditEntry>(this.db, names.auditLog, names.auditLog, (e) => e.runId, 'position'),
      // renameCollection with dropTarget replaces the live collection in one step: readers never see it empty.
      swap: async () => {
        for (const [rebuilt, live] of [[names.register, REGISTER], [names.auditLog, AUDIT_LOG]] as const) {
          await this.db.collection(rebuilt).rename(live, { dropTarget: true });
          const position = (await checkpoints.findOne({ _id: rebuilt }))?.position ?? 0;
          await checkpoints.updateOne({ _id: live }, { $set: { position } }, { upsert: true });
          await checkpoints.deleteOne({ _id: rebuilt });
        }
      },
      discard,
    };
  }

  async byId(id: string): Promise<HardwareRecord | null> {
    const doc = await this.db.collection(REGISTER).findOne({ id }, { projection: HIDDEN });
    return doc ? strip<HardwareRecord>(doc) : null;
  }

  async bySerial(serial: string): Promise<HardwareRecord | null> {
    const doc = await this.db.collection(REGISTER).findOne({ serial: serial.trim().toUpperCase() }, { projection: HIDDEN });
    return doc ? strip<HardwareRecord>(doc) : null;
  }

  async search(filter: RegisterFilter): Promise<Page<HardwareRecord>> {
    const query: Document = {};
    const exact = exactValues(filter);
    if (exact.serial) query.serial = exact.serial;
    if (exact.assetTag) query.assetTag = exact.assetTag;
    if (exact.assigneeEmail) query['assignee.email'] = exact.assigneeEmail;
    if (filter.status) query.status = filter.status;
    if (filter.category) query.category = filter.category;
    if (filter.source) query['sources.source'] = filter.source;
    if (filter.missingFrom) query.sources = { $elemMatch: { source: filter.missingFrom, missingSince: { $type: 'string' } } };
    const needle = searchNeedle(filter.text);
    const offset = filter.after ? 0 : Math.max(0, filter.offset ?? 0);
    const limit = Math.min(Math.max(1, filter.limit ?? 50), 1000);
    if (needle) {
      // No record's text holds a NUL, and MongoDB takes none in a regular expression.
      if (needle.includes('\u0000')) return { items: [], total: 0, offset, limit };
      const grams = spread(trigramKeysOf(needle), MOST_KEYS_ASKED);
      if (grams.length > 0) query[SEARCH_FIELDS.grams] = { $all: grams };
      query[SEARCH_FIELDS.text] = new RegExp(escapeRegex(needle));
    }
    const collection = this.db.collection(REGISTER);
    const field = SORT_FIELDS[filter.sort ?? 'assetTag'];
    const pageQuery = filter.after ? { $and: [query, keysetAfter(field, filter.after, filter.order === 'desc' ? -1 : 1)] } : query;
    const [items, total] = await Promise.all([
      collection.find(pageQuery, { projection: HIDDEN }).sort(sortOf(filter)).skip(offset).limit(limit).toArray(),
      collection.countDocuments(query),
    ]);
    return { items: items.map((d) => strip<HardwareRecord>(d)), total, offset, limit };
  }

  async serialsListedBy(source: MdmSourceName): Promise<string[]> {
    // `missingSince: null` also matches records projected before the field existed.
    const docs = await this.db.collection(REGISTER).find({ sources: { $elemMatch: { source, missingSince: null } } }, { projection: { _id: 0, serial: 1 } }).toArray();
    return docs.map((d) => d.serial as string);
  }

  async known(serials: readonly string[]): Promise<Map<string, KnownRecord>> {
    if (serials.length === 0) return new Map();
    const docs = await this.db
      .collection<{ _id: string; serial: string; id: string; assetTag: string; revision: number }>(REGISTER)
      .find({ _id: { $in: serials.map((serial) => `hardware-${serial}`) } }, { projection: { _id: 0, serial: 1, id: 1, assetTag: 1, revision: 1 }, batchSize: serials.length })
      .toArray();
    return new Map(docs.map((d) => [d.serial, { revision: d.revision, hardwareId: d.id, assetTag: d.assetTag }]));
  }

  async fingerprints(source: MdmSourceName, serials: readonly string[]): Promise<Map<string, DecisionFingerprint>> {
    if (serials.length === 0) return new Map();
    const docs = await this.db
      .collection<DecisionFingerprint & { _id: string }>(FINGERPRINTS)
      // One reply for the page: the server's first batch is otherwise 101 documents, then a getMore.
      .find({ _id: { $in: serials.map((serial) => `${source}:${serial}`) } }, { batchSize: serials.length })
      .toArray();
    return new Map(docs.map(({ _id, ...f }) => [f.serial, f]));
  }

  /** Not a projection: imports write it beside the events, and a rebuild leaves it (its revisions stay true). */
  async saveFingerprints(fingerprints: readonly DecisionFingerprint[]): Promise<void> {
    if (fingerprints.length === 0) return;
    await this.db.collection<DecisionFingerprint & { _id: string }>(FINGERPRINTS).bulkWrite(
      fingerprints.map((f) => ({ replaceOne: { filter: { _id: `${f.source}:${f.serial}` }, replacement: { ...f, _id: `${f.source}:${f.serial}` }, upsert: true } })),
      { ordered: false },
    );
  }

  async byRunId(runId: string): Promise<AuditEntry | null> {
    // Audit entries are keyed by run id.
    const doc = await this.db.collection<{ _id: string }>(AUDIT_LOG).findOne({ _id: runId });
    return doc ? strip<AuditEntry>(doc) : null;
  }

  async list(filter: AuditLogFilter): Promise<AuditEntry[]> {
    const query: Document = {};
    if (filter.source) query.source = filter.source;
    if (filter.triggeredBy) query.triggeredBy = filter.triggeredBy;
    if (filter.from || filter.to) query.startedAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
    const limit = Math.min(Math.max(1, filter.limit ?? 100), 1000);
    const docs = await this.db.collection(AUDIT_LOG).find(query).sort({ startedAt: -1, _id: -1 }).limit(limit).toArray();
    return docs.map((d) => strip<AuditEntry>(d));
  }
}
