import type { MdmSourceName } from './mdm-source.js';

export type Specifications = Record<string, string | number | boolean>;

/**
 * One device as an MDM reports it, already mapped onto the register's vocabulary by its connector
 * but not yet normalised: values may be empty strings, placeholders or oddly formatted.
 */
export interface MdmDevice {
  source: MdmSourceName;
  sourceDeviceId: string;
  serialNumber: string | null;
  manufacturer: string | null;
  model: string | null;
  modelIdentifier?: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  wifiMacAddress: string | null;
  ethernetMacAddress: string | null;
  userEmail: string | null;
  deviceName: string | null;
  /** ISO-8601 time the device last checked in; breaks ties between entries sharing a serial. */
  lastSyncedAt: string | null;
  specifications: Specifications;
}
