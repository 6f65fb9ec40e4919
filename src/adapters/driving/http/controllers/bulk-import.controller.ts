import type { Request, Response } from 'express';
import { inject, injectable } from 'inversify';
import type { BackgroundImports, StartedRun } from '../../../../application/background-imports.js';
import type { RetryFailedDevices } from '../../../../application/commands/retry-failed-devices.js';
import type { RunProgress } from '../../../../application/queries/run-progress.js';
import type { PreviewImport } from '../../../../application/commands/preview-import.js';
import type { ScheduledImports } from '../../../../application/scheduled-imports.js';
import type { Integrations } from '../../../../application/integrations.js';
import type { ImportHistory } from '../../../../application/queries/import-history.js';
import type { AuditLogQueries } from '../../../../application/ports/read-models.js';
import type { Projections } from '../../../../application/ports/projections.js';
import { TOKENS } from '../../../../application/tokens.js';
import { outcomeKinds, RunDetailQueryDto, RunsQueryDto, runsFilter } from '../dtos.js';
import { BadRequest } from '../problem.js';
import { parseQuery } from '../validation.js';
import { sourceParam } from './integrations.controller.js';
import { preferredWait } from '../prefer.js';
import { streamRunEvents } from '../run-events.js';
import { StreamedJsonObject } from '../../streamed-json.js';
import { ClientGone, responseSink } from '../streamed-json.js';
import { setTimeout as sleep } from 'node:timers/promises';

function unknownRun(runId: string): BadRequest {
  const message = 'unknown run: list runs with GET /api/admin/bulk-import/mdm/runs';
  return new BadRequest(`No import run ${JSON.stringify(runId.slice(0, 100))} in the event stream.`, [{ field: 'runId', message }], 404, 'Use a runId from GET /api/admin/bulk-import/mdm/runs.');
}

/** Admin → Bulk import, the import history auditors read, the audit log, and rebuild. */
@injectable()
export class BulkImportController {
  constructor(
    @inject(TOKENS.BackgroundImports) private readonly imports: BackgroundImports,
    @inject(TOKENS.RunProgress) private readonly progress: RunProgress,
    @inject(TOKENS.PreviewImport) private readonly previewer: PreviewImport,
    @inject(TOKENS.ScheduledImports) private readonly schedules: ScheduledImports,
    @inject(TOKENS.RetryFailedDevices) private readonly retries: RetryFailedDevices,
    @inject(TOKENS.ImportHistory) private readonly history: ImportHistory,
    @inject(TOKENS.Integrations) private readonly integrations: Integrations,
    @inject(TOKENS.AuditLogQueries) private readonly auditLog: AuditLogQueries,
    @inject(TOKENS.Projections) private readonly projections: Projections,
  ) {}

  /** Set by the server while it drains, so open event streams end and clients reconnect elsewhere. */
  stopping: () => boolean = () => false;

  overview = async (_request: Request, response: Response) => {
    const cards = await this.integrations.list();
    response.json(
      await Promise.all(
        cards.map(async (card) => ({
          source: card.source,
          name: card.name,
          status: card.status,
          missing: card.missing,
          lastRun: (await this.auditLog.list({ source: card.source, limit: 1 }))[0] ?? null,
          schedule: await this.schedules.view(card.source),
        })),
      ),
    );
  };

  /**
   * Starts the run and answers 202 with where to follow it; with `Prefer: wait=N` it holds the request
   * for up to N seconds and answers the banner (200, or the failure's problem) when the run ends in time.
   */
  run = async (request: Request, response: Response) => {
    const source = sourceParam(request);
    await this.answerStarted(request, response, await this.imports.start({ source, triggeredBy: request.principal!.email }));
  };

  /** Re-imports only the devices that failed in a run, as a new run linked to it; answered as an import is. */
  retry = async (request: Request, response: Response) => {
    const runId = String(request.params.runId);
    const started = await this.retries.start(runId, request.principal!.email);
    if (!started) throw unknownRun(runId);
    await this.answerStarted(request, response, started);
  };

  /** 202 with where to follow the run; with `Prefer: wait=N`, the banner when it ends within N seconds. */
  private async answerStarted(request: Request, response: Response, { runId, done }: StartedRun): Promise<void> {
    const wait = preferredWait(request.get('prefer'));
    if (wait !== null) {
      const timer = new AbortController();
      const timeUp = sleep(wait * 1000, null, { signal: timer.signal }).catch(() => null);
      const ended = await Promise.race([done.then((result) => ({ result }), (error: unknown) => ({ error })), timeUp]);
      timer.abort();
      if (ended && 'error' in ended) throw ended.error;
      if (ended) return void response.json(ended.result);
    }
    const location = `/api/admin/bulk-import/mdm/runs/${encodeURIComponent(runId)}`;
    response.status(202).location(location).json(await this.progress.of(runId));
  }

  /** What an import would do, changing nothing; recorded as a preview in the history. */
  preview = async (request: Request, response: Response) => {
    const source = sourceParam(request);
    response.json(await this.previewer.execute({ source, triggeredBy: request.principal!.email }));
  };

  /**
   * A run: its progress while it goes; once ended, every device's outcome (or those of the kinds in
   * `outcome`), the devices it found missing, and the banner as well. The outcomes and the missing
   * devices are written as the run's events are read: a run of 200,000 devices is some 36 MB of JSON,
   * which the server need not hold at once.
   */
  runDetail = async (request: Request, response: Response) => {
    const runId = String(request.params.runId);
    const { outcome } = await parseQuery(RunDetailQueryDto, request.query as Record<string, unknown>);
    const progress = await this.progress.of(runId);
    const running = () => response.json({ ...progress, progress, outcomes: null, missing: null, warnings: [] });
    if (progress?.status === 'running') return void running();
    const body = new StreamedJsonObject(responseSink(response));
    let ended: Awaited<ReturnType<RunProgress['ended']>>;
    try {
      ended = await this.progress.ended(runId, {
        ...(outcome ? { outcomes: outcomeKinds(outcome) } : {}),
        onOutcomes: (read) => body.add('outcomes', read),
        onMissing: (read) => body.add('missing', read),
      });
    } catch (error) {
      if (error instanceof ClientGone) return;
      throw error;
    }
    if (!ended && !progress) throw unknownRun(runId);
    if (!ended) return void running();
    if (!body.hasStarted) return void response.json({ ...ended.detail, progress, banner: ended.banner });
    await body.end({ ...ended.detail, progress, banner: ended.banner });
  };

  /** The same progress as Server-Sent Events until the run ends. */
  runEvents = async (request: Request, response: Response) => {
    const runId = String(request.params.runId);
    const first = await this.progress.of(runId);
    if (!first) throw unknownRun(runId);
    await streamRunEvents(response, runId, first, this.progress, { everyMs: 500, keepAliveMs: 15_000, stopping: () => this.stopping() });
  };

  runs = async (request: Request, response: Response) => {
    const query = runsFilter(await parseQuery(RunsQueryDto, request.query as Record<string, unknown>, ['limit']));
    response.json(await this.history.runs({ source: query.source, from: query.from, to: query.to, limit: query.limit }));
  };

  auditLogEntries = async (request: Request, response: Response) => {
    const query = runsFilter(await parseQuery(RunsQueryDto, request.query as Record<string, unknown>, ['limit']));
    response.json(await this.auditLog.list(query));
  };

  rebuild = async (_request: Request, response: Response) => {
    response.json(await this.projections.rebuild());
  };
}
