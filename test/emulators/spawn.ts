import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { ServedEmulators } from './serve.js';

export interface EmulatorProcess {
  served: ServedEmulators;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs both emulators in a child process, as a remote MDM would be: they do not share our CPU time slice. */
export async function spawnEmulators(args: string[]): Promise<EmulatorProcess> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'serve.js');
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`The emulators exited (${code}) before they started.`)));
  });
  return {
    served: JSON.parse(line) as ServedEmulators,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
