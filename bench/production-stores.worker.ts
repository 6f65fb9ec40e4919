import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { generateFleet } from '../src/adapters/driven/synthetic/fleet-generator.js';
import { InMemoryMdmSource } from '../src/adapters/driven/synthetic/in-memory-mdm-source.js';
import type { ImportFromMdm } from '../src/application/commands/import-from-mdm.js';
import { TOKENS } from '../src/application/tokens.js';
import { loadConfig } from '../src/infrastructure/config.js';
import type { ContainerOverrides } from '../src/infrastructure/container.js';
import { startServer } from '../src/infrastructure/server-main.js';
import { boundHeapGrowth } from '../src/infrastructure/heap-growth.js';
import { jsonLogger } from '../src/infrastructure/logger.js';
import { expectFreshEventStoreDb } from '../test/support/fresh-eventstoredb.js';
import { fakeEventStoreDb } from './modelled-stores/fake-eventstoredb.js';
import { fakeMongoDb } from './modelled-stores/fake-mongodb.js';
import { RoundTripMeter } from './modelled-stores/round-trips.js';
import { timeRegisterQueries } from './register-query-timings.js';

// The process's heap policy, as the server and the CLI set it.
boundHeapGrowth();

/**
 * The server on real EventStoreDB and MongoDB servers (EVENTSTORE_CONNECTION_STRING, MONGODB_URI):
 * a first import of --size devices and an unchanged re-run, timed on the wall clock; the register's
 * queries through HTTP; an operator's rebuild through HTTP; and what the register takes on MongoDB's
 * disk, index by index (the search keys' index among them), per record.
 * What the modelled stores leave out: the servers' own work (index upkeep, journaling) is in these
 * times. `--stores modelled` runs the same measurement on the bench's fakes with no round-trip time,
 * to check the worker where no server runs; its times are not a measurement of anything.
 */
const { values } = parseArgs({
  options: { size: { type: 'string', default: '100000' }, requests: { type: 'string', default: '200' }, stores: { type: 'string', default: 'real' } },
});
const size = Number(values.size);
const requests = Number(values.requests);
if (values.stores !== 'real' && values.stores !== 'modelled') {
  process.stderr.write(`--stores ${values.stores}: use real (the servers named by EVENTSTORE_CONNECTION_STRING and MONGODB_URI) or modelled (the bench's fakes)\n`);
  process.exit(1);
}
const modelled = values.stores === 'modelled';
const REAL = ['EVENTSTORE_CONNECTION_STRING', 'MONGODB_URI'] as const;

if (!modelled) {
  const unset = REAL.filter((name) => !process.env[name]?.trim());
  if (unset.length > 0) {
    process.stderr.write(`not run: ${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set — no EventStoreDB and MongoDB servers here; the GitHub workflow's bench job runs it\n`);
    process.exit(2);
  }
  await expectFreshEventStoreDb(process.env.EVENTSTORE_CONNECTION_STRING!, 'this benchmark');
}

const token = 'bench-token-0123456789abcdef0123456789';
const database = `bench_${randomBytes(6).toString('hex')}`;
const env = modelled
  ? { EVENTSTORE_CONNECTION_STRING: 'esdb://modelled:2113?tls=false', MONGODB_URI: 'mongodb://modelled/ontrackio' }
  : { EVENTSTORE_CONNECTION_STRING: process.env.EVENTSTORE_CONNECTION_STRING!, MONGODB_URI: process.env.MONGODB_URI!, MONGODB_DATABASE: database };
const overrides: ContainerOverrides = {
  // The server's log to stderr: stdout carries the figures alone.
  logger: jsonLogger((line) => process.stderr.write(line)),
  mdmSources: { open: async () => new InMemoryMdmSource('intune', () => generateFleet({ source: 'intune', size, seed: 42 }), 1000) },
  ...(modelled ? { productionClients: async () => ({ esdb: fakeEventStoreDb(new RoundTripMeter(0)), mongo: fakeMongoDb(new RoundTripMeter(0)) }) } : {}),
};
const server = await startServer(
  loadConfig({ ...env, PORT: '0', API_TOKENS: `${token}=bench@acme.example:admin`, SCHEDULE_CHECK_SECONDS: '0', SECRETS_KEY: randomBytes(32).toString('base64') }),
  overrides,
);

type Counts = { created: number; updated: number; unchanged: number; skipped: number; errors: number; missing: number };

async function timedImport(): Promise<{ ms: number; devicesPerSecond: number; counts: Counts }> {
  const started = process.hrtime.bigint();
  const run = await server.container.get<ImportFromMdm>(TOKENS.ImportFromMdm).execute({ source: 'intune', triggeredBy: 'bench' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms: Math.round(ms), devicesPerSecond: Math.round((size * 1000) / ms), counts: run.counts as Counts };
}

/**
 * What MongoDB keeps of the register, after a checkpoint: its documents and each index, in all and per
 * record. A server that will not say is reported as such, beside the times measured before.
 */
async function registerOnDisk(): Promise<unknown> {
  const client = new MongoClient(process.env.MONGODB_URI!);
  try {
    await client.db('admin').command({ fsync: 1 });
    const [stats] = await client.db(database).collection('hardware_register').aggregate([{ $collStats: { storageStats: {} } }]).toArray();
    const storage = stats!.storageStats as { count: number; avgObjSize: number; storageSize: number; totalIndexSize: number; indexSizes: Record<string, number> };
    const perRecord = (bytes: number) => Math.round(bytes / Math.max(1, storage.count));
    return {
      records: storage.count,
      averageDocumentBytes: Math.round(storage.avgObjSize),
      storageBytesPerRecord: perRecord(storage.storageSize),
      indexBytesPerRecord: perRecord(storage.totalIndexSize),
      byIndex: Object.fromEntries(Object.entries(storage.indexSizes).map(([name, bytes]) => [name, perRecord(bytes)])),
    };
  } catch (error) {
    return { notRead: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.close();
  }
}

try {
  const first = await timedImport();
  const rerun = await timedImport();
  // A figure for a run that did not import the fleet would measure a failure, not the import.
  if (first.counts.errors > 0 || first.counts.created + first.counts.skipped !== size) throw new Error(`the first import did not create the fleet: ${JSON.stringify(first.counts)}`);
  if (rerun.counts.unchanged !== first.counts.created || rerun.counts.created + rerun.counts.updated + rerun.counts.errors > 0) {
    throw new Error(`the re-run was not unchanged: first ${JSON.stringify(first.counts)}, re-run ${JSON.stringify(rerun.counts)}`);
  }
  const serials = Array.from(generateFleet({ source: 'intune', size, seed: 42 }), (d) => d.serialNumber).filter((serial): serial is string => Boolean(serial));
  const queries = await timeRegisterQueries({ url: server.url, token }, size, serials, requests);
  // Before the rebuild, which writes the register afresh: what the imports left, as a live register holds it.
  const storage = modelled ? null : await registerOnDisk();
  const rebuilt = await fetch(`${server.url}/api/admin/register/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (!rebuilt.ok) throw new Error(`the rebuild answered ${rebuilt.status}: ${await rebuilt.text()}`);
  const rebuild = (await rebuilt.json()) as { events: number; durationMs: number };
  process.stdout.write(JSON.stringify({ stores: modelled ? 'modelled' : 'real', size, requests, first, rerun, queries, rebuild, register: storage }) + '\n');
} finally {
  await server.stop();
}
