import { Worker } from 'node:worker_threads';
import { onCommit, type SqliteDatabase } from './database.js';

/** Slots of the counters the two threads share. */
export const COMMITS = 0;
export const STOP = 1;

export interface CheckpointThreadData {
  file: string;
  signal: Int32Array;
  gatherMs: number;
}

/** What the thread tells: a checkpoint that failed (it carries on), or that it cannot run at all. */
export interface CheckpointThreadReport {
  kind: 'checkpoint-failed' | 'cannot-run';
  detail: string;
}

/** SQLite's own threshold: a commit that leaves this many frames in the log copies them back itself. */
const SQLITE_AUTOCHECKPOINT_FRAMES = 1000;
/**
 * The writer's own checkpoint, kept as a safety net: when writes come without pause, the log never gets
 * wholly copied back between two of them, so it cannot start over, and grows. At 4,000 frames (32 MB
 * at 8 KB pages) the writer copies back what the thread has not, which is then little.
 */
const SAFETY_NET_FRAMES = 4000;
/** Commits this close together are copied back by one checkpoint (measured against one a commit and one each 200 ms). */
const GATHER_MS = 50;

/**
 * Copies the store's write-ahead log back into its file on a thread of its own. SQLite otherwise does it
 * inside the commit that fills the log past 1,000 frames: every eighth megabyte an import writes, that
 * commit waited 25–35 ms for the copy and two fsyncs, about 0.2 s of a 20,000-device import.
 *
 * The thread starts at the first commit, so a process that only reads starts none. If it cannot run,
 * the writer checkpoints for itself again, as SQLite does by default.
 */
export class WalCheckpointer {
  private readonly signal = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  private worker: Worker | null = null;
  private exited: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly file: string,
    /** Told when a checkpoint failed, or the thread could not run (the writer's own checkpoints then take over). */
    private readonly failed: (detail: string) => void,
  ) {
    onCommit(db, () => this.committed());
  }

  private committed(): void {
    if (this.stopped) return;
    if (!this.worker) this.start();
    Atomics.add(this.signal, COMMITS, 1);
    Atomics.notify(this.signal, COMMITS);
  }

  private start(): void {
    const data: CheckpointThreadData = { file: this.file, signal: this.signal, gatherMs: GATHER_MS };
    const worker = new Worker(new URL('./wal-checkpoint.worker.js', import.meta.url), { workerData: data });
    worker.unref();
    worker.on('message', ({ kind, detail }: CheckpointThreadReport) =>
      this.failed(kind === 'cannot-run' ? `the checkpoint thread stopped: ${detail}` : `a checkpoint of the write-ahead log failed: ${detail}`),
    );
    worker.on('error', (error: unknown) => this.failed(`the checkpoint thread stopped: ${error instanceof Error ? error.message : String(error)}`));
    this.exited = new Promise((exited) => worker.once('exit', exited)).then(() => {
      if (this.stopped) return;
      // The thread is gone: the writer copies the log back itself again, at SQLite's usual threshold.
      this.stopped = true;
      onCommit(this.db, null);
      this.writerCheckpoints();
    });
    this.db.pragma(`wal_autocheckpoint = ${SAFETY_NET_FRAMES}`);
    this.worker = worker;
  }

  /** Ends the thread (after the checkpoint it may be running) and closes its connection; before the store closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    onCommit(this.db, null);
    if (!this.worker) return;
    // Unreferenced, the thread would not keep the event loop alive while this waits for it to exit.
    this.worker.ref();
    Atomics.store(this.signal, STOP, 1);
    Atomics.add(this.signal, COMMITS, 1);
    Atomics.notify(this.signal, COMMITS);
    Atomics.notify(this.signal, STOP);
    await this.exited;
    this.writerCheckpoints();
  }

  private writerCheckpoints(): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_FRAMES}`);
  }
}
