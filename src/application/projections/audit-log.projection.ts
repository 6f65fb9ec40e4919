import { isImportRunEvent, type ImportRunEvent } from '../../domain/import-run/events.js';
import { addCounts, countsOf, noCounts } from '../../domain/import-run/outcome.js';
import type { AuditEntry } from '../ports/read-models.js';
import { IMPORT_CATEGORY } from '../streams.js';
import type { Projection } from './projection.js';

function fold(entry: AuditEntry | undefined, event: ImportRunEvent, position: number): AuditEntry | undefined {
  switch (event.type) {
    case 'ImportStarted': {
      const { runId, source, triggeredBy, startedAt } = event.data;
      return { runId, source, triggeredBy, startedAt, finishedAt: null, status: 'running', counts: noCounts(), failureReason: null, pages: 0, announcedTotal: null, lastActivityAt: startedAt, position };
    }
    case 'ImportHeartbeat':
      return entry && { ...entry, lastActivityAt: event.data.at, position };
    case 'ImportPageRecorded': {
      const { counts, page, recordedAt, announcedTotal } = event.data;
      return entry && { ...entry, counts: addCounts(entry.counts, counts), pages: page, announcedTotal: announcedTotal ?? entry.announcedTotal ?? null, lastActivityAt: recordedAt, position };
    }
    case 'ImportMissingRecorded':
      return entry && { ...entry, counts: { ...entry.counts, missing: (entry.counts.missing ?? 0) + event.data.devices.length }, lastActivityAt: event.data.recordedAt, position };
    case 'ImportCompleted': {
      const { completedAt, counts, pages } = event.data;
      return entry && { ...entry, status: 'completed', finishedAt: completedAt, counts: countsOf(counts), pages, lastActivityAt: completedAt, position };
    }
    case 'ImportFailed': {
      const { runId, source, triggeredBy, startedAt, failedAt, counts, reason, pages } = event.data;
      const base = entry ?? { runId, source, triggeredBy, startedAt, announcedTotal: null };
      return { ...base, status: 'failed', finishedAt: failedAt, counts: countsOf(counts), failureReason: reason, pages, lastActivityAt: failedAt, position };
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unknown import run event ${JSON.stringify(unknown)}`);
    }
  }
}

/** The audit log: one entry per import run, spanning streams, so guarded by global position. */
export const auditLogProjection: Projection<AuditEntry> = {
  name: 'audit-log',
  categories: [IMPORT_CATEGORY],
  // A recorded page carries every device's outcome (up to ~200 KB, several times that once parsed):
  // 20 of them bound a batch's memory to a few megabytes.
  batchSize: 20,
  keyOf: (event) => (isImportRunEvent(event) ? (event.data as { runId: string }).runId : null),
  apply(entry, event) {
    if (!isImportRunEvent(event)) return entry;
    if (entry && event.position <= entry.position) return entry;
    return fold(entry, { type: event.type, data: event.data } as ImportRunEvent, event.position);
  },
};
