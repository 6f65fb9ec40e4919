import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { makeFolder } from './make-folder.js';
import { checkStoreFile } from './store-file-guard.js';

export type SqliteDatabase = Database.Database;

/** Bytes per page of a store file made new. */
export const STORE_PAGE_BYTES = 8192;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT NOT NULL,
  stream      TEXT NOT NULL,
  category    TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT NOT NULL,
  data        TEXT NOT NULL,
  metadata    TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (stream, revision)
);
CREATE INDEX IF NOT EXISTS events_by_category ON events (category, position);
CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS users (
  id           TEXT PRIMARY KEY,
  email        TEXT NOT NULL UNIQUE,
  display_name TEXT,
  active       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * Runs `work` as one write transaction that takes the write lock first (BEGIN IMMEDIATE): a writer that
 * must wait for another process then waits out busy_timeout, where a deferred one that read first would
 * fail at once with "database is locked". Nothing is written once the store's file was removed or replaced.
 */
export function writeTransaction<T>(db: SqliteDatabase, work: () => T): T {
  checkStoreFile(db);
  const result = db.transaction(work).immediate();
  committed.get(db)?.();
  return result;
}

const committed = new WeakMap<SqliteDatabase, () => void>();

/** Tells `listener` after each transaction `writeTransaction` commits on `db` (one listener a connection). */
export function onCommit(db: SqliteDatabase, listener: (() => void) | null): void {
  if (listener) committed.set(db, listener);
  else committed.delete(db);
}

/** Opens (creating if needed) the single-file embedded store. ':memory:' gives a throw-away one. */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') makeFolder(dirname(file));
  const db = new Database(file);
  // A register row is about 1.1 KB: a 4 KB page holds three and leaves a fifth of itself empty, an 8 KB
  // page holds seven and leaves 7 %. A first import then writes 7 % fewer bytes in half as many pages.
  // A file that exists keeps the size it was made with (WAL mode cannot change it).
  db.pragma(`page_size = ${STORE_PAGE_BYTES}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Another process (the CLI beside the server) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
