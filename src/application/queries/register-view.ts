import { lastListed } from '../../domain/hardware/listing.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import { lastCompleteListings } from '../import-run-recorder.js';
import { hardwareById } from './hardware-by-id.js';
import type { EventStore } from '../ports/event-store.js';
import type { HardwareRecord, HardwareRegisterQueries, Page, RegisterFilter } from '../ports/read-models.js';

/**
 * The register as people read it: each source a record is still listed by says when it last listed
 * it — the later of its last report on the record and the source's last complete listing.
 */
export class RegisterView {
  constructor(
    private readonly register: HardwareRegisterQueries,
    private readonly store: EventStore,
  ) {}

  async search(filter: RegisterFilter): Promise<Page<HardwareRecord>> {
    const page = await this.register.search(filter);
    const listings = await lastCompleteListings(this.store);
    return { ...page, items: page.items.map((record) => complete(record, listings)) };
  }

  /** The record with this id, or a not-found that says what to use instead (`hardwareById`). */
  async byId(id: string): Promise<HardwareRecord> {
    return this.shown(await hardwareById(this.register, id));
  }

  /** A record as the register holds it, shown as a read of it shows it. */
  async shown(record: HardwareRecord): Promise<HardwareRecord> {
    return complete(record, await lastCompleteListings(this.store));
  }
}

function complete(record: HardwareRecord, listings: Record<MdmSourceName, string | null>): HardwareRecord {
  return {
    ...record,
    sources: record.sources.map((link) => (link.missingSince ? link : { ...link, lastListedAt: lastListed(link.lastListedAt, listings[link.source]) })),
  };
}
