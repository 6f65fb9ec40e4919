import { runCli, type CliServices } from '../adapters/driving/cli/cli.js';
import { progressBar, progressLines } from '../adapters/driving/cli/progress.js';
import { loadConfig } from './config.js';
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

/** Process start-up for the CLI: configuration, composition root, one command, clean shutdown. */
export async function main(argv: string[]): Promise<number> {
  let container;
  boundHeapGrowth();
  try {
    container = buildContainer(loadConfig());
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
      {
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
        progress: () => (process.stderr.isTTY ? progressBar(process.stderr) : progressLines((line) => process.stderr.write(`${line}\n`))),
      },
    );
  } finally {
    await closeContainer(container);
  }
}
