import type { Container } from 'inversify';
import { runCli, type CliServices, type OpenServices } from '../adapters/driving/cli/cli.js';
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
function refuseMissingStore(config: Config): void {
  if (config.dataFile === ':memory:' || (config.eventStoreConnectionString && config.mongodbUri) || existsSync(config.dataFile)) return;
  throw new ConfigurationError(
    'DATA_FILE',
    `${config.dataFile} does not exist: there is no store there, and the CLI makes none.`,
    'Set DATA_FILE to the store file the server uses (its default is ./data/ontrackio.sqlite; after npm run demo, data/demo.sqlite), or start the server once to make a new store.',
  );
}

/** Process start-up for the CLI: one command, the store opened only if the command uses it, clean shutdown. */
export async function main(argv: string[]): Promise<number> {
  let container: Container | undefined;
  boundHeapGrowth();
  const open: OpenServices = async ({ mayCreateStore }) => {
    const config = loadConfig();
    if (!mayCreateStore) refuseMissingStore(config);
    container = buildContainer(config);
    await checkStartup(container);
    return {
      importer: container.get(TOKENS.ImportFromMdm),
      previewer: container.get(TOKENS.PreviewImport),
      history: container.get(TOKENS.ImportHistory),
      register: container.get(TOKENS.HardwareRegisterQueries),
      projections: container.get(TOKENS.Projections),
      users: usersLoader(container.get(TOKENS.UserDirectory)),
    };
  };
  try {
    return await runCli(argv, open, {
      out: (text) => process.stdout.write(`${text}\n`),
      err: (text) => process.stderr.write(`${text}\n`),
      progress: () => (process.stderr.isTTY ? progressBar(process.stderr) : progressLines((line) => process.stderr.write(`${line}\n`))),
    });
  } finally {
    if (container) await closeContainer(container);
  }
}
