import 'reflect-metadata';
import { Container, type ResolutionContext } from 'inversify';
import { ImportFromMdm, type ImportFromMdmDeps } from '../application/commands/import-from-mdm.js';
import { PreviewImport } from '../application/commands/preview-import.js';
import { BackgroundImports } from '../application/background-imports.js';
import { RunProgress } from '../application/queries/run-progress.js';
import { ScheduledImports } from '../application/scheduled-imports.js';
import { RegisterView } from '../application/queries/register-view.js';
import { RetryFailedDevices } from '../application/commands/retry-failed-devices.js';
import { HandEdits } from '../application/commands/hand-edits.js';
import { ImportHistory } from '../application/queries/import-history.js';
import { HardwareHistory } from '../application/queries/hardware-history.js';
import { Integrations } from '../application/integrations.js';
import type { Authenticator } from '../application/ports/authenticator.js';
import { jsonLogger, type Logger } from './logger.js';
import { ConfiguredTokenAuthenticator } from './token-authenticator.js';
import type { AssetTagSequence } from '../application/ports/asset-tag-sequence.js';
import type { Clock } from '../application/ports/clock.js';
import type { EventStore } from '../application/ports/event-store.js';
import { lastCompleteListings } from '../application/import-run-recorder.js';
import type { IdGenerator } from '../application/ports/id-generator.js';
import type { MdmSourceProvider } from '../application/ports/mdm-source.js';
import type { Projections } from '../application/ports/projections.js';
import type { AuditLogQueries, HardwareRegisterQueries } from '../application/ports/read-models.js';
import type { ConnectorSettingsStore } from '../application/ports/connector-settings-store.js';
import type { UserDirectory } from '../application/ports/user-directory.js';
import type { WorkspaceSettings } from '../application/ports/workspace-settings.js';
import type { Config } from './config.js';
import { bindEmbeddedStore, refuseBesideRescuedCopy } from './embedded-store.js';
import type { KnownHardware } from '../application/ports/known-hardware.js';
import type { StreamSnapshots } from '../application/ports/stream-snapshots.js';
import { bindProductionStores, type ProductionClients } from './production-stores.js';
import { buildConnectors } from './connectors.js';
import { secretBoxFor } from './secrets-key.js';
import { ConnectorSourceProvider } from '../application/connector-source-provider.js';
import { LookupBySerial } from '../application/queries/lookup-by-serial.js';
import { TestConnection } from '../application/commands/test-connection.js';
import type { MdmConnectors } from '../application/ports/mdm-connector.js';
import type { IntuneConnectorOptions } from '../adapters/driven/intune/intune-connector.js';
import { systemClock, uuidGenerator } from './system-clock.js';
import { processRunOwner } from './process-run-owner.js';
import type { RunOwner } from '../application/ports/run-owner.js';
import { RunLeaseSweeper } from '../application/run-lease-sweeper.js';
import { PrometheusMetrics } from './metrics.js';
import type { ImportMetrics } from '../application/ports/import-metrics.js';
import type { ProjectionRunner } from './projection-runner.js';
import { TOKENS } from '../application/tokens.js';

export interface ContainerOverrides {
  /** The EventStoreDB and MongoDB clients (the benchmark's counting model); the drivers' own by default. */
  productionClients?: (config: Config) => Promise<ProductionClients>;
  mdmSources?: MdmSourceProvider;
  clock?: Clock;
  /** Network options for the MDM connectors (an emulator's CA, retry timings in tests). */
  connectors?: IntuneConnectorOptions;
  logger?: Logger;
  /** The monolith's own sign-in; the standalone server checks API_TOKENS. */
  authenticator?: Authenticator;
}

/** What every command that writes hardware events needs. */
function registerWriters(ctx: ResolutionContext) {
  return {
    store: ctx.get<EventStore>(TOKENS.EventStore),
    tags: ctx.get<AssetTagSequence>(TOKENS.AssetTagSequence),
    ids: ctx.get<IdGenerator>(TOKENS.IdGenerator),
    clock: ctx.get<Clock>(TOKENS.Clock),
    settings: ctx.get<WorkspaceSettings>(TOKENS.WorkspaceSettings),
    projections: ctx.get<Projections>(TOKENS.Projections),
  };
}

/** The composition root: the one place that knows which adapter serves which port. */
export function buildContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.Closers).toConstantValue([] as Array<() => Promise<void> | void>);
  container.bind<Clock>(TOKENS.Clock).toConstantValue(overrides.clock ?? systemClock);
  container.bind<IdGenerator>(TOKENS.IdGenerator).toConstantValue(uuidGenerator);
  container.bind<WorkspaceSettings>(TOKENS.WorkspaceSettings).toConstantValue({
    assetTagConvention: async () => ({ prefix: config.assetTagPrefix, digits: config.assetTagDigits }),
    sourcePrecedence: () => container.get<ConnectorSettingsStore>(TOKENS.ConnectorSettings).precedence(),
  });
  if (config.eventStoreConnectionString && config.mongodbUri) bindProductionStores(container, config, secretBoxFor(config), overrides.productionClients);
  else {
    refuseBesideRescuedCopy(config.dataFile);
    bindEmbeddedStore(container, config, secretBoxFor(config));
  }
  const metrics = new PrometheusMetrics(
    () => container.get<ProjectionRunner>(TOKENS.Projections).lag(),
    () => lastCompleteListings(container.get<EventStore>(TOKENS.EventStore)),
  );
  container.bind(TOKENS.Metrics).toConstantValue(metrics);
  container.bind<ImportMetrics>(TOKENS.ImportMetrics).toConstantValue(metrics);
  container.bind<MdmConnectors>(TOKENS.MdmConnectors).toConstantValue(
    buildConnectors({
      limits: { connectTimeoutMs: config.mdmConnectTimeoutMs, responseTimeoutMs: config.mdmResponseTimeoutMs, answerDeadlineMs: config.mdmAnswerDeadlineMs, maxResponseBytes: config.mdmMaxResponseBytes },
      maxPages: config.mdmMaxPages,
      metrics,
      ...overrides.connectors,
    }),
  );
  container.bind<RunOwner>(TOKENS.RunOwner).toConstantValue(processRunOwner());
  container.bind<AbortController>(TOKENS.Shutdown).toConstantValue(new AbortController());
  container.bind(TOKENS.RunLeaseSweeper).toDynamicValue((ctx) =>
    new RunLeaseSweeper(ctx.get<EventStore>(TOKENS.EventStore), ctx.get<Clock>(TOKENS.Clock), { leaseMs: config.runLeaseMs, owner: ctx.get<RunOwner>(TOKENS.RunOwner) }, (source, runId) =>
      ctx.get<Logger>(TOKENS.Logger).warn('closed an abandoned import run', { source, runId }),
    ),
  );
  container.bind<MdmSourceProvider>(TOKENS.MdmSourceProvider).toDynamicValue((ctx) =>
    overrides.mdmSources ?? new ConnectorSourceProvider(ctx.get(TOKENS.ConnectorSettings), ctx.get(TOKENS.MdmConnectors)),
  );
  container.bind(TOKENS.LookupBySerial).toDynamicValue((ctx) => new LookupBySerial(ctx.get(TOKENS.ConnectorSettings), ctx.get(TOKENS.MdmConnectors), ctx.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries)));
  container.bind(TOKENS.TestConnection).toDynamicValue((ctx) => new TestConnection(ctx.get(TOKENS.ConnectorSettings), ctx.get(TOKENS.MdmConnectors)));

  const importDeps = (ctx: ResolutionContext): ImportFromMdmDeps => ({
    ...registerWriters(ctx),
    sources: ctx.get<MdmSourceProvider>(TOKENS.MdmSourceProvider),
    users: ctx.get<UserDirectory>(TOKENS.UserDirectory),
    register: ctx.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries),
    known: ctx.get<KnownHardware | null>(TOKENS.KnownHardware),
    snapshots: ctx.get<StreamSnapshots>(TOKENS.StreamSnapshots),
    decisionBatch: ctx.get<number | null>(TOKENS.DecisionBatch),
    leaseMs: config.runLeaseMs,
    owner: ctx.get<RunOwner>(TOKENS.RunOwner),
    shutdown: ctx.get<AbortController>(TOKENS.Shutdown).signal,
    metrics: ctx.get<ImportMetrics>(TOKENS.ImportMetrics),
  });
  container.bind(TOKENS.ImportFromMdm).toDynamicValue((ctx) => new ImportFromMdm(importDeps(ctx)));
  container.bind(TOKENS.PreviewImport).toDynamicValue((ctx) => new PreviewImport(importDeps(ctx)));
  container.bind(TOKENS.ImportHistory).toDynamicValue((ctx) => new ImportHistory(ctx.get<EventStore>(TOKENS.EventStore)));
  container.bind(TOKENS.BackgroundImports).toDynamicValue((ctx) => new BackgroundImports(ctx.get<ImportFromMdm>(TOKENS.ImportFromMdm)));
  container.bind(TOKENS.RegisterView).toDynamicValue((ctx) => new RegisterView(ctx.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries), ctx.get<EventStore>(TOKENS.EventStore)));
  container.bind(TOKENS.RetryFailedDevices).toDynamicValue((ctx) => new RetryFailedDevices(ctx.get<ImportHistory>(TOKENS.ImportHistory), ctx.get<BackgroundImports>(TOKENS.BackgroundImports)));
  container.bind(TOKENS.ScheduledImports).toDynamicValue((ctx) =>
    new ScheduledImports({
      settings: ctx.get(TOKENS.ConnectorSettings),
      sources: ctx.get<MdmSourceProvider>(TOKENS.MdmSourceProvider),
      store: ctx.get<EventStore>(TOKENS.EventStore),
      auditLog: ctx.get<AuditLogQueries>(TOKENS.AuditLogQueries),
      projections: ctx.get<Projections>(TOKENS.Projections),
      imports: ctx.get<BackgroundImports>(TOKENS.BackgroundImports),
      clock: ctx.get<Clock>(TOKENS.Clock),
    }),
  );
  container.bind(TOKENS.RunProgress).toDynamicValue((ctx) =>
    new RunProgress(ctx.get<AuditLogQueries>(TOKENS.AuditLogQueries), ctx.get<Projections>(TOKENS.Projections), ctx.get<ImportHistory>(TOKENS.ImportHistory), ctx.get<Clock>(TOKENS.Clock)),
  );
  container.bind(TOKENS.HardwareHistory).toDynamicValue((ctx) => new HardwareHistory(ctx.get(TOKENS.HardwareRegisterQueries), ctx.get(TOKENS.EventStore)));
  container.bind(TOKENS.Integrations).toDynamicValue((ctx) => new Integrations(ctx.get(TOKENS.ConnectorSettings), ctx.get(TOKENS.TestConnection), ctx.get(TOKENS.Clock)));
  container.bind<Logger>(TOKENS.Logger).toConstantValue(overrides.logger ?? jsonLogger());
  container.bind<Authenticator>(TOKENS.Authenticator).toConstantValue(overrides.authenticator ?? new ConfiguredTokenAuthenticator(config.apiTokens));
  container.bind(TOKENS.HandEdits).toDynamicValue((ctx) =>
    new HandEdits({ ...registerWriters(ctx), register: ctx.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries) }),
  );
  return container;
}

/** Connects to the configured stores; fails fast, with a clear message, when one does not answer. */
export async function checkStartup(container: Container): Promise<void> {
  await container.get<() => Promise<void>>(TOKENS.StartupCheck)();
}

/** Closes every store the container opened, in reverse order of opening. */
export async function closeContainer(container: Container): Promise<void> {
  const closers = container.get<Array<() => Promise<void> | void>>(TOKENS.Closers);
  for (const close of closers.reverse()) await close();
}
