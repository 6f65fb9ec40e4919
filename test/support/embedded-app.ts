import type { Container } from 'inversify';
import { InMemoryMdmSource } from '../../src/adapters/driven/synthetic/in-memory-mdm-source.js';
import type { ImportFromMdm } from '../../src/application/commands/import-from-mdm.js';
import type { ScheduledImports } from '../../src/application/scheduled-imports.js';
import type { Clock } from '../../src/application/ports/clock.js';
import type { PreviewImport } from '../../src/application/commands/preview-import.js';
import type { HandEdits } from '../../src/application/commands/hand-edits.js';
import type { ImportHistory } from '../../src/application/queries/import-history.js';
import { SourceNotConfigured, type MdmSourceProvider } from '../../src/application/ports/mdm-source.js';
import type { EventStore } from '../../src/application/ports/event-store.js';
import type { Projections } from '../../src/application/ports/projections.js';
import type { AuditLogQueries, HardwareRegisterQueries } from '../../src/application/ports/read-models.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import type { MdmSourceName } from '../../src/domain/hardware/mdm-source.js';
import type { SqliteUserDirectory, UserRow } from '../../src/adapters/driven/sqlite/sqlite-user-directory.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { buildContainer, closeContainer } from '../../src/infrastructure/container.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { MdmSource } from '../../src/application/ports/mdm-source.js';

export type Fleets = Partial<Record<MdmSourceName, MdmSource | (() => Iterable<MdmDevice>)>>;

/** The whole module on a throw-away embedded store, with MDM sources held in process. */
export class EmbeddedApp {
  readonly container: Container;
  readonly fleets: Fleets;

  constructor(fleets: Fleets = {}, env: Record<string, string> = {}, pageSize = 100, clock?: Clock) {
    this.fleets = fleets;
    const provider: MdmSourceProvider = {
      open: async (name) => {
        const fleet = this.fleets[name];
        if (!fleet) throw new SourceNotConfigured(name, ['tenant']);
        return typeof fleet === 'function' ? new InMemoryMdmSource(name, fleet, pageSize) : fleet;
      },
      readiness: async (name) => (this.fleets[name] ? { configured: true, missing: [] } : { configured: false, missing: ['tenant'] }),
    };
    this.container = buildContainer(loadConfig({ DATA_FILE: ':memory:', ...env }), { mdmSources: provider, ...(clock ? { clock } : {}) });
  }

  get importer() { return this.container.get<ImportFromMdm>(TOKENS.ImportFromMdm); }
  get schedules() { return this.container.get<ScheduledImports>(TOKENS.ScheduledImports); }
  get previewer() { return this.container.get<PreviewImport>(TOKENS.PreviewImport); }
  get history() { return this.container.get<ImportHistory>(TOKENS.ImportHistory); }
  get edits() { return this.container.get<HandEdits>(TOKENS.HandEdits); }
  get register() { return this.container.get<HardwareRegisterQueries>(TOKENS.HardwareRegisterQueries); }
  get auditLog() { return this.container.get<AuditLogQueries>(TOKENS.AuditLogQueries); }
  get store() { return this.container.get<EventStore>(TOKENS.EventStore); }
  get projections() { return this.container.get<Projections>(TOKENS.Projections); }

  loadUsers(users: UserRow[]): void {
    this.container.get<SqliteUserDirectory>(TOKENS.UserDirectory).upsert(users);
  }

  import(source: MdmSourceName, triggeredBy = 'admin@acme.example') {
    return this.importer.execute({ source, triggeredBy });
  }

  close(): Promise<void> {
    return closeContainer(this.container);
  }
}
