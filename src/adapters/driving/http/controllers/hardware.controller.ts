import type { Request, Response } from 'express';
import { inject, injectable } from 'inversify';
import type { HandEdits } from '../../../../application/commands/hand-edits.js';
import type { HardwareHistory } from '../../../../application/queries/hardware-history.js';
import type { LookupBySerial } from '../../../../application/queries/lookup-by-serial.js';
import type { RegisterView } from '../../../../application/queries/register-view.js';
import type { HardwareRecord, HardwareRegisterQueries, RegisterFilter } from '../../../../application/ports/read-models.js';
import { streamRegisterCsv, type RegisterExportMetrics } from '../register-csv.js';
import { nextCursor, positionAfter } from '../register-cursor.js';
import { TOKENS } from '../../../../application/tokens.js';
import { EditHardwareDto, HardwareQueryDto, LookupQueryDto, RegisterHardwareDto } from '../dtos.js';
import { parseBody, parseQuery } from '../validation.js';
import { BadRequest } from '../problem.js';
import { entityTagOf, ifMatchHolds, readIfMatch } from '../entity-tag.js';
import { HardwareChangedSinceRead } from '../../../../application/commands/hand-edits.js';

async function registerFilter(request: Request): Promise<RegisterFilter> {
  const q = await parseQuery(HardwareQueryDto, request.query as Record<string, unknown>, ['offset', 'limit']);
  const filter: RegisterFilter = { serial: q.serial, assetTag: q.assetTag, assigneeEmail: q.assignee, status: q.status, category: q.category, source: q.source, missingFrom: q.missingFrom, text: q.q, offset: q.offset, limit: q.limit, sort: q.sort, order: q.order };
  return q.after !== undefined ? { ...filter, after: positionAfter(q.after, filter) } : filter;
}

/** Paging the search reads and the export does not. */
const EXPORT_REFUSES = ['offset', 'limit', 'after'];
const EXPORT_FIX = 'Leave offset, limit and after out; to read part of the register, page through GET /api/hardware with the same filters.';

/** A record with its strong ETag: what a later If-Match names. */
function sendRecord(response: Response, record: HardwareRecord): void {
  response.setHeader('ETag', entityTagOf(record));
  response.json(record);
}

/** The hardware register as the Hardware screens use it. */
@injectable()
export class HardwareController {
  constructor(
    @inject(TOKENS.HardwareRegisterQueries) private readonly register: HardwareRegisterQueries,
    @inject(TOKENS.HandEdits) private readonly edits: HandEdits,
    @inject(TOKENS.LookupBySerial) private readonly lookupBySerial: LookupBySerial,
    @inject(TOKENS.HardwareHistory) private readonly history: HardwareHistory,
    @inject(TOKENS.RegisterView) private readonly view: RegisterView,
  ) {}

  search = async (request: Request, response: Response) => {
    const filter = await registerFilter(request);
    const page = await this.view.search(filter);
    response.json({ ...page, next: nextCursor(page, filter) });
  };

  exportMetrics?: RegisterExportMetrics;

  /** The filtered register as CSV, every row, streamed. A page asked for is refused: the file would hold more than asked. */
  exportCsv = async (request: Request, response: Response) => {
    const paging = EXPORT_REFUSES.filter((name) => Object.hasOwn(request.query, name));
    if (paging.length > 0) {
      const problems = paging.map((field) => ({ field, message: `${field} is not read by the export, which gives every matching row` }));
      throw new BadRequest(`The export gives every matching row; ${paging.join(', ')} would not be read.`, problems, 400, EXPORT_FIX);
    }
    const filter = await registerFilter(request);
    await streamRegisterCsv(this.register, filter, response, this.exportMetrics);
  };

  one = async (request: Request, response: Response) => {
    sendRecord(response, await this.view.byId(String(request.params.id)));
  };

  events = async (request: Request, response: Response) => {
    response.json(await this.history.of(String(request.params.id)));
  };

  create = async (request: Request, response: Response) => {
    const body = await parseBody(RegisterHardwareDto, request.body);
    sendRecord(response.status(201), await this.view.shown(await this.edits.register({ ...body }, request.principal!.email)));
  };

  /** With If-Match, the edit is made on the record as read (its ETag) or not at all. */
  update = async (request: Request, response: Response) => {
    const id = String(request.params.id);
    const body = await parseBody(EditHardwareDto, request.body);
    const ifMatch = readIfMatch(request);
    let readAt: number | undefined;
    if (ifMatch !== null) {
      const current = await this.view.byId(id);
      if (!ifMatchHolds(ifMatch, entityTagOf(current))) throw new HardwareChangedSinceRead(current.serial);
      if (ifMatch !== '*') readAt = current.revision;
    }
    sendRecord(response, await this.view.shown(await this.edits.edit(id, { ...body }, request.principal!.email, readAt)));
  };

  lookup = async (request: Request, response: Response) => {
    const q = await parseQuery(LookupQueryDto, request.query as Record<string, unknown>);
    response.json(await this.lookupBySerial.lookup(q.source, q.serial));
  };
}
