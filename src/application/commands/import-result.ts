import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { DeviceOutcome, MissingDevice, RunCounts } from '../../domain/import-run/outcome.js';

/** The result banner: what one run did, with every skipped and failed device and why. */
export interface ImportResult {
  runId: string;
  source: MdmSourceName;
  status: 'completed' | 'failed';
  triggeredBy: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: RunCounts;
  skippedDevices: DeviceOutcome[];
  failedDevices: DeviceOutcome[];
  /** Records the source's complete listing left out for the first time in this run. */
  missingDevices: MissingDevice[];
  /** What the MDM's listing got wrong although the run completed (fewer devices than announced, …). */
  warnings: string[];
  /** Why the run stopped early, when it did. */
  failure: string | null;
}

/** The run stopped before reading the whole fleet; what it applied stays applied. */
export class ImportRunFailed extends Error {
  constructor(
    readonly result: ImportResult,
    override readonly cause?: unknown,
  ) {
    super(`The import from ${result.source} stopped: ${result.failure}`);
    this.name = 'ImportRunFailed';
  }
}
