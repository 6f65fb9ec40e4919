import type { MdmDevice } from '../../../domain/hardware/mdm-device.js';
import type { MdmSourceName } from '../../../domain/hardware/mdm-source.js';

/** A small deterministic PRNG (mulberry32): the same seed always yields the same fleet. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FleetShape {
  size: number;
  seed: number;
  source: MdmSourceName;
  /** Share of devices with no serial, with a placeholder serial, that are VMs, and that are re-enrolled duplicates. */
  noSerial?: number;
  placeholder?: number;
  virtual?: number;
  duplicates?: number;
  emailDomain?: string;
}

const MODELS: Array<[string, string, string]> = [
  ['Dell Inc.', 'Latitude 7440', 'Windows'],
  ['Dell Inc.', 'OptiPlex 7010', 'Windows'],
  ['HP', 'HP EliteBook 840 G10 Notebook PC', 'Windows'],
  ['LENOVO', 'ThinkPad X1 Carbon Gen 11', 'Windows'],
  ['Microsoft Corporation', 'Surface Laptop 5', 'Windows'],
  ['Apple', 'MacBook Pro (14-inch, 2023)', 'macOS'],
  ['Apple', 'MacBook Air (M2, 2022)', 'macOS'],
  ['Apple', 'iPhone 15', 'iOS'],
  ['Apple', 'iPad (10th generation)', 'iPadOS'],
  ['samsung', 'SM-S918B', 'Android'],
];

const FIRST = ['alice', 'bob', 'carol', 'dan', 'erin', 'farid', 'grace', 'hiro', 'ines', 'jon', 'kemi', 'lena'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * An in-process fleet in the register's vocabulary, for the benchmark and application specs. The MDM
 * emulators build their wire-format fleets on the same principle.
 */
export function* generateFleet(shape: FleetShape): Generator<MdmDevice> {
  const random = seededRandom(shape.seed);
  const domain = shape.emailDomain ?? 'acme.example';
  const noSerial = shape.noSerial ?? 0;
  const placeholder = noSerial + (shape.placeholder ?? 0);
  const virtual = placeholder + (shape.virtual ?? 0);
  const duplicate = virtual + (shape.duplicates ?? 0);
  // Hoisted out of the loop: the benchmark's in-process source should cost the import's measurement little.
  const serialPrefix = `SN${pad(shape.seed % 1000, 3)}`;
  const firstSync = Date.UTC(2026, 10, 1);
  for (let i = 0; i < shape.size; i += 1) {
    const [manufacturer, model, os] = MODELS[Math.floor(random() * MODELS.length)]!;
    const roll = random();
    const six = pad(i, 6);
    const serial = `${serialPrefix}${pad(i, 7)}`;
    const device: MdmDevice = {
      source: shape.source,
      sourceDeviceId: `${shape.source}-${pad(i, 8)}`,
      serialNumber: serial,
      manufacturer,
      model,
      operatingSystem: os,
      osVersion: os === 'Windows' ? '10.0.22631.4460' : '17.1',
      // Twelve digits with the first made a letter (i stays below 10^11).
      wifiMacAddress: `A${pad(i, 11)}`,
      ethernetMacAddress: null,
      userEmail: `${FIRST[i % FIRST.length]}.${six}@${domain}`,
      deviceName: `ACME-${six}`,
      lastSyncedAt: new Date(firstSync + i * 1000).toISOString(),
      specifications: { totalStorageSpaceInBytes: 256_000_000_000 },
    };
    if (roll < noSerial) device.serialNumber = '';
    else if (roll < placeholder) device.serialNumber = 'To be filled by O.E.M.';
    else if (roll < virtual) Object.assign(device, { manufacturer: 'Microsoft Corporation', model: 'Virtual Machine' });
    else if (roll < duplicate && i > 0) {
      // A stale enrolment of an earlier device: same serial, older check-in.
      device.serialNumber = `${serialPrefix}${pad(i - 1, 7)}`;
      device.lastSyncedAt = '2025-01-01T00:00:00.000Z';
    }
    yield device;
  }
}
