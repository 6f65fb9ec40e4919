import { formatAssetTag, type AssetTagConvention } from '../../domain/hardware/asset-tag.js';
import { decide } from '../../domain/hardware/decide.js';
import type { ImportDevice } from '../../domain/hardware/commands.js';
import { personName } from '../../domain/hardware/device-name.js';
import { normaliseEmail } from '../../domain/hardware/email-address.js';
import { SupersededEntry } from '../../domain/hardware/errors.js';
import { evolve } from '../../domain/hardware/evolve.js';
import type { Assignee, HardwareEvent } from '../../domain/hardware/events.js';
import type { Hardware } from '../../domain/hardware/state.js';
import type { MdmDevice } from '../../domain/hardware/mdm-device.js';
import { screenDevice } from '../../domain/hardware/screening.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { outcomeDetail, outcomeName, type DeviceOutcome } from '../../domain/import-run/outcome.js';
import type { LoadedHardware } from '../hardware-repository.js';
import { HardwareRepository, taggedWithRun } from '../hardware-repository.js';
import type { AssetTagSequence } from '../ports/asset-tag-sequence.js';
import type { EventStore, StreamAppend } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { DecisionFingerprint, KnownHardware, KnownRecord } from '../ports/known-hardware.js';
import { DEFAULT_PRECEDENCE, type SourcePrecedence } from '../../domain/hardware/source-precedence.js';
import { settledFingerprints, unchangedByFingerprint, type ReadSide } from './decision-fingerprints.js';
import type { MdmPage, RejectedEntry } from '../ports/mdm-source.js';
import type { StreamSnapshots } from '../ports/stream-snapshots.js';
import type { UserDirectory } from '../ports/user-directory.js';
import { hardwareStream } from '../streams.js';
import { giveTurn } from '../event-loop.js';

export interface PageContext {
  runId: string;
  now: string;
  convention: AssetTagConvention;
  /** Serials already met in this run, with the device that first reported them. */
  seen: Map<string, string>;
  /** Serials the listing named that `seen` does not hold (their entry failed or lost to another): with `seen`, every serial listed. */
  listed: Set<string>;
  /** MDM ids of entries whose serial could not be used: their records were still listed. */
  listedIds: Set<string>;
  /** Entries the MDM sent that could not be read as devices: any of them could be any device. */
  unreadable: number;
  /** Which MDM a device reported by both follows, per platform. */
  precedence?: SourcePrecedence;
  /** A preview: decide every device as an import would, but append nothing and reserve no asset tag. */
  dryRun?: boolean;
  /** Told what was decided for each device of the page (a preview shows it). */
  decided?: (index: number, events: readonly HardwareEvent[], before: Hardware) => void;
}

/** A preview names no asset tag it has not reserved. */
export const TAG_ON_IMPORT = '(assigned on import)';

interface Candidate {
  index: number;
  device: MdmDevice;
  serial: string;
}

/** The devices of one page that share a serial, and the events decided for them. */
interface SerialWork {
  loaded: LoadedHardware;
  events: HardwareEvent[];
  members: Candidate[];
  /** The state the decisions lead to, and the last command decided (to check that it now leaves nothing to do). */
  after?: Hardware;
  last?: ImportDevice;
}

const MAX_CONFLICT_RETRIES = 3;

/** Whether the run's listing so far named this serial, whatever became of its entry. */
export function wasListed(context: Pick<PageContext, 'seen' | 'listed'>, serial: string): boolean {
  return context.seen.has(serial) || context.listed.has(serial);
}

function describe(device: MdmDevice, serial: string | null): Pick<DeviceOutcome, 'sourceDeviceId' | 'serial' | 'deviceName'> {
  return { sourceDeviceId: device.sourceDeviceId, serial, deviceName: outcomeName(device.deviceName) };
}

/** An entry that was no device: that device's error, or a skip when the MDM no longer has it. */
function rejectedOutcome(entry: RejectedEntry): DeviceOutcome {
  const gone = entry.reason === 'no-longer-in-mdm';
  return { outcome: gone ? 'skipped' : 'error', sourceDeviceId: entry.sourceDeviceId ?? `#${entry.position}`, serial: null, deviceName: null, reason: entry.reason ?? 'invalid-mdm-entry', detail: outcomeDetail(entry.detail) };
}

function errorOutcome(device: MdmDevice, serial: string | null, error: unknown): DeviceOutcome {
  const domain = error instanceof DomainError;
  return {
    outcome: 'error',
    ...describe(device, serial),
    reason: domain ? error.code : 'unexpected-error',
    detail: outcomeDetail(error instanceof Error ? error.message : String(error)),
  };
}

/**
 * A page whose later batch failed once earlier ones were in the store: the outcomes of what was applied
 * (with the entries that needed no write), so that the run's record still counts them, and the failure.
 */
export class PageCutShort extends Error {
  constructor(
    readonly applied: DeviceOutcome[],
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'PageCutShort';
  }
}

/**
 * Applies one page of MDM devices to the register, in batches of its devices: for each batch, one read of
 * every stream it touches, one directory look-up, one asset-tag reservation and one set of appends. On a
 * network store a batch is the whole page, each of those being a round trip; in process, smaller batches
 * keep less alive while they are decided. A serial met again in a later batch is handled as one met again
 * on a later page.
 */
export class PageImporter {
  private readonly hardware: HardwareRepository;

  constructor(
    private readonly store: EventStore,
    private readonly users: UserDirectory,
    private readonly tags: AssetTagSequence,
    private readonly ids: IdGenerator,
    /** The read side's hints, on stores where each stream read is a round trip; null reads every stream. */
    private readonly known: KnownHardware | null = null,
    snapshots: StreamSnapshots | null = null,
    /** Devices read and decided together; null: the whole page. */
    private readonly batchSize: number | null = null,
  ) {
    this.hardware = new HardwareRepository(store, snapshots);
  }

  /** Every device of the page, then each entry the MDM sent that was not one (in the page's order of outcomes). */
  async importPage(page: MdmPage, context: PageContext): Promise<DeviceOutcome[]> {
    const { devices } = page;
    const rejected = page.rejected ?? [];
    context.unreadable += rejected.filter((entry) => entry.reason !== 'no-longer-in-mdm').length;
    const outcomes: DeviceOutcome[] = new Array(devices.length);
    const candidates: Candidate[] = [];
    devices.forEach((device, index) => {
      try {
        const screened = screenDevice(device);
        if (screened.kind === 'importable') {
          candidates.push({ index, device, serial: screened.serial });
          return;
        }
        outcomes[index] = { outcome: 'skipped', ...describe(device, null), reason: screened.reason, detail: screened.detail };
      } catch (error) {
        outcomes[index] = errorOutcome(device, null, error);
      }
      context.listedIds.add(device.sourceDeviceId);
    });
    const size = Math.max(1, this.batchSize ?? candidates.length);
    for (let from = 0; from < candidates.length; from += size) {
      try {
        await this.importBatch(candidates.slice(from, from + size), context, outcomes);
      } catch (error) {
        if (from === 0 || context.dryRun) throw error;
        const unapplied = new Set(candidates.slice(from).map((c) => c.index));
        throw new PageCutShort([...outcomes.filter((_, index) => !unapplied.has(index)), ...rejected.map(rejectedOutcome)], error);
      }
    }
    // `seen` already holds the serials that were imported; only the others are kept apart.
    for (const { serial } of candidates) if (!context.seen.has(serial)) context.listed.add(serial);
    return [...outcomes, ...rejected.map(rejectedOutcome)];
  }

  private async importBatch(candidates: readonly Candidate[], context: PageContext, outcomes: DeviceOutcome[]): Promise<void> {
    // Independent questions, asked side by side: over a network store each is a round trip.
    const [assignees, readSide] = await Promise.all([this.assignees(candidates), this.known && !context.dryRun ? this.readSide(candidates) : null]);
    let pending = candidates;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      // The read side's hints only on the first pass: a conflict means it was behind, so retries read the streams.
      const conflicted = await this.applyOnce(pending, assignees, context, outcomes, attempt === 0 ? readSide : null);
      if (attempt >= MAX_CONFLICT_RETRIES) {
        for (const c of conflicted) {
          outcomes[c.index] = errorOutcome(c.device, c.serial, new Error(`Serial ${c.serial} kept changing while it was imported (another import or edit); re-run to retry it.`));
        }
        break;
      }
      pending = conflicted;
    }
  }

  private async assignees(candidates: readonly Candidate[]): Promise<Map<string, Assignee>> {
    const emails = [...new Set(candidates.map((c) => normaliseEmail(c.device.userEmail)).filter((e): e is string => e !== null))];
    if (emails.length === 0) return new Map();
    const found = await this.users.findActiveByEmails(emails);
    const assignees = new Map<string, Assignee>();
    for (const [email, user] of found) assignees.set(email, { userId: user.id, email: user.email, name: personName(user.displayName, user.email) });
    return assignees;
  }

  /** Decides every candidate against freshly read state; returns those whose stream moved meanwhile. */
  private async applyOnce(
    candidates: readonly Candidate[],
    assignees: Map<string, Assignee>,
    context: PageContext,
    outcomes: DeviceOutcome[],
    readSide: ReadSide | null,
  ): Promise<Candidate[]> {
    const precedence = context.precedence ?? DEFAULT_PRECEDENCE;
    const assigneeOf = (device: MdmDevice) => assignees.get(normaliseEmail(device.userEmail) ?? '') ?? null;
    const unchanged = readSide ? unchangedByFingerprint(candidates, readSide, assigneeOf, precedence, context.seen) : new Map<Candidate, KnownRecord>();
    // Only this pass's new reporters: copying the run's whole map on every page made a run's cost grow with devices × pages.
    const addedThisPass = new Map<string, string>();
    for (const [candidate, record] of unchanged) {
      const { device, serial, index } = candidate;
      outcomes[index] = { outcome: 'unchanged', ...describe(device, serial), hardwareId: record.hardwareId, assetTag: record.assetTag };
      addedThisPass.set(serial, device.sourceDeviceId);
    }
    const toDecide = unchanged.size > 0 ? candidates.filter((c) => !unchanged.has(c)) : candidates;
    const serials = [...new Set(toDecide.map((c) => c.serial))];
    const loaded = await this.hardware.loadMany(serials, readSide ? new Set(readSide.known.keys()) : undefined, { keepSnapshots: !context.dryRun });
    const unseen = serials.filter((s) => !loaded.get(s)!.state.exists).length;
    let nextTag = unseen > 0 && !context.dryRun ? await this.tags.reserve(unseen) : 0;
    const newTag = () => (context.dryRun ? TAG_ON_IMPORT : formatAssetTag(context.convention, nextTag++));
    await giveTurn();

    const work = new Map<string, SerialWork>();
    for (const candidate of toDecide) {
      const { device, serial, index } = candidate;
      const entry = work.get(serial) ?? { loaded: loaded.get(serial)!, events: [], members: [] };
      work.set(serial, entry);
      entry.members.push(candidate);
      const state = entry.events.reduce(evolve, entry.loaded.state);
      const firstReporter = addedThisPass.get(serial) ?? context.seen.get(serial);
      try {
        const command: ImportDevice = {
          type: 'ImportDevice',
          data: {
            device,
            runId: context.runId,
            assignee: assigneeOf(device),
            newHardware: state.exists ? null : { hardwareId: this.ids.newId(), assetTag: newTag() },
            ...(context.precedence ? { precedence: context.precedence } : {}),
          },
          metadata: { now: context.now },
        };
        const events = decide(command, state);
        entry.events.push(...events);
        context.decided?.(index, events, state);
        const after = events.reduce(evolve, state);
        entry.after = after;
        entry.last = command;
        const ids = after.exists ? { hardwareId: after.hardwareId, assetTag: after.assetTag } : {};
        outcomes[index] = firstReporter !== undefined
          ? { outcome: 'skipped', ...describe(device, serial), ...ids, reason: 'duplicate-serial', detail: duplicateDetail(serial, firstReporter, events.length > 0) }
          : { outcome: events[0]?.type === 'HardwareImported' ? 'created' : events.length > 0 ? 'updated' : 'unchanged', ...describe(device, serial), ...ids };
      } catch (error) {
        if (error instanceof SupersededEntry) {
          // A stale entry never counts as the serial's reporter: the entry it lost to does.
          outcomes[index] = { outcome: 'skipped', ...describe(device, serial), reason: 'duplicate-serial', detail: error.message };
          continue;
        } else if (error instanceof DomainError) {
          outcomes[index] = errorOutcome(device, serial, error);
        } else {
          throw error;
        }
      }
      if (firstReporter === undefined) addedThisPass.set(serial, device.sourceDeviceId);
    }

    const appends: StreamAppend[] = [];
    const byStream = new Map<string, SerialWork>();
    const metadata = { importRunId: context.runId };
    for (const [serial, entry] of work) {
      if (entry.events.length === 0) continue;
      const stream = hardwareStream(serial);
      byStream.set(stream, entry);
      appends.push({ stream, expectedRevision: entry.loaded.expectedRevision, events: taggedWithRun(entry.events, metadata) });
    }
    await giveTurn();
    const results = appends.length > 0 && !context.dryRun ? await this.store.appendMany(appends) : [];
    const conflicted: Candidate[] = [];
    for (const result of results) if (!result.ok) conflicted.push(...byStream.get(result.stream)!.members);
    const retried = new Set(conflicted.map((c) => c.serial));
    for (const [serial, reporter] of addedThisPass) if (!retried.has(serial)) context.seen.set(serial, reporter);
    if (this.known && !context.dryRun) {
      const decided = [...work].filter(([serial, entry]) => !retried.has(serial) && entry.members.length === 1).map(([serial, entry]) => ({
        serial, after: entry.after, last: entry.last, expectedRevision: entry.loaded.expectedRevision, eventCount: entry.events.length,
        outcome: outcomes[entry.members[0]!.index]?.outcome,
      }));
      await this.known.saveFingerprints(settledFingerprints(decided, precedence, readSide?.stored));
    }
    return conflicted;
  }

  /** Which of the page's serials the register holds, and the fingerprints of their last settled decisions. */
  private async readSide(candidates: readonly Candidate[]): Promise<ReadSide> {
    const serials = [...new Set(candidates.map((c) => c.serial))];
    const source = candidates[0]?.device.source;
    const [known, stored] = await Promise.all([
      this.known!.known(serials),
      source ? this.known!.fingerprints(source, serials) : new Map<string, DecisionFingerprint>(),
    ]);
    return { known, stored };
  }
}

function duplicateDetail(serial: string, firstReporter: string, applied: boolean): string {
  return applied
    ? `Serial ${serial} was already reported in this run by device ${firstReporter}; this entry was synced more recently, so the record follows it.`
    : `Serial ${serial} was already reported in this run by device ${firstReporter}; counted once.`;
}
