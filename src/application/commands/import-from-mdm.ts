import { validateConvention } from '../../domain/hardware/asset-tag.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import type { DeviceOutcome } from '../../domain/import-run/outcome.js';
import { ImportRunRecorder, type RunEnded } from '../import-run-recorder.js';
import type { AssetTagSequence } from '../ports/asset-tag-sequence.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { MdmSourceProvider } from '../ports/mdm-source.js';
import type { Projections } from '../ports/projections.js';
import type { UserDirectory } from '../ports/user-directory.js';
import type { WorkspaceSettings } from '../ports/workspace-settings.js';
import { ImportRunFailed, type ImportResult } from './import-result.js';
import { PageImporter, type PageContext } from './page-importer.js';

export interface ImportFromMdmCommand {
  source: MdmSourceName;
  triggeredBy: string;
}

export interface ImportProgress {
  page: number;
  devices: number;
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
  /** A run with no page recorded for this long is taken to have died with its process. */
  staleRunAfterMs: number;
}

/** Keeps a bounded sample of skipped and failed devices for the banner; the run stream keeps them all. */
const BANNER_DETAIL_LIMIT = 1000;

/**
 * Pulls every managed device of one source into the register. Devices that fail are reported and the
 * run goes on; a source lost half-way fails the run, keeping what was applied. When this returns, the
 * register and the audit log already show the run.
 */
export class ImportFromMdm {
  private readonly pages: PageImporter;

  constructor(private readonly deps: ImportFromMdmDeps) {
    this.pages = new PageImporter(deps.store, deps.users, deps.tags, deps.ids);
  }

  async execute(command: ImportFromMdmCommand, onProgress?: (progress: ImportProgress) => void): Promise<ImportResult> {
    const { deps } = this;
    const source = await deps.sources.open(command.source);
    const convention = validateConvention(await deps.settings.assetTagConvention());
    const run = await ImportRunRecorder.start(deps.store, {
      source: command.source,
      runId: deps.ids.newId(),
      triggeredBy: command.triggeredBy,
      staleAfterMs: deps.staleRunAfterMs,
      now: this.now(),
    });
    const context: PageContext = { runId: run.runId, now: this.now(), convention, seen: new Map() };
    const skipped: DeviceOutcome[] = [];
    const failed: DeviceOutcome[] = [];
    let failure: string | null = null;
    let ended: RunEnded;
    let seenDevices = 0;
    let page = 0;
    try {
      for await (const devices of source.devices()) {
        context.now = this.now();
        const outcomes = await this.pages.importPage(devices, context);
        await run.recordPage(outcomes, this.now());
        // Project each page while the connector fetches the next one: the work overlaps the network
        // wait, and the register fills as the run goes rather than all at the end.
        await deps.projections.catchUp();
        for (const outcome of outcomes) {
          if (outcome.outcome === 'skipped' && skipped.length < BANNER_DETAIL_LIMIT) skipped.push(outcome);
          if (outcome.outcome === 'error' && failed.length < BANNER_DETAIL_LIMIT) failed.push(outcome);
        }
        seenDevices += devices.length;
        onProgress?.({ page: ++page, devices: seenDevices });
      }
      ended = await run.complete(this.now());
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      ended = await run.fail(failure, this.now());
    }
    await deps.projections.catchUp();
    const finishedAt = this.now();
    const result: ImportResult = {
      runId: run.runId,
      source: command.source,
      status: failure ? 'failed' : 'completed',
      triggeredBy: command.triggeredBy,
      startedAt: run.startEvent.data.startedAt,
      finishedAt,
      durationMs: Date.parse(finishedAt) - Date.parse(run.startEvent.data.startedAt),
      counts: ended.data.counts,
      skippedDevices: skipped,
      failedDevices: failed,
      failure,
    };
    if (failure) throw new ImportRunFailed(result);
    return result;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}
