import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { normaliseEmail } from '../../../domain/hardware/email-address.js';
import type { ImportFromMdm } from '../../../application/commands/import-from-mdm.js';
import { ImportRunFailed } from '../../../application/commands/import-result.js';
import type { ImportHistory } from '../../../application/queries/import-history.js';
import type { Projections } from '../../../application/ports/projections.js';
import type { HardwareRegisterQueries, RegisterFilter } from '../../../application/ports/read-models.js';
import { isMdmSource, MDM_SOURCES } from '../../../domain/hardware/mdm-source.js';
import type { SqliteUserDirectory } from '../../driven/sqlite/sqlite-user-directory.js';
import { banner, registerTable, runDetail, runsTable } from './format.js';
import { readUsersFile } from './users-file.js';

export interface CliServices {
  importer: ImportFromMdm;
  history: ImportHistory;
  register: HardwareRegisterQueries;
  projections: Projections;
  users: Pick<SqliteUserDirectory, 'upsert'>;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  progress?: (text: string) => void;
}

export const USAGE = `Usage: ontrackio-mdm <command> [options]

Commands
  import <intune|jamf> [--by EMAIL]     pull every managed device of the source into the register; recorded as
                                        run by this OS account, and for EMAIL when given
  history [RUN_ID] [--source S] [--from ISO] [--to ISO]
                                        import runs, read from the event stream (one run: every device)
  register [--serial S] [--text T] [--assignee EMAIL] [--status S] [--category C] [--source S] [--limit N] [--offset N]
                                        the hardware register
  rebuild                               replay every event into fresh read models, then swap them in
  users load <file.csv|file.json>       load the users that assignment matches (email, displayName, active, id)

Every command takes --json for machine-readable output.`;

class UsageError extends Error {}

function osAccount(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/**
 * Who a CLI import is recorded as: the OS account that ran it, which the CLI can vouch for, and an
 * email stated with --by, which it checks for shape only — the record says which is which.
 */
export function operatorIdentity(by: string | undefined, account = osAccount()): string {
  const ranAs = `cli:${account}`;
  if (by === undefined) return ranAs;
  const email = normaliseEmail(by);
  if (!email) throw new UsageError(`--by ${JSON.stringify(by)} is not an email address: give the address of the person you act for, or leave --by out.`);
  return `${email} (stated with --by; ran as ${ranAs})`;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`${what} is missing.`);
  return value;
}

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[], services: CliServices, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      by: { type: 'string' },
      source: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      serial: { type: 'string' },
      text: { type: 'string' },
      assignee: { type: 'string' },
      status: { type: 'string' },
      category: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const print = (human: string, data: unknown) => io.out(values.json ? JSON.stringify(data, null, 2) : human);
  const [command, ...rest] = positionals;
  try {
    if (values.help || !command) {
      io.out(USAGE);
      return command || values.help ? 0 : 2;
    }
    const source = values.source;
    if (source !== undefined && !isMdmSource(source)) throw new UsageError(`--source ${JSON.stringify(source)} is not one of ${MDM_SOURCES.join(', ')}.`);
    switch (command) {
      case 'import': {
        const name = need(rest[0], 'The source (intune or jamf)');
        if (!isMdmSource(name)) throw new UsageError(`Source ${JSON.stringify(name)} is not one of ${MDM_SOURCES.join(', ')}.`);
        try {
          const result = await services.importer.execute(
            { source: name, triggeredBy: operatorIdentity(values.by) },
            values.json ? undefined : ({ page, devices }) => io.progress?.(`page ${page}: ${devices} devices read`),
          );
          print(banner(result), result);
          return 0;
        } catch (error) {
          if (!(error instanceof ImportRunFailed)) throw error;
          print(banner(error.result), error.result);
          return 1;
        }
      }
      case 'history': {
        if (rest[0]) {
          const run = await services.history.run(rest[0]);
          if (!run) throw new UsageError(`No import run ${rest[0]} in the event stream. List runs with: history`);
          print(runDetail(run), run);
        } else {
          const runs = await services.history.runs({ source: source as never, from: values.from, to: values.to });
          print(runsTable(runs), runs);
        }
        return 0;
      }
      case 'register': {
        const filter: RegisterFilter = {
          serial: values.serial, text: values.text, assigneeEmail: values.assignee, status: values.status as never,
          category: values.category as never, source: source as never,
          limit: values.limit ? Number(values.limit) : undefined, offset: values.offset ? Number(values.offset) : undefined,
        };
        const page = await services.register.search(filter);
        print(registerTable(page), page);
        return 0;
      }
      case 'rebuild': {
        const report = await services.projections.rebuild();
        print(`Rebuilt the register and audit log from ${report.events} events in ${report.durationMs} ms.`, report);
        return 0;
      }
      case 'users': {
        if (rest[0] !== 'load') throw new UsageError('Use: users load <file.csv|file.json>');
        const file = need(rest[1], 'The users file');
        const loaded = services.users.upsert(readUsersFile(file));
        print(`Loaded ${loaded} users from ${file}.`, { loaded, file });
        return 0;
      }
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(error instanceof UsageError ? `${message}\n\n${USAGE}` : message);
    return error instanceof UsageError ? 2 : 1;
  }
}
