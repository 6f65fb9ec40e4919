import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The folder an installed package lives in, found from its entry point (its package.json is not exported). */
function packageFolder(name: string): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve(name);
  const marker = `${join('node_modules', name)}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`Cannot find the folder of ${name} (resolved to ${entry}): run npm ci.`);
  return entry.slice(0, at + marker.length);
}

/** The browser modules the admin page imports, by the URL path it imports them from. */
export function browserModules(): Record<string, string> {
  return { '/vendor/lit-html': packageFolder('lit-html') };
}
