import type { ScheduledImports } from '../application/scheduled-imports.js';
import type { Logger } from './logger.js';

export interface Scheduler {
  stop(): void;
}

/**
 * Checks the sync schedules now (a run missed while the server was down starts at once) and then every
 * `everyMs`; one check at a time, none once the server drains.
 */
export function startScheduler(schedules: ScheduledImports, everyMs: number, logger: Logger, stopping: () => boolean): Scheduler {
  let busy = false;
  const check = () => {
    if (busy || stopping()) return;
    busy = true;
    schedules
      .tick()
      .then((started) => {
        for (const run of started) logger.info('started a scheduled import', { runId: run.runId });
      })
      .catch((error: unknown) => logger.warn('checking the sync schedules failed; trying again at the next check', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => (busy = false));
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  check();
  return { stop: () => clearInterval(timer) };
}
