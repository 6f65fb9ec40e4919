import { seededRandom } from '../../../src/adapters/driven/synthetic/fleet-generator.js';

export type GraphDevice = Record<string, string | number | boolean | null>;

export interface GraphFleetShape {
  size: number;
  seed: number;
  domain?: string;
  /** Shares of the fleet: no serial (Autopilot-only), firmware placeholder serial, VMs / Cloud PCs, stale re-enrolments. */
  noSerial?: number;
  placeholder?: number;
  virtual?: number;
  duplicates?: number;
}

interface Line {
  manufacturer: string;
  models: string[];
  os: string;
  versions: string[];
  serial: (r: () => number) => string;
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const chars = (r: () => number, n: number, alphabet = ALNUM) => Array.from({ length: n }, () => pick(r, alphabet.split(''))).join('');
const hex = (r: () => number, n: number) => chars(r, n, '0123456789ABCDEF');
/** A card's own address: the group bit of the first octet cleared, the random draws unchanged. */
const unicast = (mac: string) => mac[0] + (parseInt(mac[1]!, 16) & 0xe).toString(16).toUpperCase() + mac.slice(2);

const LINES: Line[] = [
  { manufacturer: 'Dell Inc.', models: ['Latitude 7440', 'Latitude 5440', 'OptiPlex 7010', 'XPS 13 9315', 'Precision 5570'], os: 'Windows', versions: ['10.0.22631.4460', '10.0.26100.2314', '10.0.19045.5131'], serial: (r) => chars(r, 7) },
  { manufacturer: 'HP', models: ['HP EliteBook 840 G10 Notebook PC', 'HP ProBook 450 G9', 'HP EliteDesk 800 G6 Desktop Mini PC'], os: 'Windows', versions: ['10.0.22631.4460', '10.0.26100.2314'], serial: (r) => `5CG${chars(r, 7)}` },
  { manufacturer: 'LENOVO', models: ['ThinkPad X1 Carbon Gen 11', 'ThinkPad T14 Gen 4', 'ThinkCentre M70q Gen 3'], os: 'Windows', versions: ['10.0.22631.4460'], serial: (r) => `PF${chars(r, 6)}` },
  { manufacturer: 'Microsoft Corporation', models: ['Surface Laptop 5', 'Surface Pro 9'], os: 'Windows', versions: ['10.0.22631.4460'], serial: (r) => chars(r, 12, '0123456789') },
  { manufacturer: 'Apple', models: ['MacBook Pro (14-inch, 2023)', 'MacBook Air (M2, 2022)'], os: 'macOS', versions: ['14.7.1', '15.1.1'], serial: (r) => chars(r, 10) },
  { manufacturer: 'Apple', models: ['iPhone 15', 'iPhone 14 Pro'], os: 'iOS', versions: ['17.7', '18.1.1'], serial: (r) => chars(r, 10) },
  { manufacturer: 'Apple', models: ['iPad (10th generation)', 'iPad Air (5th generation)'], os: 'iOS', versions: ['17.7', '18.1'], serial: (r) => chars(r, 10) },
  { manufacturer: 'samsung', models: ['SM-S918B', 'SM-A546B', 'SM-X710'], os: 'Android', versions: ['14', '13'], serial: (r) => `R5C${chars(r, 8)}` },
  { manufacturer: 'Google', models: ['Pixel 8', 'Pixel 7a'], os: 'Android', versions: ['15', '14'], serial: (r) => chars(r, 11, '0123456789') },
];

const FIRST = ['alice', 'bob', 'carol', 'dan', 'erin', 'farid', 'grace', 'hiro', 'ines', 'jon', 'kemi', 'lena', 'marco', 'nora', 'omar', 'priya'];
const LAST = ['martin', 'stone', 'jones', 'li', 'okafor', 'haddad', 'kim', 'tanaka', 'garcia', 'berg', 'adeyemi', 'novak'];
const PLACEHOLDERS = ['To be filled by O.E.M.', 'System Serial Number', 'Default string', '0', 'Not Specified'];

function guid(r: () => number): string {
  const h = hex(r, 32).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

export function userOf(index: number, domain = 'contoso.example'): { upn: string; displayName: string } {
  const first = FIRST[index % FIRST.length]!;
  const last = LAST[Math.floor(index / FIRST.length) % LAST.length]!;
  const n = Math.floor(index / (FIRST.length * LAST.length));
  return { upn: `${first}.${last}${n ? n : ''}@${domain}`, displayName: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}` };
}

export type DeviceKind = 'real' | 'no-serial' | 'placeholder' | 'virtual' | 'duplicate';

/** A deterministic Intune tenant in Graph's own managedDevice shape. */
export function generateGraphFleet(shape: GraphFleetShape): GraphDevice[] {
  return generateGraphTenant(shape).devices;
}

/** The fleet and, beside it, what each device was made to be: the truth a test checks counts against. */
export function generateGraphTenant(shape: GraphFleetShape): { devices: GraphDevice[]; kinds: DeviceKind[] } {
  const r = seededRandom(shape.seed);
  const devices: GraphDevice[] = [];
  const kinds: DeviceKind[] = [];
  const noSerial = shape.noSerial ?? 0;
  const placeholder = noSerial + (shape.placeholder ?? 0);
  const virtual = placeholder + (shape.virtual ?? 0);
  const duplicate = virtual + (shape.duplicates ?? 0);
  for (let i = 0; i < shape.size; i += 1) {
    const line = pick(r, LINES);
    const model = pick(r, line.models);
    const user = userOf(i, shape.domain);
    const roll = r();
    const synced = new Date(Date.UTC(2026, 10, 26) - Math.floor(r() * 14 * 24 * 3600) * 1000).toISOString().replace('.000Z', 'Z');
    const device: GraphDevice = {
      id: guid(r),
      deviceName: line.os === 'Windows' ? `CON-${chars(r, 7)}` : `${user.displayName.split(' ')[0]}'s ${model.split(' (')[0]}`,
      serialNumber: line.serial(r),
      manufacturer: line.manufacturer,
      model,
      operatingSystem: line.os,
      osVersion: pick(r, line.versions),
      wiFiMacAddress: r() < 0.1 ? '' : unicast(hex(r, 12)),
      ethernetMacAddress: null,
      userPrincipalName: r() < 0.05 ? '' : user.upn,
      emailAddress: user.upn,
      userDisplayName: user.displayName,
      managedDeviceOwnerType: r() < 0.9 ? 'company' : 'personal',
      enrolledDateTime: '2025-02-03T10:00:00Z',
      lastSyncDateTime: synced,
      totalStorageSpaceInBytes: pick(r, [128, 256, 512]) * 1_073_741_824,
      freeStorageSpaceInBytes: 40 * 1_073_741_824,
      physicalMemoryInBytes: 0,
      imei: line.os === 'iOS' || line.os === 'Android' ? chars(r, 15, '0123456789') : '',
      azureADDeviceId: guid(r),
      // v1.0's enum has no Android member: Android Enterprise enrolments read as userEnrollment.
      deviceEnrollmentType: line.os === 'Windows' ? 'windowsAzureADJoin' : line.os === 'Android' ? 'userEnrollment' : 'appleBulkWithUser',
      complianceState: r() < 0.93 ? 'compliant' : 'noncompliant',
      isEncrypted: r() < 0.95,
      managementAgent: 'mdm',
    };
    let kind: DeviceKind = 'real';
    if (roll < noSerial) (device.serialNumber = ''), (kind = 'no-serial');
    else if (roll < placeholder) (device.serialNumber = pick(r, PLACEHOLDERS)), (kind = 'placeholder');
    else if (roll < virtual) {
      kind = 'virtual';
      Object.assign(device, r() < 0.5
        ? { manufacturer: 'Microsoft Corporation', model: 'Cloud PC Enterprise 2vCPU/8GB/128GB', serialNumber: `0000-${chars(r, 4, '0123456789')}-${chars(r, 4, '0123456789')}-${chars(r, 4, '0123456789')}-${chars(r, 4, '0123456789')}-${chars(r, 4, '0123456789')}-${chars(r, 2, '0123456789')}`, operatingSystem: 'Windows' }
        : { manufacturer: 'VMware, Inc.', model: 'VMware7,1', serialNumber: `VMware-56 4d ${hex(r, 2)} ${hex(r, 2)}`, operatingSystem: 'Windows' });
    } else if (roll < duplicate) {
      const originals = kinds.flatMap((k, index) => (k === 'real' ? [index] : []));
      if (originals.length > 0) {
        const original = devices[pick(r, originals)]!;
        Object.assign(device, { serialNumber: original.serialNumber, manufacturer: original.manufacturer, model: original.model, operatingSystem: original.operatingSystem, lastSyncDateTime: '2025-06-01T08:00:00Z' });
        kind = 'duplicate';
      }
    }
    devices.push(device);
    kinds.push(kind);
  }
  return { devices, kinds };
}
