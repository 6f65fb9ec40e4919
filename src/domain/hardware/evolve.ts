import type { HardwareEvent, SourceLink } from './events.js';
import type { ExistingHardware, Hardware } from './state.js';

function withLink(state: ExistingHardware, link: SourceLink): ExistingHardware {
  return {
    ...state,
    mdmRecords: { ...state.mdmRecords, [link.source]: { sourceDeviceId: link.sourceDeviceId, lastSyncedAt: link.lastSyncedAt } },
  };
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
        mdmRecords: { [d.source]: { sourceDeviceId: d.sourceDeviceId, lastSyncedAt: d.lastSyncedAt } },
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
      return withLink({ ...current, identity, identitySource }, event.data);
    }
    case 'HardwareSourceLinked':
      return withLink(existing(state, event.type), event.data);
    case 'HardwareAssigned':
      return { ...existing(state, event.type), assignee: event.data.assignee, status: 'assigned' };
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
