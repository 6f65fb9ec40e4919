import type { Db, Filter } from 'mongodb';
import type { StreamSnapshot, StreamSnapshots } from '../../../application/ports/stream-snapshots.js';
import { keptNewer } from './mongo-read-models.js';

const SNAPSHOTS = 'stream_snapshots';

/** The state is kept as the JSON text it was folded to, so that MongoDB gives back exactly what was saved. */
interface StoredSnapshot {
  _id: string;
  version: number;
  revision: number;
  state: string;
}

/** Snapshots beside the read models: one document per stream, keyed by the stream's name. */
export class MongoStreamSnapshots implements StreamSnapshots {
  constructor(private readonly db: Db) {}

  async load(streams: readonly string[], version: number): Promise<Map<string, StreamSnapshot>> {
    const found = new Map<string, StreamSnapshot>();
    if (streams.length === 0) return found;
    const docs = await this.db
      .collection<StoredSnapshot>(SNAPSHOTS)
      // One reply for the page: the server's first batch is otherwise 101 documents, then a getMore.
      .find({ _id: { $in: [...streams] }, version }, { batchSize: streams.length })
      .toArray();
    for (const { _id, revision, state } of docs) found.set(_id, { stream: _id, revision, state: JSON.parse(state) });
    return found;
  }

  async save(snapshots: readonly StreamSnapshot[], version: number): Promise<void> {
    if (snapshots.length === 0) return;
    try {
      await this.db.collection<StoredSnapshot>(SNAPSHOTS).bulkWrite(
        snapshots.map(({ stream, revision, state }) => ({
          replaceOne: {
            filter: { _id: stream, $or: [{ version: { $ne: version } }, { revision: { $lt: revision } }] } as Filter<StoredSnapshot>,
            replacement: { _id: stream, version, revision, state: JSON.stringify(state) },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    } catch (error) {
      keptNewer(error);
    }
  }

  async forget(streams: readonly string[]): Promise<void> {
    if (streams.length === 0) return;
    await this.db.collection<StoredSnapshot>(SNAPSHOTS).deleteMany({ _id: { $in: [...streams] } });
  }
}
