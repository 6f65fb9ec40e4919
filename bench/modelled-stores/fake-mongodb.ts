import type { Db } from 'mongodb';
import type { ProductionClients } from '../../src/infrastructure/production-stores.js';
import type { RoundTripMeter } from './round-trips.js';

type Doc = Record<string, unknown> & { _id?: unknown };
type Filter = Record<string, unknown>;

/** MongoDB answers a find with a first batch of 101 documents, then getMore batches of up to 16 MiB. */
const FIRST_BATCH = 101;
const BATCH_BYTES = 16 * 1024 * 1024;

const clone = <T>(value: T): T => structuredClone(value);

function valuesAt(doc: unknown, path: string): unknown[] {
  let values: unknown[] = [doc];
  for (const key of path.split('.')) {
    values = values.flatMap((value) => {
      if (Array.isArray(value)) return value.map((item) => (item as Record<string, unknown> | null)?.[key]);
      return [(value as Record<string, unknown> | null | undefined)?.[key]];
    });
  }
  return values.flatMap((value) => (Array.isArray(value) ? [value, ...value] : [value]));
}

function equal(a: unknown, b: unknown): boolean {
  if (b === null) return a === null || a === undefined;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function condition(values: unknown[], spec: unknown): boolean {
  if (spec instanceof RegExp) return values.some((v) => typeof v === 'string' && spec.test(v));
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || !Object.keys(spec).every((k) => k.startsWith('$'))) {
    return values.some((v) => equal(v, spec));
  }
  return Object.entries(spec as Record<string, unknown>).every(([op, arg]) => {
    switch (op) {
      case '$in': return values.some((v) => (arg as unknown[]).some((a) => equal(v, a)));
      case '$all': return (arg as unknown[]).every((a) => values.some((v) => equal(v, a)));
      case '$lt': return values.some((v) => v !== undefined && v !== null && compare(v, arg) < 0);
      case '$lte': return values.some((v) => v !== undefined && v !== null && compare(v, arg) <= 0);
      case '$gt': return values.some((v) => v !== undefined && v !== null && compare(v, arg) > 0);
      case '$gte': return values.some((v) => v !== undefined && v !== null && compare(v, arg) >= 0);
      case '$ne': return !values.some((v) => equal(v, arg));
      case '$exists': return values.some((v) => v !== undefined) === arg;
      case '$type': return arg === 'string' ? values.some((v) => typeof v === 'string') : unsupported(op);
      case '$elemMatch': return values.some((v) => Array.isArray(v) && v.some((item) => matches(item as Doc, arg as Filter)));
      default: return unsupported(op);
    }
  });
}

function unsupported(op: string): never {
  throw new Error(`The modelled MongoDB does not know ${op}: teach bench/modelled-stores/fake-mongodb.ts before trusting its figures.`);
}

function matches(doc: Doc, filter: Filter): boolean {
  return Object.entries(filter).every(([key, spec]) => {
    if (key === '$or') return (spec as Filter[]).some((f) => matches(doc, f));
    if (key === '$and') return (spec as Filter[]).every((f) => matches(doc, f));
    if (key.startsWith('$')) return unsupported(key);
    return condition(valuesAt(doc, key), spec);
  });
}

function project(doc: Doc, projection?: Record<string, 0 | 1>): Doc {
  if (!projection) return clone(doc);
  const keep = Object.entries(projection).filter(([, on]) => on === 1).map(([k]) => k);
  if (keep.length === 0) {
    const left = clone(doc);
    for (const [key, on] of Object.entries(projection)) if (on === 0) delete left[key];
    return left;
  }
  const out: Doc = projection._id === 0 ? {} : { _id: doc._id };
  for (const key of keep) if (key in doc) out[key] = clone(doc[key]);
  return out;
}

function update(doc: Doc, changes: Record<string, Record<string, unknown>>): void {
  for (const [op, fields] of Object.entries(changes)) {
    for (const [key, value] of Object.entries(fields)) {
      if (key.includes('.')) unsupported(`${op} on a dotted path`);
      if (op === '$set') doc[key] = clone(value);
      else if (op === '$inc') doc[key] = ((doc[key] as number | undefined) ?? 0) + (value as number);
      else unsupported(op);
    }
  }
}

function seedFrom(filter: Filter): Doc {
  return Object.fromEntries(Object.entries(filter).filter(([k, v]) => !k.startsWith('$') && (v === null || typeof v !== 'object')));
}

/**
 * The part of MongoDB's driver the adapters use, over in-memory collections: each command is one
 * counted round trip, a large find also its getMore batches. Operators it does not know fail loudly.
 * Documents are copied outside the timed answer, where the driver encodes and decodes them on the
 * client; the query itself is the server's work, inside the round trip.
 */
export function fakeMongoDb(meter: RoundTripMeter): ProductionClients['mongo'] {
  const collections = new Map<string, Map<string, Doc>>();
  const indexes = new Map<string, Array<Record<string, 1 | -1>>>();
  const docsOf = (name: string) => {
    let docs = collections.get(name);
    if (!docs) collections.set(name, (docs = new Map()));
    return docs;
  };
  const keyOf = (id: unknown) => JSON.stringify(id);

  function collection(name: string) {
    const all = () => [...docsOf(name).values()];
    /** The documents a filter can match: looked up by _id when it names one or a list, else every one. */
    const candidates = (filter: Filter): Doc[] => {
      const id = filter._id;
      const docs = docsOf(name);
      if (id !== undefined && (id === null || typeof id !== 'object')) return [docs.get(keyOf(id))].filter((d): d is Doc => d !== undefined);
      const listed = (id as { $in?: unknown[] } | undefined)?.$in;
      if (listed && Object.keys(id as object).length === 1) return listed.map((one) => docs.get(keyOf(one))).filter((d): d is Doc => d !== undefined);
      return all();
    };
    const first = (filter: Filter) => candidates(filter).find((d) => matches(d, filter));
    const find = (filter: Filter = {}, options: { projection?: Record<string, 0 | 1>; batchSize?: number } = {}) => {
      const firstBatch = options.batchSize ?? FIRST_BATCH;
      let sort: Record<string, 1 | -1> | null = null;
      let skip = 0;
      let limit = 0;
      let projection = options.projection;
      const cursor = {
        sort(by: Record<string, 1 | -1>) { sort = by; return cursor; },
        skip(n: number) { skip = n; return cursor; },
        limit(n: number) { limit = n; return cursor; },
        project(p: Record<string, 0 | 1>) { projection = p; return cursor; },
        async toArray() {
          const found = await meter.trip('toArray', () => {
            let docs = candidates(filter).filter((d) => matches(d, filter));
            if (sort) {
              const order = Object.entries(sort);
              docs.sort((a, b) => {
                for (const [key, direction] of order) {
                  const c = compare(valuesAt(a, key)[0], valuesAt(b, key)[0]);
                  if (c !== 0) return c * direction;
                }
                return 0;
              });
            }
            docs = docs.slice(skip, limit ? skip + limit : undefined);
            return docs;
          }).then((docs) => docs.map((d) => project(d, projection)));
          if (found.length > firstBatch) {
            const bytes = found.slice(firstBatch).reduce((n, d) => n + JSON.stringify(d).length, 0);
            for (let i = 0; i < Math.ceil(bytes / BATCH_BYTES); i += 1) await meter.trip('getMore', () => undefined);
          }
          return found;
        },
      };
      return cursor;
    };
    return {
      find,
      async findOne(filter: Filter = {}, options: { projection?: Record<string, 0 | 1> } = {}) {
        const doc = await meter.trip('findOne', () => first(filter));
        return doc ? project(doc, options.projection) : null;
      },
      async countDocuments(filter: Filter = {}) {
        return meter.trip('countDocuments', () => candidates(filter).filter((d) => matches(d, filter)).length);
      },
      async insertMany(docs: Doc[]) {
        return meter.trip('insertMany', () => {
          for (const doc of docs) docsOf(name).set(keyOf(doc._id ?? crypto.randomUUID()), clone(doc));
          return { insertedCount: docs.length };
        });
      },
      async bulkWrite(sent: Array<{ replaceOne?: { filter: Filter; replacement: Doc; upsert?: boolean }; updateOne?: { filter: Filter; update: Record<string, Record<string, unknown>> } }>) {
        const operations = clone(sent);
        return meter.trip('bulkWrite', () => {
          const writeErrors: Array<{ code: number; index: number }> = [];
          let matchedCount = 0;
          operations.forEach((operation, index) => {
            if (operation.updateOne) {
              const doc = first(operation.updateOne.filter);
              if (doc) update(doc, operation.updateOne.update);
              if (doc) matchedCount += 1;
              return;
            }
            const replace = operation.replaceOne ?? unsupported(Object.keys(operation)[0] ?? 'an empty bulk operation');
            const docs = docsOf(name);
            const hit = first(replace.filter);
            const id = replace.replacement._id ?? replace.filter._id;
            if (hit) matchedCount += 1;
            if (hit) docs.set(keyOf(hit._id), { ...replace.replacement, _id: hit._id });
            else if (!replace.upsert) return;
            else if (docs.has(keyOf(id))) writeErrors.push({ code: 11000, index });
            else docs.set(keyOf(id), { ...replace.replacement, _id: id });
          });
          if (writeErrors.length > 0) throw Object.assign(new Error('E11000 duplicate key'), { writeErrors });
          return { ok: 1, matchedCount };
        });
      },
      async updateOne(filter: Filter, changes: Record<string, Record<string, unknown>>, options: { upsert?: boolean } = {}) {
        return meter.trip('updateOne', () => {
          const doc = first(filter);
          if (doc) update(doc, changes);
          else if (options.upsert) {
            const created = seedFrom(filter);
            update(created, changes);
            docsOf(name).set(keyOf(created._id ?? crypto.randomUUID()), created);
          }
          return { acknowledged: true };
        });
      },
      async findOneAndUpdate(filter: Filter, changes: Record<string, Record<string, unknown>>, options: { upsert?: boolean } = {}) {
        return meter.trip('findOneAndUpdate', () => {
          let doc = first(filter);
          if (!doc && options.upsert) {
            doc = seedFrom(filter);
            docsOf(name).set(keyOf(doc._id ?? crypto.randomUUID()), doc);
          }
          if (doc) update(doc, changes);
          return doc ? clone(doc) : null;
        });
      },
      async deleteOne(filter: Filter) {
        return meter.trip('deleteOne', () => {
          const hit = first(filter);
          if (hit) docsOf(name).delete(keyOf(hit._id));
        });
      },
      async deleteMany(filter: Filter) {
        return meter.trip('deleteMany', () => {
          for (const [key, d] of docsOf(name)) if (matches(d, filter)) docsOf(name).delete(key);
        });
      },
      async createIndexes(specs: Array<{ key: Record<string, 1 | -1> }>) {
        return meter.trip('createIndexes', () => {
          const known = indexes.get(name) ?? [];
          for (const { key } of specs) if (!known.some((k) => JSON.stringify(k) === JSON.stringify(key))) known.push(key);
          indexes.set(name, known);
          return [];
        });
      },
      /** The keys of the indexes asked for, as `listIndexes` gives them. */
      listIndexes() {
        return { toArray: async () => meter.trip('listIndexes', () => (indexes.get(name) ?? []).map((key) => ({ key }))) };
      },
      async drop() {
        return meter.trip('drop', () => {
          indexes.delete(name);
          return collections.delete(name);
        });
      },
      async rename(to: string) {
        return meter.trip('rename', () => {
          collections.set(to, docsOf(name));
          collections.delete(name);
          indexes.set(to, indexes.get(name) ?? []);
          indexes.delete(name);
        });
      },
    };
  }

  const db = { collection, command: async () => meter.trip('command', () => ({ ok: 1 })) };
  return { connect: async () => undefined, close: async () => undefined, db: () => db as unknown as Db };
}
