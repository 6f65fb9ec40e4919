import { readiness, type Readiness } from '../domain/connectors/connector-settings.js';
import type { MdmSourceName } from '../domain/hardware/mdm-source.js';
import type { ConnectorSettingsStore } from './ports/connector-settings-store.js';
import type { MdmConnectors } from './ports/mdm-connector.js';
import { SourceNotConfigured, type MdmSource, type MdmSourceProvider } from './ports/mdm-source.js';

/** Opens a source only when its connector reads Configured, with the saved settings. */
export class ConnectorSourceProvider implements MdmSourceProvider {
  constructor(
    private readonly settings: Pick<ConnectorSettingsStore, 'get'>,
    private readonly connectors: MdmConnectors,
  ) {}

  async readiness(source: MdmSourceName): Promise<Readiness> {
    return readiness(source, await this.settings.get(source));
  }

  async open(source: MdmSourceName): Promise<MdmSource> {
    const saved = await this.settings.get(source);
    const ready = readiness(source, saved);
    if (!ready.configured || !saved) throw new SourceNotConfigured(source, ready.missing);
    const connector = this.connectors[source] as MdmConnectors[MdmSourceName];
    return {
      name: source,
      devices: () => (connector.devices as (s: typeof saved) => AsyncIterable<never>)(saved),
      devicesById: (ids) => (connector.devicesById as (s: typeof saved, ids: readonly string[]) => AsyncIterable<never>)(saved, ids),
    };
  }
}
