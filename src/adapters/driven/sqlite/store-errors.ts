import { DependencyUnavailable } from '../../../application/ports/errors.js';
import { StoreFileGone } from './store-file-guard.js';

const STORE = 'embedded store';
/** The first step of every damaged-store fix: the evidence, before anything is restored over it. */
const KEEP_A_COPY = 'keep a copy of DATA_FILE and its -wal file';

/**
 * An event whose stored JSON does not parse. SQLite's own checks passed, so the bytes were changed
 * under it: a failing disk, or another program writing to the file.
 */
export class DamagedEvent extends Error {
  constructor(
    readonly stream: string,
    readonly revision: number,
    readonly column: 'data' | 'metadata',
  ) {
    super(`event ${revision} of stream ${stream} holds ${column} that is not JSON`);
    this.name = 'DamagedEvent';
  }
}

/** SQLite's answer (or the guard's) when the file cannot be written, in an operator's terms; null for any other error. */
export function storeUnavailable(error: unknown): DependencyUnavailable | null {
  // Retrying cannot help: only a restart on the right file can.
  if (error instanceof StoreFileGone) return new DependencyUnavailable(STORE, error.message, error, error.fix, 300);
  if (error instanceof DamagedEvent) {
    return new DependencyUnavailable(
      STORE,
      `The embedded store (DATA_FILE) is damaged: ${error.message} (a failing disk, or another program writing to the file).`,
      error,
      `Stop the server, ${KEEP_A_COPY}, and restore DATA_FILE from a backup: the history cannot be mended in place, and the register is rebuilt from it.`,
      300,
    );
  }
  // Only stored text is parsed inside the store's adapters: a document the file no longer holds as written.
  if (error instanceof SyntaxError) {
    return new DependencyUnavailable(
      STORE,
      'The embedded store (DATA_FILE) is damaged: a document of the register, the audit log or the settings does not read as JSON.',
      error,
      `Rebuild the register and audit log from the events (POST /api/admin/register/rebuild, or ontrackio-mdm rebuild): they hold nothing the events do not. If it persists, stop the server, ${KEEP_A_COPY}, and restore DATA_FILE from a backup.`,
      300,
    );
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  const say = (message: string, fix: string, retryAfterSeconds: number) => new DependencyUnavailable(STORE, `${message.replace(/\.$/, '')} (${code}).`, error, fix, retryAfterSeconds);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return say('The embedded store is busy: another process held its write lock for too long.', 'Try again in a few seconds; if it persists, look for a process stuck on DATA_FILE.', 5);
  }
  // Found by a query, not at open: a page deep in the file that does not read as SQLite wrote it.
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return say(
      'The embedded store (DATA_FILE) is damaged: part of the file does not read as SQLite wrote it (a failing disk, or another program writing to it).',
      `Stop the server and ${KEEP_A_COPY}. Then restore DATA_FILE from a backup, or recover what can be read (sqlite3 DATA_FILE .recover | sqlite3 recovered.sqlite) and point DATA_FILE at the result.`,
      300,
    );
  }
  if (code === 'SQLITE_FULL') return say('The disk that holds the embedded store (DATA_FILE) is full.', 'Free space on that disk, then try again: nothing already recorded was lost.', 30);
  if (code.startsWith('SQLITE_READONLY')) return say('The embedded store (DATA_FILE) is read-only.', "Make the file and its folder writable by the server's user, then try again.", 30);
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') {
    return say('The embedded store (DATA_FILE) could not be written: the disk is full, over a size limit, or failing.', 'Free space or fix the disk that holds DATA_FILE, then try again: nothing already recorded was lost.', 30);
  }
  return null;
}

/**
 * The adapter, with every method's SQLite failure mapped to the port's DependencyUnavailable: the one
 * place where the embedded store's errors become the application's.
 */
export function guardStore<T extends object>(adapter: T): T {
  const mapped = (error: unknown): never => {
    throw storeUnavailable(error) ?? error;
  };
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(target, args);
          return result instanceof Promise ? result.catch(mapped) : result;
        } catch (error) {
          return mapped(error);
        }
      };
    },
  });
}
