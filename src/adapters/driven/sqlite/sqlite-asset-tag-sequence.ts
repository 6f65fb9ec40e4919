import type { AssetTagSequence } from '../../../application/ports/asset-tag-sequence.js';
import { writeTransaction, type SqliteDatabase } from './database.js';

/**
 * One atomic upsert … RETURNING: SQLite serialises writers, so no two callers get the same numbers.
 * The first reservation creates the sequence; nothing is written before, so opening the store (a
 * server starting, a CLI reading history) never waits for another process's write lock.
 */
export class SqliteAssetTagSequence implements AssetTagSequence {
  private readonly advance;

  constructor(private readonly db: SqliteDatabase) {
    this.advance = db.prepare<[number], { value: number }>(
      "INSERT INTO sequences (name, value) VALUES ('asset-tag', ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value",
    );
  }

  async reserve(count: number): Promise<number> {
    const { value } = writeTransaction(this.db, () => this.advance.get(count)!);
    return value - count + 1;
  }
}
