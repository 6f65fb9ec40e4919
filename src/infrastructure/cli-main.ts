import { runCli, type CliServices } from '../adapters/driving/cli/cli.js';
import { progressBar, progressLines } from '../adapters/driving/cli/progress.js';
import { existsSync } from 'node:fs';
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
function refuseMissingStore(command: string | undefined, config: Config): void {
  if (command === 'users' || config.dataFile === ':memory:' || (config.eventStoreConnectionString && config.mongodbUri)) return;
  if (existsSync(config.dataFile)) return;
  throw new ConfigurationError(
    'DATA_FILE',
    `${config.dataFile} does not exist: there is no store there, and the CLI makes none.`,
    'Set DATA_FILE to the store file the server uses (its default is ./data/ontrackio.sqlite; after npm run demo, data/demo.sqlite), or start the server once to make a new store.',
  );
}

/** Only a command that exists, asked for without --help, needs the store: help and mistakes need none. */
function needsStore(command: string | undefined, argv: string[]): boolean {
  return command !== undefined && STORE_COMMANDS.has(command) && !argv.includes('--help') && !argv.includes('-h');
}
const STORE_COMMANDS = new Set(['import', 'history', 'register', 'rebuild', 'users']);

/** What runCli is handed when the command needs no store: commander answers before any of it is used. */
const NO_STORE = new Proxy({} as CliServices, {
  get: () => {
    throw new Error('This command does not read the store.');
  },
});

/** Process start-up for the CLI: configuration, composition root, one command, clean shutdown. */
export async function main(argv: string[]): Promise<number> {
  let container;
  boundHeapGrowth();
  const io = {
    out: (text: string) => process.stdout.write(`${text}\n`),
    err: (text: string) => process.stderr.write(`${text}\n`),
    progress: () => (process.stderr.isTTY ? progressBar(process.stderr) : progressLines((line) => process.stderr.write(`${line}\n`))),
  };
  const command = argv.find((arg) => !arg.startsWith('-'));
  if (!needsStore(command, argv)) return runCli(argv, NO_STORE, io);
  try {
    const config = loadConfig();
    refuseMissingStore(command, config);
    container = buildContainer(config);
    await checkStartup(container);
  } catch (error) {
    if (container) await closeContainer(container);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    return await runCli(
      argv,
      {
        importer: container.get(TOKENS.ImportFromMdm),
        previewer: container.get(TOKENS.PreviewImport),
        history: container.get(TOKENS.ImportHistory),
        register: container.get(TOKENS.HardwareRegisterQueries),
        projections: container.get(TOKENS.Projections),
        users: usersLoader(container.get(TOKENS.UserDirectory)),
      },
      io,
    );
  } finally {
    await closeContainer(container);
  }
}
