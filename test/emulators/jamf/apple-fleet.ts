import { seededRandom } from '../../../src/adapters/driven/synthetic/fleet-generator.js';
import { userOf } from '../intune/graph-fleet.js';

export type JamfRecord = Record<string, unknown>;
export type AppleKind = 'real' | 'no-serial' | 'duplicate';

export interface AppleFleetShape {
  computers: number;
  mobiles: number;
  seed: number;
  domain?: string;
  noSerial?: number;
  duplicates?: number;
  /** Share of devices whose user has no email in Jamf. */
  noEmail?: number;
}

const MACS: Array<[string, string, string, number]> = [
  ['MacBook Air (M1, 2020)', 'MacBookAir10,1', 'Apple M1', 8],
  ['MacBook Air (M2, 2022)', 'Mac14,2', 'Apple M2', 8],
  ['MacBook Pro (14-inch, 2023)', 'Mac14,5', 'Apple M2 Max', 12],
  ['MacBook Pro (16-inch, Nov 2023)', 'Mac15,7', 'Apple M3 Pro', 12],
  ['iMac (24-inch, 2023)', 'Mac15,4', 'Apple M3', 8],
  ['Mac mini (2023)', 'Mac14,3', 'Apple M2', 8],
  ['Mac Studio (2023)', 'Mac14,13', 'Apple M2 Max', 12],
];
const MOBILES: Array<[string, string, 'iOS' | 'tvOS']> = [
  ['iPhone 15', 'iPhone15,4', 'iOS'],
  ['iPhone 14 Pro', 'iPhone15,2', 'iOS'],
  ['iPad 7th Generation (Wi-Fi)', 'iPad7,11', 'iOS'],
  ['iPad Pro (11-inch) (4th generation)', 'iPad14,3', 'iOS'],
  ['Apple TV 4K (3rd generation)', 'AppleTV14,1', 'tvOS'],
];
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const serialOf = (r: () => number) => Array.from({ length: 12 }, () => pick(r, ALNUM.split(''))).join('');
/** A card's own address: the group bit of the first octet cleared. */
const mac = (r: () => number) => Array.from({ length: 6 }, (_, i) => (Math.floor(r() * 256) & (i === 0 ? 0xfe : 0xff)).toString(16).padStart(2, '0')).join(':');
const jamfTime = (ms: number) => new Date(ms).toISOString();

/** A deterministic Apple fleet in Jamf's computers-inventory and mobile-devices/detail shapes (all sections). */
export function generateAppleFleet(shape: AppleFleetShape): { computers: JamfRecord[]; mobiles: JamfRecord[]; kinds: AppleKind[] } {
  const r = seededRandom(shape.seed);
  const kinds: AppleKind[] = [];
  const serials: string[] = [];
  const base = Date.UTC(2026, 10, 26, 9);
  const kindFor = (): AppleKind => {
    const roll = r();
    if (roll < (shape.noSerial ?? 0)) return 'no-serial';
    if (roll < (shape.noSerial ?? 0) + (shape.duplicates ?? 0) && serials.length > 0) return 'duplicate';
    return 'real';
  };
  const serialFor = (kind: AppleKind) => (kind === 'no-serial' ? '' : kind === 'duplicate' ? pick(r, serials) : serialOf(r));
  const email = (i: number) => (r() < (shape.noEmail ?? 0) ? '' : userOf(i, shape.domain ?? 'acme.example').upn);

  const computers: JamfRecord[] = [];
  for (let i = 0; i < shape.computers; i += 1) {
    const [model, identifier, cpu, cores] = pick(r, MACS);
    const kind = kindFor();
    const serial = serialFor(kind);
    if (kind === 'real') serials.push(serial);
    kinds.push(kind);
    const contact = kind === 'duplicate' ? Date.UTC(2025, 4, 1) : base - Math.floor(r() * 10 * 86_400_000);
    const user = userOf(i, shape.domain ?? 'acme.example');
    const laptop = model.startsWith('MacBook');
    computers.push({
      id: String(i + 1),
      udid: `${serialOf(r)}-${i}`,
      general: {
        name: `${user.displayName.split(' ')[0]}'s ${model.split(' (')[0]}`,
        platform: 'Mac', assetTag: r() < 0.3 ? `JAMF-${i}` : null, supervised: true,
        reportDate: jamfTime(contact), lastContactTime: jamfTime(contact), lastContact: jamfTime(contact), lastEnrolledDate: jamfTime(contact - 90 * 86_400_000),
        managementId: `${serialOf(r)}`, site: { id: '-1', name: 'None' },
      },
      hardware: {
        make: 'Apple', model, modelIdentifier: identifier, serialNumber: serial, processorType: cpu, coreCount: cores, appleSilicon: true,
        totalRamMegabytes: pick(r, [8192, 16384, 32768]),
        networkAdapterType: laptop ? 'IEEE80211' : 'Ethernet', macAddress: mac(r),
        altNetworkAdapterType: laptop ? 'Ethernet' : 'IEEE80211', altMacAddress: laptop && r() < 0.5 ? null : mac(r),
      },
      operatingSystem: { name: 'macOS', version: pick(r, ['14.7.1', '15.1', '15.1.1']), build: '24B91', fileVault2Status: 'BOOT_ENCRYPTED' },
      userAndLocation: { username: user.upn.split('@')[0], realname: user.displayName, email: email(i), position: 'Engineer', phone: null },
      storage: { bootDriveAvailableSpaceMegabytes: 200000, disks: [{ id: '1', device: 'disk0', model: 'APPLE SSD AP0512Z', sizeMegabytes: 500277 }] },
    });
  }

  const mobiles: JamfRecord[] = [];
  for (let i = 0; i < shape.mobiles; i += 1) {
    const [model, identifier, deviceType] = pick(r, MOBILES);
    const kind = kindFor();
    const serial = serialFor(kind);
    if (kind === 'real') serials.push(serial);
    kinds.push(kind);
    const contact = kind === 'duplicate' ? Date.UTC(2025, 4, 1) : base - Math.floor(r() * 10 * 86_400_000);
    const user = userOf(shape.computers + i, shape.domain ?? 'acme.example');
    mobiles.push({
      mobileDeviceId: String(i + 1),
      deviceType,
      general: {
        udid: `${serialOf(r)}-m${i}`, displayName: deviceType === 'tvOS' ? `Meeting room ${i}` : `${user.displayName.split(' ')[0]}'s ${model.split(' (')[0]}`,
        assetTag: null, osVersion: deviceType === 'tvOS' ? '18.1' : pick(r, ['17.7', '18.1']), osBuild: '22B83', supervised: true, managed: true,
        deviceOwnershipType: 'Institutional', lastInventoryUpdateDate: jamfTime(contact), lastContactDate: jamfTime(contact),
      },
      hardware: { serialNumber: serial, wifiMacAddress: mac(r), bluetoothMacAddress: mac(r), model, modelIdentifier: identifier, capacityMb: pick(r, [65536, 131072, 262144]) },
      userAndLocation: deviceType === 'tvOS' ? { username: null, realName: null, emailAddress: null } : { username: user.upn.split('@')[0], realName: user.displayName, emailAddress: email(shape.computers + i) },
    });
  }
  return { computers, mobiles, kinds };
}
