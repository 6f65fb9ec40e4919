import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdirSync(folder, { recursive: true })`, one level at a time. Node 20's recursive mkdir never
 * returns when a folder cannot be made inside one that exists (under /proc, say): it makes the parent
 * again and retries, for ever. A single mkdir reports the error at once.
 */
export function makeFolder(folder: string): void {
  const missing: string[] = [];
  for (let at = folder; !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.push(at);
  for (const each of missing.reverse()) {
    try {
      mkdirSync(each);
    } catch (error) {
      // Made meanwhile by another process: fine, as long as it is a folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(each, { throwIfNoEntry: false })?.isDirectory()) throw error;
    }
  }
}
