import type { ImportFromMdm, ImportFromMdmCommand } from './commands/import-from-mdm.js';
import type { ImportResult } from './commands/import-result.js';

export interface StartedRun {
  runId: string;
  /** Settles when the run ends: its banner, or ImportRunFailed. */
  done: Promise<ImportResult>;
}

/**
 * Runs imports as background work of this process: a caller is answered as soon as the run exists
 * (its start recorded), and the run goes on without it. A graceful stop waits for them.
 */
export class BackgroundImports {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly importer: ImportFromMdm) {}

  /** Resolves once the run is recorded as started; rejects when it could not start (not configured, already running, …). */
  start(command: ImportFromMdmCommand): Promise<StartedRun> {
    return new Promise((resolve, reject) => {
      let runId: string | null = null;
      let ended: () => void = () => undefined;
      const settled = new Promise<void>((resolveEnded) => (ended = resolveEnded));
      const done = this.importer.execute(command, {
        started: (run) => {
          runId = run.runId;
          this.running.set(run.runId, settled);
          resolve({ runId: run.runId, done });
        },
      });
      // Nobody may be left waiting on a background run: its outcome is in the run stream.
      done
        .catch((error: unknown) => {
          if (runId === null) reject(error);
        })
        .finally(() => {
          if (runId !== null) this.running.delete(runId);
          ended();
        });
    });
  }

  get inProgress(): number {
    return this.running.size;
  }

  /** Waits until every run this process started has ended, or the time is up; true when none is left. */
  async idle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.running.values()), timeUp]);
    clearTimeout(timer);
    return this.running.size === 0;
  }
}
