import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LogState {
  /** Frames in the store's write-ahead log. */
  log: number;
  /** How many of them are already copied back into the store file. */
  checkpointed: number;
}

/** The store file's log, asked without copying any of it back (SQLite's NOOP checkpoint). */
export function logOf(file: string): LogState {
  const db = new Database(file, { fileMustExist: true });
  try {
    return (db.pragma('wal_checkpoint(NOOP)') as LogState[])[0]!;
  } finally {
    db.close();
  }
}

/** The log once every frame in it is copied back, or as it stands when `ms` have passed. */
export async function whenCopiedBack(file: string, ms: number): Promise<LogState> {
  let state = logOf(file);
  for (const until = Date.now() + ms; Date.now() < until && !(state.log > 0 && state.checkpointed === state.log); await sleep(10)) state = logOf(file);
  return state;
}
