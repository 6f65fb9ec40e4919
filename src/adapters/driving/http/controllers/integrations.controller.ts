import type { Request, Response } from 'express';
import { inject, injectable } from 'inversify';
import type { Integrations, SettingsInputBySource } from '../../../../application/integrations.js';
import { isMdmSource, type MdmSourceName } from '../../../../domain/hardware/mdm-source.js';
import { TOKENS } from '../../../../application/tokens.js';
import { IntuneSettingsDto, JamfSettingsDto, ScheduleDto, SourcePrecedenceDto } from '../dtos.js';
import type { ScheduledImports } from '../../../../application/scheduled-imports.js';
import { BadRequest } from '../problem.js';
import { parseBody } from '../validation.js';

export function sourceParam(request: Request): MdmSourceName {
  const source = request.params.source;
  if (!isMdmSource(source)) {
    throw new BadRequest(`Source ${JSON.stringify(String(source).slice(0, 100))} is not intune or jamf.`, [{ field: 'source', message: 'source must be intune or jamf' }], 404, 'Use intune or jamf in the address.');
  }
  return source;
}

function settingsBody(source: MdmSourceName, body: unknown) {
  return source === 'intune' ? parseBody(IntuneSettingsDto, body) : parseBody(JamfSettingsDto, body);
}

/** Settings → Integrations: a card per source; secrets go in, never out. */
@injectable()
export class IntegrationsController {
  constructor(
    @inject(TOKENS.Integrations) private readonly integrations: Integrations,
    @inject(TOKENS.ScheduledImports) private readonly schedules: ScheduledImports,
  ) {}

  precedence = async (_request: Request, response: Response) => {
    response.json(await this.integrations.precedence());
  };

  savePrecedence = async (request: Request, response: Response) => {
    response.json(await this.integrations.savePrecedence({ ...(await parseBody(SourcePrecedenceDto, request.body)) }));
  };

  saveSchedule = async (request: Request, response: Response) => {
    const source = sourceParam(request);
    response.json(await this.schedules.save(source, await parseBody(ScheduleDto, request.body)));
  };

  list = async (_request: Request, response: Response) => {
    response.json(await this.integrations.list());
  };

  save = async (request: Request, response: Response) => {
    const source = sourceParam(request);
    const input = (await settingsBody(source, request.body)) as SettingsInputBySource[typeof source];
    response.json(await this.integrations.save(source, input));
  };

  test = async (request: Request, response: Response) => {
    const source = sourceParam(request);
    const hasValues = request.body && typeof request.body === 'object' && Object.keys(request.body).length > 0;
    const unsaved = hasValues ? ((await settingsBody(source, request.body)) as SettingsInputBySource[typeof source]) : undefined;
    response.json(await this.integrations.test(source, request.principal!.email, unsaved));
  };
}
