import { decide } from '../../domain/hardware/decide.js';
import { sourceDisplayName, type MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { MissingDevice } from '../../domain/import-run/outcome.js';
import { HardwareRepository, taggedWithRun } from '../hardware-repository.js';
import type { EventStore, StreamAppend } from '../ports/event-store.js';
import type { StreamSnapshots } from '../ports/stream-snapshots.js';
import type { HardwareRegisterQueries } from '../ports/read-models.js';
import { hardwareStream } from '../streams.js';

const BATCH = 500;
const MAX_CONFLICT_RETRIES = 3;

export interface MissingSweep {
  source: MdmSourceName;
  runId: string;
  now: string;
  /** Every serial the run's listing named, whatever became of the device in the run. */
  listed: (serial: string) => boolean;
  /** Every MDM device id it named: an entry whose serial could not be read still lists its record. */
  listedIds: ReadonlySet<string>;
  lastCompleteListingAt: string | null;
  /** A preview: say which records would be marked, mark none. */
  dryRun?: boolean;
}

/**
 * Only a listing known to be whole says a device left the MDM: not one the MDM cut short (a warning)
 * nor one with entries that could not be read (any of them could be the device). Why not, or null.
 */
export function notWhole(source: MdmSourceName, warnings: readonly string[], unreadable: number): string | null {
  if (warnings.length === 0 && unreadable === 0) return null;
  const why = unreadable > 0 ? `${unreadable} entr${unreadable === 1 ? 'y' : 'ies'} of the listing could not be read` : 'the listing was incomplete';
  return `Devices that left ${sourceDisplayName(source)} were not looked for: ${why}. The next complete run will look.`;
}

/**
 * After a complete listing, marks missing each record linked to the source that the listing left out.
 * The register only proposes candidates; each record's own stream decides (and a record edited
 * meanwhile is read again), so a lagging register can never mark a device wrongly.
 */
export class MissingDevices {
  private readonly hardware: HardwareRepository;

  constructor(
    private readonly store: EventStore,
    private readonly register: HardwareRegisterQueries,
    snapshots: StreamSnapshots | null = null,
  ) {
    this.hardware = new HardwareRepository(store, snapshots);
  }

  async mark(sweep: MissingSweep): Promise<MissingDevice[]> {
    const candidates = (await this.register.serialsListedBy(sweep.source)).filter((serial) => !sweep.listed(serial));
    const missing: MissingDevice[] = [];
    for (let i = 0; i < candidates.length; i += BATCH) missing.push(...(await this.markBatch(candidates.slice(i, i + BATCH), sweep)));
    return missing;
  }

  private async markBatch(serials: string[], sweep: MissingSweep): Promise<MissingDevice[]> {
    const missing: MissingDevice[] = [];
    const metadata = { importRunId: sweep.runId };
    let pending = serials;
    for (let attempt = 0; pending.length > 0 && attempt <= MAX_CONFLICT_RETRIES; attempt += 1) {
      const loaded = await this.hardware.loadMany(pending, undefined, { keepSnapshots: !sweep.dryRun });
      const appends: StreamAppend[] = [];
      const found = new Map<string, MissingDevice>();
      for (const { serial, state, expectedRevision } of loaded.values()) {
        if (state.exists && sweep.listedIds.has(state.mdmRecords[sweep.source]?.sourceDeviceId ?? '')) continue;
        const events = decide({ type: 'MarkMissingFromMdm', data: { source: sweep.source, runId: sweep.runId, lastCompleteListingAt: sweep.lastCompleteListingAt }, metadata: { now: sweep.now } }, state);
        const event = events[0];
        if (!event || event.type !== 'HardwareMissingFromMdm' || !state.exists) continue;
        appends.push({ stream: hardwareStream(serial), expectedRevision, events: taggedWithRun(events, metadata) });
        const { sourceDeviceId, lastListedAt } = event.data;
        found.set(hardwareStream(serial), { serial, hardwareId: state.hardwareId, assetTag: state.assetTag, name: state.name, sourceDeviceId, lastListedAt });
      }
      if (sweep.dryRun) return [...found.values()];
      const results = appends.length > 0 ? await this.store.appendMany(appends) : [];
      const retry = new Set<string>();
      for (const result of results) {
        if (result.ok) missing.push(found.get(result.stream)!);
        else retry.add(result.stream);
      }
      pending = pending.filter((serial) => retry.has(hardwareStream(serial)));
    }
    return missing;
  }
}
