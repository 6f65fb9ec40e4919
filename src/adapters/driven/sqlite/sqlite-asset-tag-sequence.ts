import type { AssetTagSequence } from '../../../application/ports/asset-tag-sequence.js';
import { writeTransaction, type SqliteDatabase } from './database.js';

/** One atomic UPDATE … RETURNING: SQLite serialises writers, so no two callers get the same numbers. */
export class SqliteAssetTagSequence implements AssetTagSequence {
  constructor(private readonly db: SqliteDatabase) {
    db.prepare("INSERT INTO sequences (name, value) VALUES ('asset-tag', 0) ON CONFLICT (name) DO NOTHING").run();
  }

  async reserve(count: number): Promise<number> {
    const { value } = writeTransaction(this.db, () =>
      this.db.prepare<[number], { value: number }>("UPDATE sequences SET value = value + ? WHERE name = 'asset-tag' RETURNING value").get(count)!,
    );
    return value - count + 1;
  }
}
