import { validateConvention } from '../../domain/hardware/asset-tag.js';
import type { HardwareEvent } from '../../domain/hardware/events.js';
import { IDENTITY_FIELDS } from '../../domain/hardware/identity.js';
import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import { sourceDisplayName } from '../../domain/hardware/mdm-source.js';
import type { Hardware } from '../../domain/hardware/state.js';
import type { ImportResult } from './import-result.js';
import { addOutcomes, noCounts, type DeviceOutcome, type MissingDevice } from '../../domain/import-run/outcome.js';
import type { ImportPreviewed } from '../../domain/import-run/preview.js';
import type { ImportFromMdmCommand, ImportFromMdmDeps } from './import-from-mdm.js';
import { interruptible } from './interruptible.js';
import { MissingDevices, notWhole } from './missing-devices.js';
import { PageImporter, wasListed, type PageContext } from './page-importer.js';
import { previewsStream } from '../streams.js';
import { lastCompleteListingAt } from '../import-run-recorder.js';

/** One field an import would change: the register's value now, and the MDM's. */
export interface FieldChange {
  field: (typeof IDENTITY_FIELDS)[number];
  from: string | null;
  to: string;
}

/** A record an import would update, and how. */
export interface PreviewedUpdate {
  serial: string;
  assetTag: string;
  name: string;
  sourceDeviceId: string;
  changes: FieldChange[];
  /** What else it would record, in words (listed again, assigned, also reported by …). */
  notes: string[];
}

/** A record an import would create (its asset tag is given only when it is created). */
export interface PreviewedCreation {
  serial: string;
  name: string;
  model: string | null;
  category: string;
  sourceDeviceId: string;
  assigneeEmail: string | null;
}

/** The banner an import would show, plus what it would do to each record. */
export interface PreviewResult extends Omit<ImportResult, 'runId'> {
  previewId: string;
  created: PreviewedCreation[];
  updated: PreviewedUpdate[];
  /** Each list holds at most this many entries; the counts are whole. */
  listLimit: number;
}

const LIST_LIMIT = 1000;

/** The preview could not read the whole listing; what it saw is in the result. */
export class PreviewFailed extends Error {
  constructor(
    readonly result: PreviewResult,
    override readonly cause?: unknown,
  ) {
    super(`The preview of ${sourceDisplayName(result.source)} stopped: ${result.failure}`);
    this.name = 'PreviewFailed';
  }
}

function notesOf(events: readonly HardwareEvent[]): string[] {
  const notes: string[] = [];
  for (const event of events) {
    if (event.type === 'HardwareSeenAgainInMdm') notes.push(`${sourceDisplayName(event.data.source)} lists it again (missing since ${event.data.missingSince})`);
    if (event.type === 'HardwareSourceLinked') notes.push(`Also reported by ${sourceDisplayName(event.data.source)} device ${event.data.sourceDeviceId}`);
    if (event.type === 'HardwareAssigned') notes.push(`Assigned to ${event.data.assignee.name} <${event.data.assignee.email}>`);
  }
  return notes;
}

/**
 * What an import would do, decided by the very code an import runs, with nothing appended to any
 * hardware stream and no asset tag reserved. Only the fact that someone looked is recorded.
 */
export class PreviewImport {
  private readonly pages: PageImporter;
  private readonly missing: MissingDevices;

  constructor(private readonly deps: ImportFromMdmDeps) {
    this.pages = new PageImporter(deps.store, deps.users, deps.tags, deps.ids, null, deps.snapshots, deps.decisionBatch);
    this.missing = new MissingDevices(deps.store, deps.register, deps.snapshots);
  }

  async execute(command: ImportFromMdmCommand): Promise<PreviewResult> {
    const { deps } = this;
    const source = await deps.sources.open(command.source);
    const convention = validateConvention(await deps.settings.assetTagConvention());
    const startedAt = this.now();
    const created: PreviewedCreation[] = [];
    const updated: PreviewedUpdate[] = [];
    const skipped: DeviceOutcome[] = [];
    const failed: DeviceOutcome[] = [];
    const warnings: string[] = [];
    let missing: MissingDevice[] = [];
    let counts = noCounts();
    let failure: string | null = null;
    let cause: unknown = null;
    const precedence = await deps.settings.sourcePrecedence();
    const context: PageContext = { runId: `preview`, now: startedAt, convention, seen: new Map(), listed: new Set(), listedIds: new Set(), unreadable: 0, dryRun: true, precedence };
    try {
      for await (const page of interruptible(source.devices(), deps.shutdown)) {
        warnings.push(...(page.warnings ?? []));
        const decided = new Map<number, { events: readonly HardwareEvent[]; before: Hardware }>();
        context.now = this.now();
        context.decided = (index, events, before) => decided.set(index, { events, before });
        const outcomes = await this.pages.importPage(page, context);
        outcomes.forEach((outcome, index) => this.describe(outcome, decided.get(index), { created, updated, skipped, failed }));
        counts = addOutcomes(counts, outcomes);
      }
      const why = notWhole(command.source, warnings, context.unreadable);
      if (why) warnings.push(why);
      else {
        missing = await this.missing.mark({ source: command.source, runId: 'preview', now: this.now(), listed: (serial) => wasListed(context, serial), listedIds: context.listedIds, lastCompleteListingAt: await lastCompleteListingAt(deps.store, command.source), dryRun: true });
        counts = { ...counts, missing: missing.length };
      }
    } catch (error) {
      cause = error;
      failure = error instanceof Error ? error.message : String(error);
    }
    const finishedAt = this.now();
    const previewId = deps.ids.newId();
    const recorded: ImportPreviewed = { type: 'ImportPreviewed', data: { previewId, source: command.source, triggeredBy: command.triggeredBy, startedAt, finishedAt, counts, warnings, failure } };
    await deps.store.append(previewsStream(command.source), [recorded], 'any');
    const result: PreviewResult = {
      previewId,
      source: command.source,
      status: failure === null ? 'completed' : 'failed',
      triggeredBy: command.triggeredBy,
      startedAt,
      finishedAt,
      durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
      counts,
      created,
      updated,
      skippedDevices: skipped,
      failedDevices: failed,
      missingDevices: missing.slice(0, LIST_LIMIT),
      warnings,
      failure,
      listLimit: LIST_LIMIT,
    };
    if (failure !== null) throw new PreviewFailed(result, cause);
    return result;
  }

  private describe(
    outcome: DeviceOutcome,
    decided: { events: readonly HardwareEvent[]; before: Hardware } | undefined,
    lists: { created: PreviewedCreation[]; updated: PreviewedUpdate[]; skipped: DeviceOutcome[]; failed: DeviceOutcome[] },
  ): void {
    const room = (list: unknown[]) => list.length < LIST_LIMIT;
    if (outcome.outcome === 'skipped' && room(lists.skipped)) lists.skipped.push(outcome);
    if (outcome.outcome === 'error' && room(lists.failed)) lists.failed.push(outcome);
    const events = decided?.events ?? [];
    const imported = events.find((e) => e.type === 'HardwareImported');
    if (outcome.outcome === 'created' && imported && room(lists.created)) {
      const d = imported.data;
      lists.created.push({ serial: d.serial, name: d.name, model: d.model, category: d.category, sourceDeviceId: d.sourceDeviceId, assigneeEmail: d.assignee?.email ?? null });
    }
    if (outcome.outcome === 'updated' && decided?.before.exists && room(lists.updated)) {
      const changes: FieldChange[] = [];
      for (const event of events) {
        if (event.type !== 'HardwareIdentityUpdated') continue;
        for (const field of IDENTITY_FIELDS) {
          const change = event.data.changes[field];
          if (change) changes.push({ field, from: change.from, to: change.to });
        }
      }
      const before = decided.before;
      lists.updated.push({ serial: before.serial, assetTag: before.assetTag, name: before.name, sourceDeviceId: outcome.sourceDeviceId, changes, notes: notesOf(events) });
    }
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}
