import type { Container } from 'inversify';
import { openDatabase, writeTransaction, type SqliteDatabase } from '../adapters/driven/sqlite/database.js';
import { guardStore, storeUnavailable } from '../adapters/driven/sqlite/store-errors.js';
import { SqliteAssetTagSequence } from '../adapters/driven/sqlite/sqlite-asset-tag-sequence.js';
import { SqliteEventStore } from '../adapters/driven/sqlite/sqlite-event-store.js';
import { SqliteReadModels } from '../adapters/driven/sqlite/sqlite-read-models.js';
import { SqliteUserDirectory } from '../adapters/driven/sqlite/sqlite-user-directory.js';
import { SqliteConnectorSettings } from '../adapters/driven/sqlite/sqlite-connector-settings.js';
import { SqliteStreamSnapshots } from '../adapters/driven/sqlite/sqlite-stream-snapshots.js';
import { WalCheckpointer } from '../adapters/driven/sqlite/wal-checkpointer.js';
import { guardStoreFile, rescuedCopiesOf, type StoreFileGone } from '../adapters/driven/sqlite/store-file-guard.js';
import { existsSync } from 'node:fs';
import type { SecretBox } from '../application/ports/secret-box.js';
import type { ComponentHealth, StoreHealth } from '../application/ports/store-health.js';
import type { EventStore } from '../application/ports/event-store.js';
import type { ReadModelStore } from '../application/ports/read-models.js';
import { ConfigurationError, type Config } from './config.js';
import { restoreKeyFile } from './secrets-key.js';
import type { Logger } from './logger.js';
import { ProjectionRunner } from './projection-runner.js';
import { TOKENS } from '../application/tokens.js';

export const SQLITE_DATABASE = Symbol('SqliteDatabase');
/** Devices read and decided together on the embedded store (see bindEmbeddedStore). */
const EMBEDDED_DECISION_BATCH = 250;

/** Ready means writable: one small committed write, so a full disk or a read-only file shows here first. */
function writeProbe(db: SqliteDatabase, dataFile: string): ComponentHealth {
  try {
    writeTransaction(db, () => db.prepare("INSERT INTO settings (key, value) VALUES ('readyz', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(new Date().toISOString()));
    return { component: 'embedded store', ok: true, detail: `${dataFile} is writable` };
  } catch (error) {
    const unavailable = storeUnavailable(error);
    return { component: 'embedded store', ok: false, detail: `not writable: ${unavailable ? `${unavailable.message} ${unavailable.fix}` : error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * A restart after the store was removed under the server would otherwise make a new, empty store at
 * DATA_FILE (and a new secrets key beside it), and the copy the server saved would sit there unread.
 * Checked before anything is made.
 */
export function refuseBesideRescuedCopy(dataFile: string): void {
  if (dataFile === ':memory:' || existsSync(dataFile)) return;
  const copy = rescuedCopiesOf(dataFile).at(-1);
  if (!copy) return;
  throw new ConfigurationError(
    'DATA_FILE',
    `${dataFile} does not exist, but ${copy} does: the copy a server saved when the store was removed under it. Starting now would make a new, empty store.`,
    `Move that copy to ${dataFile} and start again. To start with an empty store on purpose, move the copy out of that folder first.`,
  );
}

/**
 * The store file opened, or why it cannot be, in terms of DATA_FILE: SQLite's own words ("file is not a
 * database", "unable to open database file") name neither the file nor what to do.
 */
function openStoreFile(dataFile: string): SqliteDatabase {
  try {
    return openDatabase(dataFile);
  } catch (error) {
    const code = String((error as { code?: unknown })?.code ?? '');
    const said = `SQLite: ${error instanceof Error ? error.message : String(error)} (${code})`;
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new ConfigurationError('DATA_FILE', `${dataFile} cannot be read as a store (${said}).`, 'Point DATA_FILE at the store file. To start with an empty store, move this file aside, and keep it: it may be a damaged store to recover.');
    }
    if (code.startsWith('SQLITE_CANTOPEN')) {
      throw new ConfigurationError('DATA_FILE', `${dataFile} could not be opened (${said}): it is a folder, or its folder cannot be made or written.`, 'Set DATA_FILE to the path of a file, in a folder this process can write.');
    }
    if ((error as NodeJS.ErrnoException).syscall === 'mkdir') {
      throw new ConfigurationError('DATA_FILE', `${dataFile} cannot be created: its folder cannot be made (${(error as Error).message}).`, 'Set DATA_FILE to the path of a file, in a folder this process can make and write.');
    }
    const unavailable = storeUnavailable(error);
    if (unavailable) throw new ConfigurationError('DATA_FILE', unavailable.message, unavailable.fix);
    throw error;
  }
}

/** Said at once, and again when the copy is saved (or could not be): the operator's way back. */
async function reportStoreFileGone(gone: StoreFileGone, config: Config, logger: Logger): Promise<void> {
  const restored = (() => {
    try {
      return restoreKeyFile(config);
    } catch (error) {
      return `not written again (${error instanceof Error ? error.message : String(error)})`;
    }
  })();
  logger.error('embedded store', { detail: gone.message, fix: gone.fix, ...(restored ? { secretsKeyFile: restored } : {}) });
  await gone.rescue.done;
  logger.error('embedded store', { detail: gone.message, fix: gone.fix, rescue: gone.rescue.state });
}

/** The zero-setup default: event store, read models, users and sequences in one SQLite file. */
export function bindEmbeddedStore(container: Container, config: Config, secrets: SecretBox): void {
  const db = openStoreFile(config.dataFile);
  const closers = container.get<Array<() => Promise<void> | void>>(TOKENS.Closers);
  closers.push(() => {
    db.close();
  });
  if (config.dataFile !== ':memory:') {
    guardStoreFile(db, config.dataFile, (gone) => void reportStoreFileGone(gone, config, container.get<Logger>(TOKENS.Logger)));
    const checkpointer = new WalCheckpointer(db, config.dataFile, (detail) => container.get<Logger>(TOKENS.Logger).warn('embedded store', { detail }));
    closers.push(() => checkpointer.stop());
  }
  // Every adapter answers a full disk, a read-only file or a held lock as the port's DependencyUnavailable.
  const readModels = guardStore(new SqliteReadModels(db));
  const store = guardStore(new SqliteEventStore(db));
  container.bind<SqliteDatabase>(SQLITE_DATABASE).toConstantValue(db);
  container.bind<EventStore>(TOKENS.EventStore).toConstantValue(store);
  container.bind<ReadModelStore>(TOKENS.ReadModelStore).toConstantValue(readModels);
  container.bind(TOKENS.HardwareRegisterQueries).toConstantValue(readModels);
  // One statement reads a page's streams, present or not, so the read side's hints save nothing here;
  // measured at 50,000 devices, writing fingerprints cost a fifth of the first run's speed, for no re-run gain.
  container.bind(TOKENS.KnownHardware).toConstantValue(null);
  container.bind(TOKENS.StreamSnapshots).toConstantValue(guardStore(new SqliteStreamSnapshots(db)));
  // A page's devices are read and decided 250 at a time. Here a batch costs no round trip, and the states
  // of a whole page, alive while it was decided, were copied by each young-generation collection and
  // many promoted: an unchanged re-run of 200,000 devices went from 44,000 to 58,000 devices a second
  // (medians of six pairs), its first run unchanged.
  container.bind<number | null>(TOKENS.DecisionBatch).toConstantValue(EMBEDDED_DECISION_BATCH);
  container.bind(TOKENS.AuditLogQueries).toConstantValue(readModels);
  container.bind(TOKENS.UserDirectory).toConstantValue(guardStore(new SqliteUserDirectory(db)));
  container.bind(TOKENS.AssetTagSequence).toConstantValue(guardStore(new SqliteAssetTagSequence(db)));
  container.bind(TOKENS.ConnectorSettings).toConstantValue(guardStore(new SqliteConnectorSettings(db, secrets)));
  container.bind<StoreHealth>(TOKENS.StoreHealth).toConstantValue({ check: async () => [writeProbe(db, config.dataFile)] });
  container.bind(TOKENS.StartupCheck).toConstantValue(async () => undefined);
  const runner = new ProjectionRunner(store, readModels);
  container.bind(TOKENS.Projections).toConstantValue(runner);
  closers.push(() => runner.stop());
}
