import { validateConvention } from '../../domain/hardware/asset-tag.js';
import { sourceDisplayName, type MdmSourceName } from '../../domain/hardware/mdm-source.js';
import { addOutcomes, devicesRead, noCounts, type DeviceOutcome, type MissingDevice, type RunCounts } from '../../domain/import-run/outcome.js';
import { ImportRunRecorder, lastCompleteListingAt, RunLeaseLost, type RunEnded } from '../import-run-recorder.js';
import type { AssetTagSequence } from '../ports/asset-tag-sequence.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore, ExpectedRevision } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { MdmPage, MdmSource, MdmSourceProvider } from '../ports/mdm-source.js';
import type { RunOwner } from '../ports/run-owner.js';
import type { ImportMetrics } from '../ports/import-metrics.js';
import type { Projections } from '../ports/projections.js';
import type { KnownHardware } from '../ports/known-hardware.js';
import type { StreamSnapshots } from '../ports/stream-snapshots.js';
import type { HardwareRegisterQueries } from '../ports/read-models.js';
import type { UserDirectory } from '../ports/user-directory.js';
import type { WorkspaceSettings } from '../ports/workspace-settings.js';
import { ImportRunFailed, type ImportResult } from './import-result.js';
import { PageCutShort, PageImporter, wasListed, type PageContext } from './page-importer.js';
import { interruptible } from './interruptible.js';
import { MissingDevices, notWhole } from './missing-devices.js';
import { giveTurn } from '../event-loop.js';

export interface ImportFromMdmCommand {
  source: MdmSourceName;
  triggeredBy: string;
  /** Start only if the source's run stream is still at this revision (a scheduler's decision, made on what it read). */
  onlyIfRunsUnchangedSince?: ExpectedRevision;
  /** Re-import only these devices, fetched by their MDM ids, as a run linked to the one they failed in. */
  retry?: { of: string; sourceDeviceIds: readonly string[] };
}

export interface ImportProgress {
  runId: string;
  page: number;
  /** MDM entries read so far, whatever became of them. */
  devicesRead: number;
  /** What the MDM said its whole listing holds, when it said. */
  announcedTotal: number | null;
  counts: RunCounts;
}

/** Who follows a run as it goes: told when it exists, then after each page. */
export interface ImportObserver {
  started?(run: { runId: string; source: MdmSourceName; startedAt: string }): void;
  progress?(progress: ImportProgress): void;
}

export interface ImportFromMdmDeps {
  store: EventStore;
  sources: MdmSourceProvider;
  users: UserDirectory;
  tags: AssetTagSequence;
  ids: IdGenerator;
  clock: Clock;
  settings: WorkspaceSettings;
  projections: Projections;
  /** A run with no page or heartbeat recorded for this long is taken to have died with its process. */
  leaseMs: number;
  owner: RunOwner;
  /** Proposes the records a complete listing must name. */
  register: HardwareRegisterQueries;
  /** Aborted when the process stops: a run still going is recorded as interrupted. */
  shutdown?: AbortSignal;
  metrics?: ImportMetrics;
  /** Spares stream reads for devices the register does not hold (production stores); every stream is read without it. */
  known?: KnownHardware | null;
  /** Keeps the states of long streams, so that a device's whole history is not read at every run. */
  snapshots?: StreamSnapshots | null;
  /** How many of a page's devices are read and decided together; null: the whole page (see PageImporter). */
  decisionBatch?: number | null;
}

/** Keeps a bounded sample of skipped and failed devices for the banner; the run stream keeps them all. */
const BANNER_DETAIL_LIMIT = 1000;

/** The whole listing, or for a retry only the failed devices, each fetched by its MDM id. */
function listing(source: MdmSource, command: ImportFromMdmCommand): AsyncIterable<MdmPage> {
  if (!command.retry) return source.devices();
  if (!source.devicesById) throw new Error(`${sourceDisplayName(source.name)} cannot fetch devices by id here; re-run the whole import to retry the failed devices.`);
  return source.devicesById(command.retry.sourceDeviceIds);
}

/**
 * Pulls every managed device of one source into the register. Devices that fail are reported and the
 * run goes on; a source lost half-way fails the run, keeping what was applied. When this returns, the
 * register and the audit log already show the run.
 */
export class ImportFromMdm {
  private readonly pages: PageImporter;
  private readonly missing: MissingDevices;

  constructor(private readonly deps: ImportFromMdmDeps) {
    this.pages = new PageImporter(deps.store, deps.users, deps.tags, deps.ids, deps.known, deps.snapshots, deps.decisionBatch);
    this.missing = new MissingDevices(deps.store, deps.register, deps.snapshots);
  }

  async execute(command: ImportFromMdmCommand, observer: ImportObserver = {}): Promise<ImportResult> {
    const { deps } = this;
    const source = await deps.sources.open(command.source);
    const convention = validateConvention(await deps.settings.assetTagConvention());
    const precedence = await deps.settings.sourcePrecedence();
    const run = await ImportRunRecorder.start(deps.store, {
      source: command.source,
      runId: deps.ids.newId(),
      triggeredBy: command.triggeredBy,
      leaseMs: deps.leaseMs,
      owner: deps.owner,
      now: this.now(),
      ...(command.onlyIfRunsUnchangedSince !== undefined ? { onlyIfUnchangedSince: command.onlyIfRunsUnchangedSince } : {}),
      ...(command.retry ? { retryOf: command.retry.of } : {}),
    });
    observer.started?.({ runId: run.runId, source: command.source, startedAt: run.startEvent.data.startedAt });
    // The heartbeat keeps the lease while a page is slow to come; it stops with the run, or with the process.
    const every = Math.max(250, Math.floor(deps.leaseMs / 3));
    const heartbeat = setInterval(() => run.heartbeat(this.now(), every).catch(() => undefined), every);
    heartbeat.unref();
    const context: PageContext = { runId: run.runId, now: this.now(), convention, seen: new Map(), listed: new Set(), listedIds: new Set(), unreadable: 0, precedence };
    const skipped: DeviceOutcome[] = [];
    const failed: DeviceOutcome[] = [];
    const warnings: string[] = [];
    let missing: MissingDevice[] = [];
    let failure: unknown = null;
    let ended: RunEnded | null = null;
    // What was recorded so far: the banner's counts when not even the failure could be written.
    let recorded = noCounts();
    let page = 0;
    let announcedTotal: number | null = null;
    let projecting: Promise<void> = Promise.resolve();
    try {
      for await (const mdmPage of interruptible(listing(source, command), deps.shutdown)) {
        context.now = this.now();
        warnings.push(...(mdmPage.warnings ?? []));
        announcedTotal = mdmPage.announcedTotal ?? announcedTotal;
        const outcomes = await this.importPage(mdmPage, context, run, announcedTotal, (applied) => (recorded = addOutcomes(recorded, applied)));
        if (outcomes.length === 0) continue;
        await giveTurn();
        await run.recordPage(outcomes, this.now(), announcedTotal);
        await giveTurn();
        recorded = addOutcomes(recorded, outcomes);
        // Each page is projected while the next one is fetched and decided: the register fills as the
        // run goes, and over a network store the catch-up's round trips overlap the next page's. The
        // previous catch-up is awaited first, so that its failure fails the run here.
        await projecting;
        projecting = deps.projections.catchUp();
        projecting.catch(() => undefined);
        for (const outcome of outcomes) {
          if (outcome.outcome === 'skipped' && skipped.length < BANNER_DETAIL_LIMIT) skipped.push(outcome);
          if (outcome.outcome === 'error' && failed.length < BANNER_DETAIL_LIMIT) failed.push(outcome);
        }
        observer.progress?.({ runId: run.runId, page: ++page, devicesRead: devicesRead(recorded), announcedTotal, counts: recorded });
      }
      await projecting;
      // A retry lists only the devices it retries: it says nothing about the others.
      if (!command.retry) missing = await this.markMissing(run, context, warnings);
      ended = await run.complete(this.now(), warnings);
    } catch (error) {
      failure = error;
      ended = await this.recordFailure(run, error);
    } finally {
      clearInterval(heartbeat);
    }
    await deps.projections.catchUp().catch(() => undefined);
    const finishedAt = this.now();
    const reason = failure === null ? null : failure instanceof Error ? failure.message : String(failure);
    const result: ImportResult = {
      runId: run.runId,
      source: command.source,
      status: failure === null ? 'completed' : 'failed',
      triggeredBy: command.triggeredBy,
      startedAt: run.startEvent.data.startedAt,
      finishedAt,
      durationMs: Date.parse(finishedAt) - Date.parse(run.startEvent.data.startedAt),
      counts: ended?.data.counts ?? recorded,
      skippedDevices: skipped,
      failedDevices: failed,
      missingDevices: missing.slice(0, BANNER_DETAIL_LIMIT),
      warnings,
      failure: reason,
    };
    deps.metrics?.runEnded(result);
    if (failure !== null) throw new ImportRunFailed(result, failure);
    return result;
  }

  /**
   * One page. When a later batch of it fails, what its earlier batches applied is recorded first, so that
   * the failed run counts every record it created or changed.
   */
  private async importPage(page: MdmPage, context: PageContext, run: ImportRunRecorder, announcedTotal: number | null, recordedPart: (applied: DeviceOutcome[]) => void): Promise<DeviceOutcome[]> {
    try {
      return await this.pages.importPage(page, context);
    } catch (error) {
      if (!(error instanceof PageCutShort)) throw error;
      await run.recordPage(error.applied, this.now(), announcedTotal).then(() => recordedPart(error.applied), () => undefined);
      throw error.cause;
    }
  }

  private async markMissing(run: ImportRunRecorder, context: PageContext, warnings: string[]): Promise<MissingDevice[]> {
    const why = notWhole(run.source, warnings, context.unreadable);
    if (why) {
      warnings.push(why);
      return [];
    }
    await this.deps.projections.catchUp();
    const lastListing = await lastCompleteListingAt(this.deps.store, run.source);
    const missing = await this.missing.mark({ source: run.source, runId: run.runId, now: this.now(), listed: (serial) => wasListed(context, serial), listedIds: context.listedIds, lastCompleteListingAt: lastListing });
    await run.recordMissing(missing, this.now());
    return missing;
  }

  /**
   * Records why the run stopped. When even that cannot be written (the store is full or gone), the run
   * keeps no lock: its heartbeat stops with it and the lease lapses, so the next import can start.
   */
  private async recordFailure(run: ImportRunRecorder, error: unknown): Promise<RunEnded | null> {
    if (error instanceof RunLeaseLost) return null;
    try {
      return await run.fail(error instanceof Error ? error.message : String(error), this.now());
    } catch {
      return null;
    }
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}
