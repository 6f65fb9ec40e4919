import type { HardwareRecord } from '../../../application/ports/read-models.js';
import type { HardwareHistoryEntry } from '../../../application/queries/hardware-history.js';
import type { HardwareEvent } from '../../../domain/hardware/events.js';
import { sourceDisplayName } from '../../../domain/hardware/mdm-source.js';
import { line } from './printable.js';

const changed = (changes: object) =>
  Object.entries(changes).map(([field, value]) => (value && typeof value === 'object' && 'to' in value ? line`${field} ${value.from ?? '(none)'} → ${value.to}` : line`${field} → ${value ?? '(none)'}`)).join('; ');

/** A hand edit's fields, each from its old value when the event records it (events before 2026-12-08 do not). */
const edited = (changes: object, previous: Record<string, unknown> | undefined) =>
  changed(Object.fromEntries(Object.entries(changes).map(([field, to]) => [field, previous && field in previous ? { from: previous[field], to: to ?? '(none)' } : to])));

/** What one event did, in a line an auditor reads: who or which run, and what changed. */
function summary(event: HardwareEvent): string {
  switch (event.type) {
    case 'HardwareImported': {
      const d = event.data;
      return line`imported from ${sourceDisplayName(d.source)} as ${d.assetTag} "${d.name}"${d.assignee ? line`, assigned to ${d.assignee.email}` : ''} (run ${d.importRunId})`;
    }
    case 'HardwareIdentityUpdated': {
      const d = event.data;
      return line`${changed(d.changes)}, from ${sourceDisplayName(d.source)}${d.scope === 'empty-fields' ? ' (empty fields only)' : ''} (run ${d.importRunId})`;
    }
    case 'HardwareSourceLinked':
      return line`now also reported by ${sourceDisplayName(event.data.source)} device ${event.data.sourceDeviceId} (run ${event.data.importRunId})`;
    case 'HardwareAssigned':
      return line`assigned to ${event.data.assignee.email}, whose ${sourceDisplayName(event.data.source)} user now matches (run ${event.data.importRunId})`;
    case 'HardwareMissingFromMdm':
      return line`no longer listed by ${sourceDisplayName(event.data.source)}, last listed ${event.data.lastListedAt ?? 'unknown'} (run ${event.data.importRunId})`;
    case 'HardwareSeenAgainInMdm':
      return line`listed again by ${sourceDisplayName(event.data.source)}, missing since ${event.data.missingSince} (run ${event.data.importRunId})`;
    case 'HardwareRegistered':
      return line`registered by ${event.data.registeredBy} as ${event.data.assetTag} "${event.data.name}"`;
    case 'HardwareDetailsEdited':
      return line`edited by ${event.data.editedBy}: ${edited(event.data.changes, event.data.previous)}`;
    default: {
      const unknown: never = event;
      return line`${(unknown as { type: string }).type}`;
    }
  }
}

/** A record's history as `events <serial>` prints it: a heading, then one line per event, oldest first. */
export function recordEventsText(record: HardwareRecord, events: readonly HardwareHistoryEntry[]): string {
  const heading = line`${record.assetTag} ${record.name} (serial ${record.serial}): ${events.length} ${events.length === 1 ? 'event' : 'events'}, oldest first`;
  const width = Math.max(...events.map((e) => e.type.length));
  return [heading, ...events.map((e) => line`  ${String(e.revision).padStart(3)}  ${e.recordedAt}  ${e.type.padEnd(width)}  ` + summary({ type: e.type, data: e.data } as HardwareEvent))].join('\n');
}
