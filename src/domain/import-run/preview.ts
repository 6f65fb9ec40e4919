import type { MdmSourceName } from '../hardware/mdm-source.js';
import type { RunCounts } from './outcome.js';

/** Someone looked at what an import would do; nothing was changed and no asset tag reserved. */
export type ImportPreviewed = {
  type: 'ImportPreviewed';
  data: {
    previewId: string;
    source: MdmSourceName;
    triggeredBy: string;
    startedAt: string;
    finishedAt: string;
    counts: RunCounts;
    warnings: string[];
    /** Why the preview stopped early, when it did. */
    failure: string | null;
  };
};
