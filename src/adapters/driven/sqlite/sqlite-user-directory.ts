import type { DirectoryUser, UserDirectory } from '../../../application/ports/user-directory.js';
import { writeTransaction, type SqliteDatabase } from './database.js';

export interface UserRow {
  id: string;
  email: string;
  displayName: string | null;
  active: boolean;
}

/** The embedded stand-in for the monolith's users: a table the CLI fills from a CSV or JSON file. */
export class SqliteUserDirectory implements UserDirectory {
  constructor(private readonly db: SqliteDatabase) {}

  async findActiveByEmails(emails: readonly string[]): Promise<Map<string, DirectoryUser>> {
    const rows = this.db
      .prepare<[string], { id: string; email: string; display_name: string | null }>(
        'SELECT id, email, display_name FROM users WHERE active = 1 AND email IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(emails));
    return new Map(rows.map((r) => [r.email, { id: r.id, email: r.email, displayName: r.display_name }]));
  }

  /** Inserts or updates users by email (stored lower-cased); returns how many were written. */
  upsert(users: readonly UserRow[]): number {
    const statement = this.db.prepare(
      `INSERT INTO users (id, email, display_name, active) VALUES (?, ?, ?, ?)
       ON CONFLICT (email) DO UPDATE SET id = excluded.id, display_name = excluded.display_name, active = excluded.active`,
    );
    writeTransaction(this.db, () => {
      for (const u of users) statement.run(u.id, u.email.trim().toLowerCase(), u.displayName, u.active ? 1 : 0);
    });
    return users.length;
  }
}
