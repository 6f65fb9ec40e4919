import type { Container } from 'inversify';
import { OUTPUT_CLOSED_EXIT, OutputClosed, runCli, type CliServices, type OpenServices } from '../adapters/driving/cli/cli.js';
import { progressBar, progressLines } from '../adapters/driving/cli/progress.js';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { ConfigurationError, loadConfig, type Config } from './config.js';
import { boundHeapGrowth } from './heap-growth.js';
import { buildContainer, checkStartup, closeContainer } from './container.js';
import { TOKENS } from '../application/tokens.js';

/** `users load` fills the embedded store's users table; on MongoDB the monolith owns the users. */
function usersLoader(directory: unknown): CliServices['users'] {
  if (directory && typeof (directory as { upsert?: unknown }).upsert === 'function') return directory as CliServices['users'];
  return {
    upsert: () => {
      throw new Error("users load fills the embedded store's users table; with MongoDB, assignment reads the monolith's users collection (MONGODB_USERS_COLLECTION) instead.");
    },
  };
}

/**
 * The CLI reads and changes a store the server made; it makes none, but for `users load` (people are
 * loaded before the first import). On a DATA_FILE that is not there (a typo, another folder), a new
 * empty store would answer "no runs" and "no records" as if that were the truth.
 */
function refuseMissingStore(config: Config): void {
  if (config.dataFile === ':memory:' || (config.eventStoreConnectionString && config.mongodbUri) || existsSync(config.dataFile)) return;
  throw new ConfigurationError(
    'DATA_FILE',
    `${config.dataFile} does not exist: there is no store there, and the CLI makes none.`,
    'Set DATA_FILE to the store file the server uses (its default is ./data/ontrackio.sqlite; after npm run demo, data/demo.sqlite), or start the server once to make a new store.',
  );
}

/**
 * Ctrl-C (or SIGTERM) during an import stops it as a server's shutdown does: between pages, or while
 * one is awaited, with the run recorded as interrupted rather than left running until its lease
 * lapses. A second signal quits at once. Other commands stop at the first, as any program does.
 * `stoppedWith` gives the signal's exit status once one came (128 + its number), else null; `done`
 * stops listening, and ends the process once an interrupted run is written out.
 */
function interruptImportOnSignal(argv: string[], shutdown: () => AbortController | undefined): { stoppedWith: () => number | null; done: () => void } {
  let status: number | null = null;
  if (argv[0] !== 'import') return { stoppedWith: () => status, done: () => undefined };
  const onSignal = (signal: NodeJS.Signals) => {
    const controller = shutdown();
    status = 128 + constants.signals[signal];
    if (!controller || controller.signal.aborted) process.exit(status);
    process.stderr.write(`${signal}: stopping the import at the page it is on; it will be recorded as interrupted. Send ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once.\n`);
    controller.abort(`the CLI was stopped (${signal})`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stoppedWith: () => status,
    done: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // The request for the page it was waiting on is still open, and would hold the process until it
      // times out; all that was to say is written once both streams are flushed.
      if (status !== null) process.stdout.write('', () => process.stderr.write('', () => process.exit(status!)));
    },
  };
}

/**
 * Standard output, written at the pace its reader takes it. A reader that stops early (`| head`)
 * makes writes fail with EPIPE: the output then ends quietly, with the status of a program SIGPIPE
 * ended, not an unhandled error. Any other failed write (a full disk) fails the command, and says so.
 */
function standardOutput(): { out: (text: string) => void; write: (text: string) => Promise<void>; flushed: () => Promise<void>; failure: () => NodeJS.ErrnoException | undefined } {
  let failure: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => (failure ??= error));
  const closed = (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? new OutputClosed() : error);
  return {
    failure: () => failure,
    flushed: () => new Promise((resolve) => process.stdout.write('', () => resolve())),
    out: (text) => void (failure || process.stdout.write(`${text}\n`)),
    write: (text) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(closed(failure));
        process.stdout.write(text, (error) => (error ? reject(closed(error as NodeJS.ErrnoException)) : resolve()));
      }),
  };
}

/** The exit status once standard output failed: the reader went away, or the output could not be written. */
function outputStatus(failure: NodeJS.ErrnoException | undefined, code: number): number {
  if (!failure) return code;
  if (failure.code === 'EPIPE') return OUTPUT_CLOSED_EXIT;
  if (code === 0) process.stderr.write(`The output could not be written (${failure.message}): what was written is incomplete. Run the command again once that is fixed.\n`);
  return code === 0 ? 1 : code;
}

/** Process start-up for the CLI: one command, the store opened only if the command uses it, clean shutdown. */
export async function main(argv: string[]): Promise<number> {
  let container: Container | undefined;
  boundHeapGrowth();
  const signals = interruptImportOnSignal(argv, () => container?.get<AbortController>(TOKENS.Shutdown));
  const open: OpenServices = async ({ mayCreateStore }) => {
    const config = loadConfig();
    if (!mayCreateStore) refuseMissingStore(config);
    container = buildContainer(config);
    await checkStartup(container);
    return {
      importer: container.get(TOKENS.ImportFromMdm),
      previewer: container.get(TOKENS.PreviewImport),
      history: container.get(TOKENS.ImportHistory),
      hardwareHistory: container.get(TOKENS.HardwareHistory),
      register: container.get(TOKENS.HardwareRegisterQueries),
      projections: container.get(TOKENS.Projections),
      users: usersLoader(container.get(TOKENS.UserDirectory)),
    };
  };
  try {
    const output = standardOutput();
    const code = await runCli(argv, open, {
      out: output.out,
      write: output.write,
      err: (text) => process.stderr.write(`${text}\n`),
      progress: () => (process.stderr.isTTY ? progressBar(process.stderr) : progressLines((line) => process.stderr.write(`${line}\n`))),
    });
    // A failed write is reported a tick later: wait for what was written to be taken, or refused.
    await output.flushed();
    return signals.stoppedWith() ?? outputStatus(output.failure(), code);
  } finally {
    if (container) await closeContainer(container);
    signals.done();
  }
}
