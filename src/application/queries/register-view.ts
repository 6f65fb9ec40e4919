import { lastListed } from '../../domain/hardware/listing.js';
import { MDM_SOURCES, type MdmSourceName } from '../../domain/hardware/mdm-source.js';
import { lastCompleteListingAt } from '../import-run-recorder.js';
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
    const listings = await this.listings();
    return { ...page, items: page.items.map((record) => complete(record, listings)) };
  }

  async byId(id: string): Promise<HardwareRecord | null> {
    const record = await this.register.byId(id);
    return record && complete(record, await this.listings());
  }

  private async listings(): Promise<Record<MdmSourceName, string | null>> {
    const entries = await Promise.all(MDM_SOURCES.map(async (source) => [source, await lastCompleteListingAt(this.store, source)] as const));
    return Object.fromEntries(entries) as Record<MdmSourceName, string | null>;
  }
}

function complete(record: HardwareRecord, listings: Record<MdmSourceName, string | null>): HardwareRecord {
  return {
    ...record,
    sources: record.sources.map((link) => (link.missingSince ? link : { ...link, lastListedAt: lastListed(link.lastListedAt, listings[link.source]) })),
  };
}
