import { hardwareById } from './hardware-by-id.js';
import type { EventStore } from '../ports/event-store.js';
import type { HardwareRecord, HardwareRegisterQueries } from '../ports/read-models.js';
import { hardwareStream } from '../streams.js';

export interface HardwareHistoryEntry {
  revision: number;
  type: string;
  recordedAt: string;
  data: unknown;
}

/** A device's own history, straight from its stream: every import, update, link and hand edit. */
export class HardwareHistory {
  constructor(
    private readonly register: HardwareRegisterQueries,
    private readonly store: EventStore,
  ) {}

  async of(hardwareId: string): Promise<HardwareHistoryEntry[]> {
    const record = await hardwareById(this.register, hardwareId);
    return this.eventsOf(record.serial);
  }

  /** The record with this serial (as the register holds it, upper case) and its events; null when there is none. */
  async ofSerial(serial: string): Promise<{ record: HardwareRecord; events: HardwareHistoryEntry[] } | null> {
    const record = await this.register.bySerial(serial);
    return record && { record, events: await this.eventsOf(record.serial) };
  }

  private async eventsOf(serial: string): Promise<HardwareHistoryEntry[]> {
    const events = await this.store.readStream(hardwareStream(serial));
    return events.map(({ revision, type, recordedAt, data }) => ({ revision, type, recordedAt, data }));
  }
}
