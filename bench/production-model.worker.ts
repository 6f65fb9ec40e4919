import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateFleet } from '../src/adapters/driven/synthetic/fleet-generator.js';
import { InMemoryMdmSource } from '../src/adapters/driven/synthetic/in-memory-mdm-source.js';
import type { ImportFromMdm } from '../src/application/commands/import-from-mdm.js';
import type { Projections } from '../src/application/ports/projections.js';
import type { ImportHistory } from '../src/application/queries/import-history.js';
import { TOKENS } from '../src/application/tokens.js';
import { loadConfig } from '../src/infrastructure/config.js';
import { buildContainer, checkStartup, closeContainer } from '../src/infrastructure/container.js';
import { fakeEventStoreDb } from './modelled-stores/fake-eventstoredb.js';
import { fakeMongoDb } from './modelled-stores/fake-mongodb.js';
import { RoundTripMeter, type StoreTally } from './modelled-stores/round-trips.js';
import { boundHeapGrowth } from '../src/infrastructure/heap-growth.js';

// The process's heap policy, as the server and the CLI set it.
boundHeapGrowth();

/**
 * The import on the production adapters (EventStoreDB, MongoDB) over clients that count every call
 * and make each one wait a fixed round-trip time: a first run of N devices, then an unchanged re-run.
 */
const { values } = parseArgs({ options: { size: { type: 'string' }, 'round-trip-ms': { type: 'string' } } });
const size = Number(values.size);
const roundTripMs = Number(values['round-trip-ms']);
const PAGE = 1000;
const meters = { eventStoreDb: new RoundTripMeter(roundTripMs), mongoDb: new RoundTripMeter(roundTripMs) };
const source = new InMemoryMdmSource('intune', () => generateFleet({ source: 'intune', size, seed: 42 }), PAGE);
const container = buildContainer(
  loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://modelled:2113?tls=false', MONGODB_URI: 'mongodb://modelled/ontrackio', SECRETS_KEY: randomBytes(32).toString('base64') }),
  {
    mdmSources: { open: async () => source },
    productionClients: async () => ({ esdb: fakeEventStoreDb(meters.eventStoreDb), mongo: fakeMongoDb(meters.mongoDb) }),
  },
);

interface RunModel {
  /** Wall time less the fakes' own CPU (see StoreTally.answerMs). */
  ms: number;
  measuredMs: number;
  counts: unknown;
  perPage: { eventStoreDb: number; mongoDb: number };
  total: { eventStoreDb: StoreTally; mongoDb: StoreTally };
}

async function run(importer: ImportFromMdm): Promise<RunModel> {
  meters.eventStoreDb.reset();
  meters.mongoDb.reset();
  const started = process.hrtime.bigint();
  const result = await importer.execute({ source: 'intune', triggeredBy: 'bench' });
  const measuredMs = Number(process.hrtime.bigint() - started) / 1e6;
  const total = { eventStoreDb: meters.eventStoreDb.tally, mongoDb: meters.mongoDb.tally };
  const ms = Math.round(measuredMs - total.eventStoreDb.answerMs - total.mongoDb.answerMs);
  const pages = Math.ceil(size / PAGE);
  return {
    ms,
    measuredMs: Math.round(measuredMs),
    counts: result.counts,
    perPage: { eventStoreDb: Math.round(total.eventStoreDb.roundTrips / pages), mongoDb: Math.round(total.mongoDb.roundTrips / pages) },
    total,
  };
}

/** A question to EventStoreDB after the runs: its round trips and the events sent back (MongoDB's time is in `ms`). */
async function ask(question: () => Promise<unknown>): Promise<{ ms: number; roundTrips: number; eventsSent: number; bytesSent: number }> {
  meters.eventStoreDb.reset();
  meters.mongoDb.reset();
  const started = process.hrtime.bigint();
  await question();
  const { roundTrips, eventsSent, bytesSent, answerMs } = meters.eventStoreDb.tally;
  const ms = Number(process.hrtime.bigint() - started) / 1e6 - answerMs - meters.mongoDb.tally.answerMs;
  return { ms: Math.round(ms), roundTrips, eventsSent, bytesSent };
}

try {
  await checkStartup(container);
  const importer = container.get<ImportFromMdm>(TOKENS.ImportFromMdm);
  const first = await run(importer);
  const rerun = await run(importer);
  const history = container.get<ImportHistory>(TOKENS.ImportHistory);
  const [, firstRun] = await history.runs({ source: 'intune' });
  const auditor = { listRuns: await ask(() => history.runs({ source: 'intune' })), firstRunDetail: await ask(() => history.run(firstRun!.runId)) };
  // An operator rebuilds the read models from the events: every projection reads its categories of $all.
  const rebuild = await ask(() => container.get<Projections>(TOKENS.Projections).rebuild());
  process.stdout.write(JSON.stringify({ size, roundTripMs, first, rerun, auditor, rebuild }) + '\n');
} finally {
  await closeContainer(container);
}
