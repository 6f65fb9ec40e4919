import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import { devicesRead as readIn, type DeviceOutcome, type MissingDevice, type OutcomeKind, type RunCounts } from '../../domain/import-run/outcome.js';
import type { ImportResult } from '../commands/import-result.js';
import type { Clock } from '../ports/clock.js';
import type { Projections } from '../ports/projections.js';
import type { AuditEntry, AuditLogQueries } from '../ports/read-models.js';
import type { ImportHistory, RunDetail, RunDetailOptions } from './import-history.js';

/** A run as a progress bar shows it, running or ended. */
export interface RunProgressView {
  runId: string;
  source: MdmSourceName;
  status: AuditEntry['status'];
  triggeredBy: string;
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  counts: RunCounts;
  /** MDM entries read so far, whatever became of them. */
  devicesRead: number;
  /** The bar's end: what the MDM announced, else what the last completed run read; null when neither is known. */
  total: number | null;
  totalFrom: 'mdm' | 'last-run' | null;
  elapsedMs: number;
  /** At the pace so far; null until there is a pace and a total. */
  estimatedRemainingMs: number | null;
  lastActivityAt: string;
  failureReason: string | null;
}

const BANNER_OUTCOMES: readonly OutcomeKind[] = ['skipped', 'error'];
/** The banner lists at most this many devices of each kind, as the import's own does. */
const BANNER_LIMIT = 1000;

/** The skipped, failed and missing devices a banner lists, kept as a run's events go by: at most BANNER_LIMIT each. */
class BannerOutcomes {
  readonly skipped: DeviceOutcome[] = [];
  readonly failed: DeviceOutcome[] = [];
  readonly missing: MissingDevice[] = [];

  keep(read: readonly DeviceOutcome[]): void {
    for (const o of read) {
      const list = o.outcome === 'skipped' ? this.skipped : o.outcome === 'error' ? this.failed : null;
      if (list && list.length < BANNER_LIMIT) list.push(o);
    }
  }

  keepMissing(read: readonly MissingDevice[]): void {
    this.missing.push(...read.slice(0, BANNER_LIMIT - this.missing.length));
  }
}

/** The result banner of an ended run, bounded like the one the import itself returns. */
function bannerOf(run: RunDetail, listed: BannerOutcomes): ImportResult {
  const finishedAt = run.finishedAt ?? run.startedAt;
  return {
    runId: run.runId,
    source: run.source,
    status: run.status === 'failed' ? 'failed' : 'completed',
    triggeredBy: run.triggeredBy,
    startedAt: run.startedAt,
    finishedAt,
    durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(run.startedAt)),
    counts: run.counts,
    skippedDevices: listed.skipped,
    failedDevices: listed.failed,
    missingDevices: listed.missing,
    warnings: run.warnings,
    failure: run.failureReason,
  };
}

/**
 * Progress read from the audit log, which the run updates page by page: any instance answers it, for
 * runs started by the API, the CLI or a schedule alike, without reading the run's per-device outcomes.
 */
export class RunProgress {
  constructor(
    private readonly auditLog: AuditLogQueries,
    private readonly projections: Projections,
    private readonly history: ImportHistory,
    private readonly clock: Clock,
  ) {}

  async of(runId: string): Promise<RunProgressView | null> {
    let entry = await this.auditLog.byRunId(runId);
    if (!entry) {
      // A run just started is in the stream before the audit log shows it.
      await this.projections.catchUp();
      entry = await this.auditLog.byRunId(runId);
    }
    return entry ? this.view(entry) : null;
  }

  /**
   * The run once it has ended, with its banner: every device's outcome, or only those of the kinds
   * asked, and its missing devices, in the detail or handed to `onOutcomes` and `onMissing` as they
   * are read. The banner lists the skipped and failed devices whatever is asked, so those are read too.
   */
  async ended(runId: string, { outcomes, onOutcomes, onMissing }: Omit<RunDetailOptions, 'missing'> = {}): Promise<{ detail: RunDetail; banner: ImportResult } | null> {
    const shown = (o: DeviceOutcome) => !outcomes || outcomes.includes(o.outcome);
    const forBanner = new BannerOutcomes();
    const handOver = onOutcomes && (async (read: DeviceOutcome[]) => {
      forBanner.keep(read);
      const wanted = read.filter(shown);
      if (wanted.length > 0) await onOutcomes(wanted);
    });
    const handOverMissing = onMissing && (async (read: MissingDevice[]) => {
      forBanner.keepMissing(read);
      await onMissing(read);
    });
    const read = outcomes ? [...new Set<OutcomeKind>([...outcomes, ...BANNER_OUTCOMES])] : undefined;
    const detail = await this.history.run(runId, { ...(read ? { outcomes: read } : {}), ...(handOver ? { onOutcomes: handOver } : {}), ...(handOverMissing ? { onMissing: handOverMissing } : {}) });
    if (!detail || detail.status === 'running') return null;
    forBanner.keep(detail.outcomes);
    forBanner.keepMissing(detail.missing);
    return { detail: { ...detail, outcomes: detail.outcomes.filter(shown) }, banner: bannerOf(detail, forBanner) };
  }

  /** The banner of an ended run alone: what it lists is kept as the run is read, and nothing more is held. */
  async banner(runId: string): Promise<ImportResult | null> {
    return (await this.ended(runId, { outcomes: [], onMissing: async () => undefined }))?.banner ?? null;
  }

  private async view(entry: AuditEntry): Promise<RunProgressView> {
    const devicesRead = readIn(entry.counts);
    const running = entry.status === 'running';
    const end = running ? this.clock.now().toISOString() : (entry.finishedAt ?? entry.lastActivityAt);
    const elapsedMs = Math.max(0, Date.parse(end) - Date.parse(entry.startedAt));
    let total: number | null = running ? entry.announcedTotal : devicesRead;
    let totalFrom: RunProgressView['totalFrom'] = total === null ? null : 'mdm';
    if (running && total === null) {
      total = await this.lastRunTotal(entry);
      totalFrom = total === null ? null : 'last-run';
    }
    if (total !== null) total = Math.max(total, devicesRead);
    const estimatedRemainingMs = running && total !== null && devicesRead > 0 ? Math.round((elapsedMs / devicesRead) * (total - devicesRead)) : running ? null : 0;
    return {
      runId: entry.runId,
      source: entry.source,
      status: entry.status,
      triggeredBy: entry.triggeredBy,
      startedAt: entry.startedAt,
      finishedAt: entry.finishedAt,
      pages: entry.pages ?? 0,
      counts: entry.counts,
      devicesRead,
      total,
      totalFrom,
      elapsedMs,
      estimatedRemainingMs,
      lastActivityAt: entry.lastActivityAt ?? entry.startedAt,
      failureReason: entry.failureReason,
    };
  }

  /** Graph announces no total: the last completed run of the source is the best guess of the fleet's size. */
  private async lastRunTotal(entry: AuditEntry): Promise<number | null> {
    const runs = await this.auditLog.list({ source: entry.source, to: entry.startedAt, limit: 10 });
    const last = runs.find((r) => r.runId !== entry.runId && r.status === 'completed');
    return last ? readIn(last.counts) : null;
  }
}
