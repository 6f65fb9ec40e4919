import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { COMMITS, STOP, type CheckpointThreadData, type CheckpointThreadReport } from './wal-checkpointer.js';

/**
 * The checkpointer's thread: its own connection to the store file, waiting for the import's commits and
 * copying the write-ahead log back into the file (a PASSIVE checkpoint never waits for, nor blocks, the
 * writer). It needs no event loop: it blocks on the shared counters until there is work or a stop.
 */
const { file, signal, gatherMs } = workerData as CheckpointThreadData;
const report = (message: CheckpointThreadReport) => parentPort!.postMessage(message);
const textOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function checkpointUntilStopped(db: Database.Database): void {
  // From 0, not from the counter's value now: the commits made while this thread started are work too.
  let seen = 0;
  while (Atomics.load(signal, STOP) === 0) {
    Atomics.wait(signal, COMMITS, seen);
    if (Atomics.load(signal, STOP) !== 0) break;
    // A page commits several transactions in a few milliseconds: one checkpoint copies them all, and
    // syncs the two files once instead of once for each.
    Atomics.wait(signal, STOP, 0, gatherMs);
    if (Atomics.load(signal, STOP) !== 0) break;
    seen = Atomics.load(signal, COMMITS);
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      report({ kind: 'checkpoint-failed', detail: textOf(error) });
    }
  }
}

let db: Database.Database;
try {
  db = new Database(file, { fileMustExist: true });
} catch (error) {
  report({ kind: 'cannot-run', detail: textOf(error) });
  process.exit(0);
}
try {
  checkpointUntilStopped(db);
} finally {
  db.close();
}
