import { readiness, type ConnectorSettings } from '../../domain/connectors/connector-settings.js';
import { prefillFrom, type HardwarePrefill } from '../../domain/hardware/prefill.js';
import { byLatestCheckIn } from '../../domain/hardware/check-in.js';
import { readSerial, TYPED_SERIAL } from '../../domain/hardware/serial-number.js';
import { quote } from '../../domain/shared/quote.js';
import { sourceDisplayName, type MdmSourceName } from '../../domain/hardware/mdm-source.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { ConnectorSettingsStore } from '../ports/connector-settings-store.js';
import type { MdmConnectors } from '../ports/mdm-connector.js';
import { SourceNotConfigured } from '../ports/mdm-source.js';
import type { HardwareRegisterQueries } from '../ports/read-models.js';

/** The record that already has the serial: the form would only be refused registering it again. */
export type AlreadyRegistered = { id: string; assetTag: string; name: string } | null;

export type SerialLookup = { registered: AlreadyRegistered } & (
  | { outcome: 'found'; device: HardwarePrefill }
  | { outcome: 'not-found'; serial: string; message: string }
  | { outcome: 'ambiguous'; serial: string; message: string; devices: HardwarePrefill[] }
);

/** "Look up by serial" on the Hardware form: reads the MDM, writes nothing to the register. */
export class LookupBySerial {
  constructor(
    private readonly settings: Pick<ConnectorSettingsStore, 'get'>,
    private readonly connectors: MdmConnectors,
    private readonly register: Pick<HardwareRegisterQueries, 'bySerial'>,
  ) {}

  async lookup(source: MdmSourceName, rawSerial: string): Promise<SerialLookup> {
    const reading = readSerial(rawSerial, TYPED_SERIAL);
    if (reading.kind !== 'serial') {
      throw new DomainError('serial-required', `serial ${quote(rawSerial)} is empty or a placeholder.`, TYPED_SERIAL.field, TYPED_SERIAL.fix);
    }
    const saved = await this.settings.get(source);
    const ready = readiness(source, saved);
    if (!ready.configured || !saved) throw new SourceNotConfigured(source, ready.missing);
    const connector = this.connectors[source] as { lookupBySerial(s: ConnectorSettings, serial: string): ReturnType<MdmConnectors[MdmSourceName]['lookupBySerial']> };
    // Only the devices that report this serial: Graph answers every device to a filter it cannot apply,
    // and a Jamf Pro that does not know the filter may do the same.
    const [found, record] = await Promise.all([connector.lookupBySerial(saved, reading.serial), this.register.bySerial(reading.serial)]);
    const devices = found.map(prefillFrom).filter((device) => device.serial === reading.serial);
    const registered: AlreadyRegistered = record && { id: record.id, assetTag: record.assetTag, name: record.name };
    const name = sourceDisplayName(source);
    if (devices.length === 0) return { outcome: 'not-found', serial: reading.serial, message: `${name} has no device with serial ${reading.serial}.`, registered };
    if (devices.length > 1) {
      const ordered = devices.sort(byLatestCheckIn);
      return { outcome: 'ambiguous', serial: reading.serial, message: `${devices.length} devices in ${name} share serial ${reading.serial}; the most recently synced is listed first.`, devices: ordered, registered };
    }
    return { outcome: 'found', device: devices[0]!, registered };
  }
}
