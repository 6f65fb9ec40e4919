import { DomainError } from '../../domain/shared/domain-error.js';
import type { BackgroundImports, StartedRun } from '../background-imports.js';
import type { ImportHistory } from '../queries/import-history.js';

export class NothingToRetry extends DomainError {
  constructor(runId: string, why: string) {
    super('nothing-to-retry', `Run ${runId} has nothing to retry: ${why}.`, 'runId', 'Re-run the whole import instead if devices are missing from the register.');
  }
}

/**
 * Re-imports only the devices that ended in error in a run, each fetched again by its MDM id, as a new
 * run linked to the first. A device the MDM no longer has is said so, not failed again.
 */
export class RetryFailedDevices {
  constructor(
    private readonly history: ImportHistory,
    private readonly imports: BackgroundImports,
  ) {}

  /** Null when there is no such import run. */
  async start(runId: string, triggeredBy: string): Promise<StartedRun | null> {
    const run = await this.history.run(runId, { outcomes: ['error'], missing: false });
    if (!run || run.kind === 'preview') return null;
    if (run.status === 'running') throw new NothingToRetry(runId, 'it is still running (retry it once it has ended)');
    const failed = run.outcomes; // only the errors were read
    // An entry the MDM sent unreadable has no id to fetch it by ("#position"): only a full re-run reads it again.
    const ids = [...new Set(failed.map((o) => o.sourceDeviceId).filter((id) => !id.startsWith('#')))];
    if (ids.length === 0) throw new NothingToRetry(runId, failed.length === 0 ? 'no device ended in error' : 'its failed entries carry no MDM id to fetch them by');
    return this.imports.start({ source: run.source, triggeredBy, retry: { of: runId, sourceDeviceIds: ids } });
  }
}
