import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Container } from 'inversify';
import { createHttpApp } from '../adapters/driving/http/app.js';
import { answerMalformedRequests } from '../adapters/driving/http/problem.js';
import { Drain } from '../adapters/driving/http/drain.js';
import type { ScheduledImports } from '../application/scheduled-imports.js';
import { startScheduler } from './scheduler.js';
import { boundHeapGrowth } from './heap-growth.js';
import { browserModules } from './browser-modules.js';
import type { BackgroundImports } from '../application/background-imports.js';
import { TOKENS } from '../application/tokens.js';
import { ConfigurationError, loadConfig, type Config } from './config.js';
import { buildContainer, checkStartup, closeContainer, type ContainerOverrides } from './container.js';
import type { ImportMetrics } from '../application/ports/import-metrics.js';
import type { Logger, PinoBacked } from './logger.js';
import type { PrometheusMetrics } from './metrics.js';
import { pinoHttp } from 'pino-http';
import type { Integrations } from '../application/integrations.js';
import type { ProjectionRunner } from './projection-runner.js';
import type { RunLeaseSweeper } from '../application/run-lease-sweeper.js';
import { prepareEnabledConnectors } from '../application/prepare-connectors.js';
import type { ConnectorSettingsStore } from '../application/ports/connector-settings-store.js';
import type { MdmConnectors } from '../application/ports/mdm-connector.js';

export interface RunningServer {
  url: string;
  container: Container;
  server: Server;
  stop(): Promise<void>;
}

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public');

function prometheus(metrics: PrometheusMetrics) {
  return { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics(), exports: metrics };
}

/** One line per request through the process's pino, health probes aside; headers are not logged. */
function requestLog(logger: Logger) {
  if (!('pino' in logger)) return undefined;
  return pinoHttp({
    logger: (logger as PinoBacked).pino,
    genReqId: (request) => (request as { id?: string }).id ?? '',
    autoLogging: { ignore: (request) => request.url === '/healthz' || request.url === '/readyz' },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (request, response) => `${request.method} ${request.url} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${request.url} ${response.statusCode}`,
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  });
}

function listenFailure(error: Error, config: Config): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new ConfigurationError('PORT', `port ${config.port} on ${config.host} is in use.`, 'Stop what uses it, or set PORT to a free port.');
  if (code === 'EACCES') return new ConfigurationError('PORT', `port ${config.port} needs privileges this process does not have.`, 'Set PORT to 1024 or above.');
  const ownAddressFix = 'Set HOST to 127.0.0.1, 0.0.0.0 or one of its addresses.';
  if (code === 'EADDRNOTAVAIL') return new ConfigurationError('HOST', `${config.host} is not an address of this machine.`, ownAddressFix);
  // A HOST that is neither an address nor a name the resolver knows (a typo, a stray space or URL).
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return new ConfigurationError('HOST', `${JSON.stringify(config.host)} is not an address, nor a name this machine can resolve (${code}).`, ownAddressFix);
  return error;
}

/** The enabled connectors' libraries, loaded before the server listens, with how long that took. */
async function prepareConnectors(container: Container, logger: Logger): Promise<void> {
  const started = performance.now();
  const sources = await prepareEnabledConnectors(container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings), container.get<MdmConnectors>(TOKENS.MdmConnectors));
  if (sources.length > 0) logger.info('connector libraries loaded', { sources, ms: Math.round(performance.now() - started) });
}

/**
 * Each run's end in the server's log, beside its metrics: background and scheduled runs have no caller
 * to answer, and a failed one must be seen by whoever watches the logs.
 */
function loggedRuns(counted: ImportMetrics, logger: Logger): ImportMetrics {
  return {
    runEnded(run) {
      counted.runEnded(run);
      const fields = { runId: run.runId, source: run.source, triggeredBy: run.triggeredBy, durationMs: run.durationMs, counts: run.counts };
      if (run.failure === null) logger.info('import run completed', fields);
      else logger.warn('import run failed', { ...fields, failure: run.failure });
    },
  };
}

/** Starts the API (and the admin page) on the configured stores; resolves once it listens. */
export async function startServer(config: Config, overrides: ContainerOverrides = {}): Promise<RunningServer> {
  const container = buildContainer(config, overrides);
  const logger = container.get<Logger>(TOKENS.Logger);
  const counted = container.get<ImportMetrics>(TOKENS.ImportMetrics);
  container.rebind<ImportMetrics>(TOKENS.ImportMetrics).toConstantValue(loggedRuns(counted, logger));
  try {
    await checkStartup(container);
    await prepareConnectors(container, logger);
  } catch (error) {
    await closeContainer(container);
    throw error;
  }
  if (config.secretsKeyPrevious) {
    const resealed = await container.get<Integrations>(TOKENS.Integrations).resealSecrets();
    logger.info('connector secrets sealed again with SECRETS_KEY; SECRETS_KEY_PREVIOUS can now be removed', { resealed });
  }
  const drain = new Drain();
  const app = createHttpApp(container, {
    drain,
    requestLog: requestLog(logger),
    metrics: prometheus(container.get<PrometheusMetrics>(TOKENS.Metrics).withProcessMetrics()),
    rateLimitPerMinute: config.rateLimitPerMinute,
    staticDir: PUBLIC_DIR,
    vendor: browserModules(),
    onServerError: (error, request) => logger.error('request failed', { method: request.method, path: request.path, error }),
  });
  await container.get<ProjectionRunner>(TOKENS.Projections).start((error, retryInMs) =>
    logger.warn('the register and audit log could not catch up with the events; trying again', {
      error: error instanceof Error ? error.message : String(error),
      retryInSeconds: retryInMs / 1000,
    }),
  );
  // Runs left behind by a crash are closed before the first request can be refused by them.
  const sweeper = container.get<RunLeaseSweeper>(TOKENS.RunLeaseSweeper);
  await sweeper.start();
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      // express 5 hands a listen error (port taken, no permission) to this callback.
      const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(listenFailure(error, config)) : resolve(listening)));
    });
  } catch (error) {
    sweeper.stop();
    await closeContainer(container);
    throw error;
  }
  const scheduler = config.scheduleCheckMs > 0
    ? startScheduler(container.get<ScheduledImports>(TOKENS.ScheduledImports), config.scheduleCheckMs, logger, () => drain.draining)
    : null;
  // Node closes an idle connection after 5 s, while load balancers keep theirs for 60 s: a request sent
  // on a connection the server is closing fails as a 502. The server must be the last to let go.
  server.keepAliveTimeout = config.httpKeepAliveMs;
  server.headersTimeout = Math.max(server.headersTimeout, config.httpKeepAliveMs + 1000);
  answerMalformedRequests(server);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.port}`;
  return {
    url,
    container,
    server,
    stop: async () => {
      // Not ready at once; requests in flight get the drain timeout, then running imports are interrupted
      // (and recorded so) and given a moment to answer.
      drain.draining = true;
      scheduler?.stop();
      const background = container.get<BackgroundImports>(TOKENS.BackgroundImports);
      const deadline = Date.now() + config.drainTimeoutMs;
      const settled = (await drain.idle(config.drainTimeoutMs)) && (await background.idle(Math.max(0, deadline - Date.now())));
      if (!settled) {
        container.get<AbortController>(TOKENS.Shutdown).abort('the server shut down');
        await Promise.all([drain.idle(5_000), background.idle(5_000)]);
      }
      sweeper.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      server.closeAllConnections();
      await closeContainer(container);
    },
  };
}

/** `npm start`: the embedded default unless EVENTSTORE_CONNECTION_STRING and MONGODB_URI are set. */
export async function main(): Promise<void> {
  const heapGrowthPercent = boundHeapGrowth();
  const env = { ...process.env };
  let localToken: string | null = null;
  if (!env.API_TOKENS && !env.EVENTSTORE_CONNECTION_STRING && !env.MONGODB_URI) {
    // Local use without configured sign-in: one admin token for this process only.
    localToken = randomBytes(24).toString('base64url');
    env.API_TOKENS = `${localToken}=admin@localhost:admin`;
  }
  const config = loadConfig(env);
  const running = await startServer(config);
  const logger = running.container.get<Logger>(TOKENS.Logger);
  logger.info('OnTrackio MDM import listening', {
    url: running.url,
    store: config.eventStoreConnectionString ? 'EventStoreDB + MongoDB' : `embedded (${config.dataFile})`,
    heapGrowthPercent: heapGrowthPercent ?? 'as given to node',
  });
  if (localToken) process.stdout.write(`\nAdmin page: ${running.url}/\nSign-in token for this run (admin@localhost, admin): ${localToken}\n\n`);
  const shutdown = async () => {
    logger.info('draining: not ready, no new imports; waiting for requests in flight', { drainTimeoutSeconds: config.drainTimeoutMs / 1000 });
    await running.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
