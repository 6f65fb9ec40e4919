import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SqliteDatabase } from './database.js';
import { makeFolder } from './make-folder.js';

/** The copy of the store a guard saved when its file went: where, and how far it got. */
export interface StoreRescue {
  path: string;
  state: 'saving' | 'saved' | 'failed';
  failure: string | null;
  done: Promise<void>;
}

/**
 * DATA_FILE no longer names the file this process has open: it was removed, or another file was put in
 * its place. SQLite goes on writing to the file it opened, which nobody would open again: every write
 * from then on would be lost at the next start, without a word.
 */
export class StoreFileGone extends Error {
  constructor(
    readonly file: string,
    readonly how: 'removed' | 'replaced',
    readonly rescue: StoreRescue,
  ) {
    super(
      how === 'removed'
        ? `DATA_FILE (${file}) was removed while the server had it open. Whatever it wrote now would be lost at its next start, so it writes nothing more.`
        : `DATA_FILE (${file}) is no longer the file the server opened: another file was put in its place. Whatever it wrote now would go to the file it opened, no longer at DATA_FILE, so it writes nothing more.`,
    );
    this.name = 'StoreFileGone';
  }

  get fix(): string {
    const { path, state, failure } = this.rescue;
    const keep = this.how === 'removed' ? `move ${path} to ${this.file}` : `put at ${this.file} the store you mean to keep (${path} holds everything this server had)`;
    if (state === 'failed') return `The server could not save a copy of what it holds (${failure}). Before you stop it, restore ${this.file} from a backup, or copy it out of this process (/proc/${process.pid}/fd).`;
    return `${state === 'saved' ? 'The server saved' : 'The server is saving'} everything it holds to ${path}. Stop the server, ${keep}, and start it again.`;
  }
}

const guards = new WeakMap<SqliteDatabase, StoreFileGuard>();
const RESCUED = '.rescued-';

/** Copies a guard saved of the store at `file`, newest last (their names sort by time). */
export function rescuedCopiesOf(file: string): string[] {
  const prefix = `${basename(file)}${RESCUED}`;
  try {
    return readdirSync(dirname(file)).filter((name) => name.startsWith(prefix)).sort().map((name) => join(dirname(file), name));
  } catch {
    return [];
  }
}

class StoreFileGuard {
  private rescue: StoreRescue | null = null;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly file: string,
    private readonly opened: { dev: bigint; ino: bigint },
    private readonly told: (gone: StoreFileGone) => void,
  ) {}

  /** Moved aside and back, the file is the one opened again, and writing goes on. */
  check(): void {
    const now = statSync(this.file, { bigint: true, throwIfNoEntry: false });
    if (now && now.ino === this.opened.ino && now.dev === this.opened.dev) return;
    const first = this.rescue === null;
    const gone = new StoreFileGone(this.file, now ? 'replaced' : 'removed', (this.rescue ??= this.saveCopy()));
    if (first) this.told(gone);
    throw gone;
  }

  /** SQLite's online backup reads through this connection, write-ahead log included: all that was committed. */
  private saveCopy(): StoreRescue {
    const path = `${this.file}${RESCUED}${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const rescue: StoreRescue = { path, state: 'saving', failure: null, done: Promise.resolve() };
    rescue.done = (async () => {
      try {
        makeFolder(dirname(path));
        await this.db.backup(path);
        rescue.state = 'saved';
      } catch (error) {
        rescue.state = 'failed';
        rescue.failure = error instanceof Error ? error.message : String(error);
      }
    })();
    return rescue;
  }
}

/**
 * Watches that `file` stays the file `db` opened. From the first write that finds it removed or
 * replaced, every write throws StoreFileGone, a copy of the store is saved beside it, and `told` hears
 * of it once.
 */
export function guardStoreFile(db: SqliteDatabase, file: string, told: (gone: StoreFileGone) => void): void {
  const { dev, ino } = statSync(file, { bigint: true });
  guards.set(db, new StoreFileGuard(db, file, { dev, ino }, told));
}

/** Throws StoreFileGone when `db`'s file was removed or replaced; nothing for a store that is not guarded. */
export function checkStoreFile(db: SqliteDatabase): void {
  guards.get(db)?.check();
}
