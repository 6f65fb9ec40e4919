import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { RunCounts } from '../../domain/import-run/outcome.js';

/** What operators count about import runs. */
export interface ImportMetrics {
  runEnded(source: MdmSourceName, status: 'completed' | 'failed', durationMs: number, counts: RunCounts): void;
}

export const NO_IMPORT_METRICS: ImportMetrics = { runEnded: () => undefined };
