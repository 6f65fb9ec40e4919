import type { Request, Response } from 'express';
import { inject, injectable } from 'inversify';
import type { ImportFromMdm } from '../../../../application/commands/import-from-mdm.js';
import type { Integrations } from '../../../../application/integrations.js';
import type { ImportHistory } from '../../../../application/queries/import-history.js';
import type { AuditLogQueries } from '../../../../application/ports/read-models.js';
import type { Projections } from '../../../../application/ports/projections.js';
import { TOKENS } from '../../../../application/tokens.js';
import { RunsQueryDto } from '../dtos.js';
import { BadRequest } from '../problem.js';
import { parseQuery } from '../validation.js';
import { sourceParam } from './integrations.controller.js';

/** Admin → Bulk import, the import history auditors read, the audit log, and rebuild. */
@injectable()
export class BulkImportController {
  constructor(
    @inject(TOKENS.ImportFromMdm) private readonly importer: ImportFromMdm,
    @inject(TOKENS.ImportHistory) private readonly history: ImportHistory,
    @inject(TOKENS.Integrations) private readonly integrations: Integrations,
    @inject(TOKENS.AuditLogQueries) private readonly auditLog: AuditLogQueries,
    @inject(TOKENS.Projections) private readonly projections: Projections,
  ) {}

  overview = async (_request: Request, response: Response) => {
    const cards = await this.integrations.list();
    response.json(
      await Promise.all(
        cards.map(async (card) => ({ source: card.source, name: card.name, status: card.status, missing: card.missing, lastRun: (await this.auditLog.list({ source: card.source, limit: 1 }))[0] ?? null })),
      ),
    );
  };

  run = async (request: Request, response: Response) => {
    const source = sourceParam(request);
    response.json(await this.importer.execute({ source, triggeredBy: request.principal!.email }));
  };

  runs = async (request: Request, response: Response) => {
    const query = await parseQuery(RunsQueryDto, request.query as Record<string, unknown>, ['limit']);
    const runs = await this.history.runs({ source: query.source, from: query.from, to: query.to });
    response.json(query.limit ? runs.slice(0, query.limit) : runs);
  };

  runDetail = async (request: Request, response: Response) => {
    const run = await this.history.run(String(request.params.runId));
    if (!run) throw new BadRequest(`No import run ${request.params.runId} in the event stream.`, [{ field: 'runId', message: 'unknown run' }], 404);
    response.json(run);
  };

  auditLogEntries = async (request: Request, response: Response) => {
    const query = await parseQuery(RunsQueryDto, request.query as Record<string, unknown>, ['limit']);
    response.json(await this.auditLog.list(query));
  };

  rebuild = async (_request: Request, response: Response) => {
    response.json(await this.projections.rebuild());
  };
}
