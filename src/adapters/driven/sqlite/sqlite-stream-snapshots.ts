import type Database from 'better-sqlite3';
import type { StreamSnapshot, StreamSnapshots } from '../../../application/ports/stream-snapshots.js';
import { writeTransaction, type SqliteDatabase } from './database.js';

function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Snapshots in the store's file, one row per stream. A rowid table with a unique stream, like the
 * register: a WITHOUT ROWID table keeps each row in its key's b-tree, and a state (650 bytes and more,
 * with a second source or an assignee) is near the size that overflows there on older 4 KB-page files.
 */
export class SqliteStreamSnapshots implements StreamSnapshots {
  private readonly statements: {
    any: Database.Statement<[], number>;
    load: Database.Statement<[string, number], [string, number, string]>;
    save: Database.Statement<[string, number, number, string]>;
    forget: Database.Statement<[string]>;
  };

  constructor(private readonly db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS snapshots (stream TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, revision INTEGER NOT NULL, state TEXT NOT NULL)');
    this.statements = {
      any: db.prepare<[], number>('SELECT EXISTS (SELECT 1 FROM snapshots)').pluck(),
      load: db
        .prepare<[string, number], [string, number, string]>('SELECT stream, revision, state FROM snapshots WHERE stream IN (SELECT value FROM json_each(?)) AND version = ?')
        .raw(),
      save: db.prepare(
        `INSERT INTO snapshots (stream, version, revision, state) VALUES (?, ?, ?, ?)
         ON CONFLICT (stream) DO UPDATE SET version = excluded.version, revision = excluded.revision, state = excluded.state
         WHERE snapshots.version <> excluded.version OR snapshots.revision < excluded.revision`,
      ),
      forget: db.prepare('DELETE FROM snapshots WHERE stream IN (SELECT value FROM json_each(?))'),
    };
  }

  async load(streams: readonly string[], version: number): Promise<Map<string, StreamSnapshot>> {
    const found = new Map<string, StreamSnapshot>();
    // Until some stream is long enough to have one, a page's look-up (about 0.6 ms) finds nothing.
    if (streams.length === 0 || !this.statements.any.get()) return found;
    for (const [stream, revision, state] of this.statements.load.all(JSON.stringify(streams), version)) {
      const parsed = parsedOrNull(state);
      // A snapshot only saves reading events: one that no longer reads is as good as none.
      if (parsed !== null) found.set(stream, { stream, revision, state: parsed });
    }
    return found;
  }

  async save(snapshots: readonly StreamSnapshot[], version: number): Promise<void> {
    if (snapshots.length === 0) return;
    writeTransaction(this.db, () => {
      for (const { stream, revision, state } of snapshots) this.statements.save.run(stream, version, revision, JSON.stringify(state));
    });
  }

  async forget(streams: readonly string[]): Promise<void> {
    if (streams.length === 0) return;
    writeTransaction(this.db, () => this.statements.forget.run(JSON.stringify(streams)));
  }
}
