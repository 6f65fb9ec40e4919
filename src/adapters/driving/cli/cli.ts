import { constants, userInfo } from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { ImportFromMdm } from '../../../application/commands/import-from-mdm.js';
import { ImportRunFailed } from '../../../application/commands/import-result.js';
import { DependencyUnavailable } from '../../../application/ports/errors.js';
import { PreviewFailed, type PreviewImport } from '../../../application/commands/preview-import.js';
import type { HardwareHistory } from '../../../application/queries/hardware-history.js';
import { namedOtherwiseThanBySerial } from '../../../application/queries/hardware-by-id.js';
import type { ImportHistory } from '../../../application/queries/import-history.js';
import type { Projections } from '../../../application/ports/projections.js';
import type { HardwareRegisterQueries } from '../../../application/ports/read-models.js';
import { normaliseEmail } from '../../../domain/hardware/email-address.js';
import { readSerial, TYPED_SERIAL } from '../../../domain/hardware/serial-number.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { isMdmSource, MDM_SOURCES, type MdmSourceName } from '../../../domain/hardware/mdm-source.js';
import type { SqliteUserDirectory } from '../../driven/sqlite/sqlite-user-directory.js';
import { HardwareQueryDto, outcomeKinds, RunDetailQueryDto, RunsQueryDto, runsFilter } from '../http/dtos.js';
import { BadRequest } from '../http/problem.js';
import { parseQuery } from '../http/validation.js';
import { banner, previewReport, registerTable, runsTable } from './format.js';
import { printable } from './printable.js';
import type { ProgressDisplay } from './progress.js';
import { runDetailOutput, type Write } from './run-detail-output.js';
import { recordEventsText } from './record-events.js';
import { readUsersFile } from './users-file.js';

export interface CliServices {
  importer: ImportFromMdm;
  previewer: PreviewImport;
  history: ImportHistory;
  hardwareHistory: HardwareHistory;
  register: HardwareRegisterQueries;
  projections: Projections;
  users: Pick<SqliteUserDirectory, 'upsert'>;
}

/**
 * Opens the store a command works on, when the command runs: help and a mistake in the call open
 * none. Only a command that fills the store (`users load`) may make a new one.
 */
export type OpenServices = (purpose: { mayCreateStore: boolean }) => Promise<CliServices>;

const EXISTING_STORE = { mayCreateStore: false };

export interface CliIo {
  out: (text: string) => void;
  /**
   * Writes a piece of a long output (every device of a run) as it is read, without a line break of
   * its own; resolves once the output has taken it, rejects with `OutputClosed` once nobody reads it.
   */
  write: Write;
  err: (text: string) => void;
  /** How a run's progress is shown (a bar on a terminal, a line per page otherwise); none under --json. */
  progress?: () => ProgressDisplay;
}

/** Whoever read the output stopped reading (`history <runId> | head`): the rest is for nobody. */
export class OutputClosed extends Error {
  constructor() {
    super('The reader of the output closed it.');
  }
}

/** The status of a program whose reader went away, as the shell reports one that SIGPIPE ended. */
export const OUTPUT_CLOSED_EXIT = 128 + constants.signals.SIGPIPE;

/** A mistake in how the command was called: exit 2. */
class UsageError extends Error {}

/** The store could not be opened: said on stderr, --json or not, as a program that cannot start says it. */
class StoreNotOpened extends Error {}

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

function source(value: string): MdmSourceName {
  if (!isMdmSource(value)) throw new InvalidArgumentError(`Source ${JSON.stringify(value)} is not one of ${MDM_SOURCES.join(', ')}.`);
  return value;
}

/** A serial typed on the command line, read as the register spells serials (upper case), or refused naming the fix. */
function typedSerial(value: string): string {
  try {
    const reading = readSerial(value, TYPED_SERIAL);
    if (reading.kind === 'serial') return reading.serial;
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(`<serial>: ${error.message}`);
    throw error;
  }
  throw new UsageError(`<serial>: ${JSON.stringify(value)} is not a serial. ${TYPED_SERIAL.fix}`);
}

/** The CLI option a query field is given by: q is --text, missingFrom is --missing-from. */
function optionOf(field: string): string {
  return field === 'q' ? 'text' : field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A query rule's message as the CLI's options name the field ("missingFrom must…" → "missing-from must…"). */
function inOptionTerms(field: string, message: string): string {
  return message.startsWith(`${field} `) ? `${optionOf(field)}${message.slice(field.length)}` : message;
}

/** Filters are checked by the same rules as the HTTP API's query strings. */
async function checked<T extends object>(Dto: new () => T, values: Record<string, string | undefined>, numeric: string[] = [], refine: (query: T) => T = (query) => query): Promise<T> {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  try {
    return refine(await parseQuery(Dto, given, numeric));
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error;
    const fields = error.errors.map((e) => `--${optionOf(e.field)}: ${inOptionTerms(e.field, e.message)}`).join('; ');
    throw new UsageError(fields ? `${fields}${error.fix ? ` ${error.fix}` : ''}` : error.message);
  }
}

function program(open: OpenServices, io: CliIo, done: (code: number, human: string, data: unknown) => void): Command {
  const root = new Command('ontrackio-mdm')
    .description('Import managed devices from Microsoft Intune and Jamf Pro into the hardware register, and read what was done.')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });
  const json = (command: Command) => command.option('--json', 'machine-readable output');

  json(root.command('import').description('pull every managed device of the source into the register').argument('<source>', 'intune or jamf', source))
    .option('--by <email>', 'the person you act for (recorded as stated, beside this OS account)')
    .option('--dry-run', 'show what the import would do (fields old → new, missing devices) and change nothing')
    .action(async (name: MdmSourceName, options: { by?: string; json?: boolean; dryRun?: boolean }) => {
      const triggeredBy = operatorIdentity(options.by);
      if (options.dryRun) {
        try {
          const result = await (await open(EXISTING_STORE)).previewer.execute({ source: name, triggeredBy });
          return done(0, previewReport(result), result);
        } catch (error) {
          if (!(error instanceof PreviewFailed)) throw error;
          return done(1, previewReport(error.result), error.result);
        }
      }
      const display = options.json ? undefined : io.progress?.();
      try {
        const result = await (await open(EXISTING_STORE)).importer.execute({ source: name, triggeredBy }, display);
        display?.stop();
        done(0, banner(result), result);
      } catch (error) {
        display?.stop();
        if (!(error instanceof ImportRunFailed)) throw error;
        done(1, banner(error.result), error.result);
      }
    });

  json(root.command('history').description('import runs, read from the event stream (one run: every device)').argument('[runId]', 'one run in full'))
    .option('--source <source>', 'intune or jamf')
    .option('--from <iso>', 'runs started at or after (a date alone: from its start, in UTC)')
    .option('--to <iso>', 'runs started at or before (a date alone: to its end, in UTC)')
    .option('--limit <n>', 'the newest n runs (at most 1000)')
    .option('--outcome <kinds>', 'with a run id: only device outcomes of these kinds, comma-separated (skipped,error)')
    .action(async (runId: string | undefined, options: { source?: string; from?: string; to?: string; limit?: string; outcome?: string; json?: boolean }) => {
      if (options.outcome !== undefined && !runId) throw new UsageError('--outcome picks the devices of one run: give its run id first (ontrackio-mdm history <runId> --outcome error).');
      if (runId) {
        const { outcome } = await checked(RunDetailQueryDto, { outcome: options.outcome });
        const history = (await open(EXISTING_STORE)).history;
        const output = runDetailOutput(options.json === true, io.write);
        const run = await history.run(runId, { outcomes: outcomeKinds(outcome), ...output.handOver });
        if (!run) throw new UsageError(`No import run ${runId} in the event stream. List runs with: ontrackio-mdm history`);
        return output.end(run);
      }
      const filter = await checked(RunsQueryDto, { source: options.source, from: options.from, to: options.to, limit: options.limit }, ['limit'], runsFilter);
      const runs = await (await open(EXISTING_STORE)).history.runs(filter);
      done(0, runsTable(runs), runs);
    });

  json(root.command('register').description('the hardware register'))
    .option('--serial <serial>')
    .option('--text <text>', 'search names, serials, asset tags, models, assignees and MAC addresses (any notation)')
    .option('--assignee <email>')
    .option('--status <status>')
    .option('--category <category>')
    .option('--source <source>', 'intune or jamf')
    .option('--missing-from <source>', 'records intune or jamf reported and no longer lists')
    .option('--limit <n>', 'at most 1000')
    .option('--offset <n>')
    .action(async (options: Record<string, string | undefined>) => {
      const q = await checked(HardwareQueryDto, { serial: options.serial, q: options.text, assignee: options.assignee, status: options.status, category: options.category, source: options.source, missingFrom: options.missingFrom, limit: options.limit, offset: options.offset }, ['limit', 'offset']);
      const page = await (await open(EXISTING_STORE)).register.search({ serial: q.serial, text: q.q, assigneeEmail: q.assignee, status: q.status, category: q.category, source: q.source, missingFrom: q.missingFrom, limit: q.limit, offset: q.offset });
      done(0, registerTable(page), page);
    });

  json(root.command('events').description("a hardware record's events, oldest first: each import, change and hand edit, with its run or person").argument('<serial>'))
    .action(async (serial: string) => {
      const reading = typedSerial(serial);
      const services = await open(EXISTING_STORE);
      const found = await services.hardwareHistory.ofSerial(reading);
      if (!found) {
        const other = await namedOtherwiseThanBySerial(services.register, serial);
        if (other) throw new UsageError(`${serial.trim()} is the ${other.as} of ${other.record.assetTag}, whose serial is ${other.record.serial}: ontrackio-mdm events ${other.record.serial}`);
        throw new UsageError(`No hardware record has serial ${reading}. Search the register with: ontrackio-mdm register --text ${JSON.stringify(serial)}`);
      }
      const { record, events } = found;
      done(0, recordEventsText(record, events), { hardwareId: record.id, serial: record.serial, assetTag: record.assetTag, events });
    });

  json(root.command('rebuild').description('replay every event into fresh read models, then swap them in')).action(async () => {
    const report = await (await open(EXISTING_STORE)).projections.rebuild();
    done(0, `Rebuilt the register and audit log from ${report.events} events in ${report.durationMs} ms.`, report);
  });

  const users = root.command('users').description('the users that assignment matches');
  json(users.command('load').description('load users from a CSV (email, displayName, active, id) or JSON export').argument('<file>')).action(async (file: string) => {
    const rows = readUsersFile(file);
    const loaded = (await open({ mayCreateStore: true })).users.upsert(rows);
    done(0, `Loaded ${loaded} ${loaded === 1 ? 'user' : 'users'} from ${file}.`, { loaded, file });
  });
  return root;
}

/** Runs one CLI command; returns the process exit code (0 done, 1 failed, 2 called wrongly). */
export async function runCli(argv: string[], open: OpenServices, io: CliIo): Promise<number> {
  const asJson = argv.includes('--json');
  let code = 0;
  const done = (exit: number, human: string, data: unknown) => {
    code = exit;
    io.out(asJson ? JSON.stringify(data, null, 2) : printable(human, { keepLineBreaks: true }));
  };
  const fail = (exit: number, message: string) => {
    if (asJson) io.out(JSON.stringify({ error: { message, exitCode: exit } }));
    else io.err(printable(message, { keepLineBreaks: true }));
    return exit;
  };
  const opening: OpenServices = async (purpose) => {
    try {
      return await open(purpose);
    } catch (error) {
      throw new StoreNotOpened(error instanceof Error ? error.message : String(error));
    }
  };
  // Once part of an output is written, a failure is said on stderr: appended, it would read as the output's end.
  let inPieces = false;
  const pieces: CliIo = {
    ...io,
    write: (text) => {
      inPieces = true;
      return io.write(text);
    },
  };
  const root = program(opening, pieces, done);
  if (argv.length === 0) {
    io.err(root.helpInformation().trimEnd());
    return 2;
  }
  try {
    await root.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof OutputClosed) return OUTPUT_CLOSED_EXIT;
    if (inPieces) {
      const cause = error instanceof DependencyUnavailable ? `${error.message} ${error.fix}` : error instanceof Error ? error.message : String(error);
      io.err(printable(`The output stopped part-way, so what was written is incomplete: ${cause}${/[.!?]$/.test(cause) ? '' : '.'} Run the command again once that is fixed.`, { keepLineBreaks: true }));
      return 1;
    }
    if (error instanceof CommanderError) {
      // Commander has already said what was wrong, in one line; help and --version are not errors.
      return error.exitCode === 0 ? 0 : asJson ? fail(2, error.message) : 2;
    }
    if (error instanceof UsageError) return fail(2, error.message);
    if (error instanceof StoreNotOpened) {
      io.err(printable(error.message, { keepLineBreaks: true }));
      return 1;
    }
    // A store that cannot answer says what to do about it, as the HTTP API's problem does.
    if (error instanceof DependencyUnavailable) return fail(1, `${error.message} ${error.fix}`);
    return fail(1, error instanceof Error ? error.message : String(error));
  }
}
