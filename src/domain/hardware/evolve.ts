import type { HardwareEvent, SourceLink } from './events.js';
import type { MdmSourceName } from './mdm-source.js';
import type { ExistingHardware, Hardware, MdmRecord } from './state.js';

function withLink(state: ExistingHardware, link: SourceLink, at: string): ExistingHardware {
  return {
    ...state,
    mdmRecords: { ...state.mdmRecords, [link.source]: { sourceDeviceId: link.sourceDeviceId, lastSyncedAt: link.lastSyncedAt, lastListedAt: at, missingSince: null } },
  };
}

function withRecord(state: ExistingHardware, source: MdmSourceName, change: Partial<MdmRecord>): ExistingHardware {
  const record = state.mdmRecords[source];
  return record ? { ...state, mdmRecords: { ...state.mdmRecords, [source]: { ...record, ...change } } } : state;
}

function existing(state: Hardware, type: string): ExistingHardware {
  if (!state.exists) throw new Error(`${type} cannot apply to hardware that was never imported or registered.`);
  return state;
}

export function evolve(state: Hardware, event: HardwareEvent): Hardware {
  switch (event.type) {
    case 'HardwareImported': {
      const d = event.data;
      return {
        exists: true,
        hardwareId: d.hardwareId,
        serial: d.serial,
        assetTag: d.assetTag,
        identity: {
          manufacturer: d.manufacturer,
          model: d.model,
          operatingSystem: d.operatingSystem,
          osVersion: d.osVersion,
          macAddress: d.macAddress,
        },
        assignee: d.assignee,
        mdmRecords: { [d.source]: { sourceDeviceId: d.sourceDeviceId, lastSyncedAt: d.lastSyncedAt, lastListedAt: d.importedAt, missingSince: null } },
        statusSetByHand: false,
        identitySource: d.source,
        name: d.name,
        category: d.category,
        status: d.status,
        condition: d.condition,
        cpu: null,
        ram: null,
        storage: null,
        purchasePrice: null,
        purchaseDate: null,
      };
    }
    case 'HardwareRegistered': {
      const { registeredBy: _by, registeredAt: _at, manufacturer, model, operatingSystem, osVersion, macAddress, ...rest } =
        event.data;
      return {
        exists: true,
        ...rest,
        identity: { manufacturer, model, operatingSystem, osVersion, macAddress },
        assignee: null,
        mdmRecords: {},
        statusSetByHand: true,
        identitySource: null,
      };
    }
    case 'HardwareIdentityUpdated': {
      const current = existing(state, event.type);
      const identity = { ...current.identity };
      for (const [field, change] of Object.entries(event.data.changes)) {
        identity[field as keyof typeof identity] = change.to;
      }
      const identitySource = event.data.scope === 'all' ? event.data.source : current.identitySource;
      return withLink({ ...current, identity, identitySource }, event.data, event.data.updatedAt);
    }
    case 'HardwareSourceLinked':
      return withLink(existing(state, event.type), event.data, event.data.linkedAt);
    case 'HardwareAssigned': {
      const assigned: ExistingHardware = { ...existing(state, event.type), assignee: event.data.assignee, status: 'assigned' };
      return withRecord(assigned, event.data.source, { lastListedAt: event.data.assignedAt });
    }
    case 'HardwareMissingFromMdm':
      return withRecord(existing(state, event.type), event.data.source, { missingSince: event.data.missingSince });
    case 'HardwareSeenAgainInMdm':
      return withRecord(existing(state, event.type), event.data.source, { missingSince: null, lastListedAt: event.data.seenAt });
    case 'HardwareDetailsEdited': {
      const current = existing(state, event.type);
      return { ...current, ...event.data.changes, statusSetByHand: current.statusSetByHand || event.data.changes.status !== undefined };
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unknown hardware event ${JSON.stringify(unknown)}`);
    }
  }
}
