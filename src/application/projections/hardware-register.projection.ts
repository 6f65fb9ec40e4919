import type { HardwareEvent, SourceLink } from '../../domain/hardware/events.js';
import { isHardwareEvent } from '../../domain/hardware/events.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { HardwareRecord, RegisterSourceLink } from '../ports/read-models.js';
import { HARDWARE_CATEGORY } from '../streams.js';
import type { Projection } from './projection.js';

/** A source reported the device at `at`: it lists it (again). */
function link(sources: RegisterSourceLink[], next: SourceLink, at: string): RegisterSourceLink[] {
  const { source, sourceDeviceId, lastSyncedAt } = next;
  return [...sources.filter((s) => s.source !== source), { source, sourceDeviceId, lastSyncedAt, missingSince: null, lastListedAt: at }];
}

function listing(sources: RegisterSourceLink[], source: MdmSourceName, change: Pick<RegisterSourceLink, 'missingSince' | 'lastListedAt'>): RegisterSourceLink[] {
  return sources.map((s) => (s.source === source ? { ...s, ...change } : s));
}

function fold(doc: HardwareRecord | undefined, event: HardwareEvent, revision: number, at: string): HardwareRecord | undefined {
  switch (event.type) {
    case 'HardwareImported': {
      // Field by field: a rest-and-spread copy cost a first import about 3 µs a device.
      const d = event.data;
      const { importedAt, source, sourceDeviceId, lastSyncedAt } = d;
      return {
        id: d.hardwareId,
        serial: d.serial,
        assetTag: d.assetTag,
        manufacturer: d.manufacturer,
        model: d.model,
        operatingSystem: d.operatingSystem,
        osVersion: d.osVersion,
        macAddress: d.macAddress,
        name: d.name,
        category: d.category,
        status: d.status,
        condition: d.condition,
        assignee: d.assignee,
        acknowledgement: d.acknowledgement,
        specifications: d.specifications,
        cpu: null,
        ram: null,
        storage: null,
        purchasePrice: null,
        purchaseDate: null,
        sources: [{ source, sourceDeviceId, lastSyncedAt, missingSince: null, lastListedAt: importedAt }],
        createdAt: importedAt,
        updatedAt: importedAt,
        revision,
      };
    }
    case 'HardwareRegistered': {
      const { hardwareId, registeredBy: _by, registeredAt, ...fields } = event.data;
      return { id: hardwareId, ...fields, assignee: null, acknowledgement: null, specifications: {}, sources: [], createdAt: registeredAt, updatedAt: registeredAt, revision };
    }
    case 'HardwareIdentityUpdated': {
      if (!doc) return doc;
      const next: HardwareRecord = { ...doc, sources: link(doc.sources, event.data, at), updatedAt: at, revision };
      for (const [field, change] of Object.entries(event.data.changes)) (next as unknown as Record<string, unknown>)[field] = change.to;
      return next;
    }
    case 'HardwareSourceLinked':
      return doc && { ...doc, sources: link(doc.sources, event.data, at), updatedAt: at, revision };
    case 'HardwareAssigned':
      return doc && { ...doc, assignee: event.data.assignee, acknowledgement: event.data.acknowledgement, status: 'assigned', updatedAt: at, revision };
    case 'HardwareDetailsEdited':
      return doc && { ...doc, ...event.data.changes, updatedAt: at, revision };
    case 'HardwareMissingFromMdm': {
      const { source, missingSince, lastListedAt } = event.data;
      return doc && { ...doc, sources: listing(doc.sources, source, { missingSince, lastListedAt }), updatedAt: at, revision };
    }
    case 'HardwareSeenAgainInMdm':
      return doc && { ...doc, sources: listing(doc.sources, event.data.source, { missingSince: null, lastListedAt: event.data.seenAt }), updatedAt: at, revision };
    default: {
      const unknown: never = event;
      throw new Error(`Unknown hardware event ${JSON.stringify(unknown)}`);
    }
  }
}

function timeOf(event: HardwareEvent, recordedAt: string): string {
  const d = event.data as Partial<Record<'updatedAt' | 'linkedAt' | 'editedAt' | 'assignedAt' | 'missingSince' | 'seenAt', string>>;
  return d.updatedAt ?? d.linkedAt ?? d.editedAt ?? d.assignedAt ?? d.missingSince ?? d.seenAt ?? recordedAt;
}

/** The hardware register: one document per hardware stream, guarded by stream revision. */
export const hardwareRegisterProjection: Projection<HardwareRecord> = {
  name: 'hardware-register',
  categories: [HARDWARE_CATEGORY],
  keyOf: (event) => (isHardwareEvent(event) ? event.stream : null),
  apply(doc, event) {
    if (!isHardwareEvent(event)) return doc;
    if (doc && event.revision <= doc.revision) return doc;
    const hardwareEvent = { type: event.type, data: event.data } as HardwareEvent;
    return fold(doc, hardwareEvent, event.revision, timeOf(hardwareEvent, event.recordedAt));
  },
};

