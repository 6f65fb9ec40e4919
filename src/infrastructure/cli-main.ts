import { runCli } from '../adapters/driving/cli/cli.js';
import { loadConfig } from './config.js';
import { buildContainer, closeContainer } from './container.js';
import { TOKENS } from '../application/tokens.js';

/** Process start-up for the CLI: configuration, composition root, one command, clean shutdown. */
export async function main(argv: string[]): Promise<number> {
  let container;
  try {
    container = buildContainer(loadConfig());
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    return await runCli(
      argv,
      {
        importer: container.get(TOKENS.ImportFromMdm),
        history: container.get(TOKENS.ImportHistory),
        register: container.get(TOKENS.HardwareRegisterQueries),
        projections: container.get(TOKENS.Projections),
        users: container.get(TOKENS.UserDirectory),
      },
      {
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
        progress: (text) => process.stderr.write(process.stderr.isTTY ? `\r${text}` : `${text}\n`),
      },
    );
  } finally {
    await closeContainer(container);
  }
}
