import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { RunCounts } from '../../domain/import-run/outcome.js';

/** One import run as it ended: what operators count and log. */
export interface EndedRun {
  runId: string;
  source: MdmSourceName;
  status: 'completed' | 'failed';
  triggeredBy: string;
  durationMs: number;
  counts: RunCounts;
  /** Why a failed run stopped; null when it completed. */
  failure: string | null;
}

/** What operators are told about import runs. */
export interface ImportMetrics {
  runEnded(run: EndedRun): void;
}

export const NO_IMPORT_METRICS: ImportMetrics = { runEnded: () => undefined };
