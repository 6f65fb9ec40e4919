import type { MdmDevice, Specifications } from '../../../domain/hardware/mdm-device.js';
import { entryId } from '../mdm-entries.js';

type Raw = Record<string, unknown>;

function section(raw: Raw, name: string): Raw {
  const value = raw[name];
  return value && typeof value === 'object' ? (value as Raw) : {};
}

function text(raw: Raw, field: string): string | null {
  const value = raw[field];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function number(raw: Raw, field: string): number | null {
  const value = raw[field];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function specs(entries: Array<[string, string | number | boolean | null | undefined]>): Specifications {
  const result: Specifications = {};
  for (const [key, value] of entries) if (value !== null && value !== undefined) result[key] = value;
  return result;
}

const isWifi = (type: string | null) => !!type && /IEEE80211|wi-?fi|airport|wireless/i.test(type);

/**
 * A computers-inventory record (any API version: v4 renamed lastContactTime to lastContact).
 * Wi-Fi MAC is the adapter typed as Wi-Fi, else the primary; the other adapter is the Ethernet fallback.
 */
export function fromComputer(raw: Raw): MdmDevice {
  const general = section(raw, 'general');
  const hardware = section(raw, 'hardware');
  const os = section(raw, 'operatingSystem');
  const user = section(raw, 'userAndLocation');
  const storage = section(raw, 'storage');
  const primary = { mac: text(hardware, 'macAddress'), type: text(hardware, 'networkAdapterType') };
  const alternate = { mac: text(hardware, 'altMacAddress'), type: text(hardware, 'altNetworkAdapterType') };
  const wifi = isWifi(primary.type) ? primary : isWifi(alternate.type) ? alternate : null;
  const ethernet = wifi === primary ? alternate : primary;
  // A disk that is not a record (null, a number) is not one the device has.
  const disks = Array.isArray(storage.disks) ? (storage.disks as unknown[]).filter((d): d is Raw => !!d && typeof d === 'object') : [];
  const diskMb = disks.reduce((sum, d) => sum + (number(d, 'sizeMegabytes') ?? 0), 0);
  return {
    source: 'jamf',
    sourceDeviceId: `computer-${entryId(raw, 'id', true)}`,
    serialNumber: text(hardware, 'serialNumber'),
    manufacturer: 'Apple',
    model: text(hardware, 'model'),
    modelIdentifier: text(hardware, 'modelIdentifier'),
    operatingSystem: text(os, 'name') ?? 'macOS',
    osVersion: text(os, 'version'),
    wifiMacAddress: wifi?.mac ?? primary.mac,
    ethernetMacAddress: ethernet.mac,
    userEmail: text(user, 'email'),
    deviceName: text(general, 'name'),
    lastSyncedAt: text(general, 'lastContact') ?? text(general, 'lastContactTime') ?? text(general, 'reportDate'),
    specifications: specs([
      ['modelIdentifier', text(hardware, 'modelIdentifier')],
      ['processor', text(hardware, 'processorType')],
      ['cores', number(hardware, 'coreCount')],
      ['ramMegabytes', number(hardware, 'totalRamMegabytes')],
      ['appleSilicon', typeof hardware.appleSilicon === 'boolean' ? hardware.appleSilicon : null],
      ['diskMegabytes', diskMb > 0 ? diskMb : null],
      ['disks', disks.length > 0 ? disks.length : null],
      ['osBuild', text(os, 'build')],
      ['fileVault', text(os, 'fileVault2Status')],
      ['supervised', typeof general.supervised === 'boolean' ? general.supervised : null],
      ['jamfAssetTag', text(general, 'assetTag')],
    ]),
  };
}

export function fromMobileDevice(raw: Raw): MdmDevice {
  const general = section(raw, 'general');
  const hardware = section(raw, 'hardware');
  const user = section(raw, 'userAndLocation');
  const model = text(hardware, 'model');
  return {
    source: 'jamf',
    sourceDeviceId: `mobile-${entryId(raw, 'mobileDeviceId', true)}`,
    serialNumber: text(hardware, 'serialNumber'),
    manufacturer: 'Apple',
    model,
    modelIdentifier: text(hardware, 'modelIdentifier'),
    // iOS for iPads too: the register reads those as iPadOS (identityOf), whichever MDM reported them.
    operatingSystem: text(raw, 'deviceType'),
    osVersion: text(general, 'osVersion'),
    wifiMacAddress: text(hardware, 'wifiMacAddress'),
    ethernetMacAddress: null,
    userEmail: text(user, 'emailAddress'),
    deviceName: text(general, 'displayName'),
    lastSyncedAt: text(general, 'lastContactDate') ?? text(general, 'lastInventoryUpdateDate'),
    specifications: specs([
      ['modelIdentifier', text(hardware, 'modelIdentifier')],
      ['capacityMegabytes', number(hardware, 'capacityMb')],
      ['osBuild', text(general, 'osBuild')],
      ['supervised', typeof general.supervised === 'boolean' ? general.supervised : null],
      ['ownership', text(general, 'deviceOwnershipType')],
      ['jamfAssetTag', text(general, 'assetTag')],
    ]),
  };
}
