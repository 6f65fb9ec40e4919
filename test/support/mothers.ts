import type { ImportDevice } from '../../src/domain/hardware/commands.js';
import type { Assignee, HardwareEvent, HardwareImported } from '../../src/domain/hardware/events.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import { decide } from '../../src/domain/hardware/decide.js';
import { evolve } from '../../src/domain/hardware/evolve.js';
import { initialState } from '../../src/domain/hardware/state.js';

export const NOW = '2026-11-27T09:00:00.000Z';
export const RUN = 'run-1';

export function macbook(overrides: Partial<MdmDevice> = {}): MdmDevice {
  return {
    source: 'jamf',
    sourceDeviceId: '101',
    serialNumber: 'C02XK1JHJGH5',
    manufacturer: 'Apple',
    model: 'MacBook Pro (14-inch, 2023)',
    modelIdentifier: 'Mac14,5',
    operatingSystem: 'macOS',
    osVersion: '15.0',
    wifiMacAddress: 'a4:83:e7:12:34:56',
    ethernetMacAddress: null,
    userEmail: 'alice@acme.example',
    deviceName: 'Alice-MBP',
    lastSyncedAt: '2026-11-26T08:00:00.000Z',
    specifications: { processorType: 'Apple M3 Pro', totalRamMegabytes: 18432 },
    ...overrides,
  };
}

export function latitude(overrides: Partial<MdmDevice> = {}): MdmDevice {
  return {
    source: 'intune',
    sourceDeviceId: '9a1b2c3d-0000-4000-8000-000000000001',
    serialNumber: '7XK9QW3',
    manufacturer: 'Dell Inc.',
    model: 'Latitude 7440',
    operatingSystem: 'Windows',
    osVersion: '10.0.22631.4460',
    wifiMacAddress: '3C219C0A1B2C',
    ethernetMacAddress: null,
    userEmail: 'bob@acme.example',
    deviceName: 'ACME-7XK9QW3',
    lastSyncedAt: '2026-11-26T07:00:00.000Z',
    specifications: {},
    ...overrides,
  };
}

export const alice: Assignee = { userId: 'u-alice', email: 'alice@acme.example', name: 'Alice Martin' };

export function importDevice(
  device: MdmDevice,
  options: { assignee?: Assignee | null; hardwareId?: string; assetTag?: string; now?: string; runId?: string } = {},
): ImportDevice {
  return {
    type: 'ImportDevice',
    data: {
      device,
      runId: options.runId ?? RUN,
      assignee: options.assignee ?? null,
      newHardware: { hardwareId: options.hardwareId ?? 'hw-1', assetTag: options.assetTag ?? 'HW-00001' },
    },
    metadata: { now: options.now ?? NOW },
  };
}

/** The event a first import of this device records. */
export function imported(device: MdmDevice, options: Parameters<typeof importDevice>[1] = {}): HardwareImported {
  return decide(importDevice(device, options), initialState())[0] as HardwareImported;
}

export function stateAfter(...events: HardwareEvent[]) {
  return events.reduce(evolve, initialState());
}
