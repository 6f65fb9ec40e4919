import { MDM_SOURCES, sourceDisplayName, type MdmSourceName } from '../domain/hardware/mdm-source.js';
import type { ConnectorSettingsStore } from './ports/connector-settings-store.js';
import type { MdmConnectors } from './ports/mdm-connector.js';

/**
 * Has each enabled source's connector load what it needs, before the server takes requests: a library
 * loaded on first use holds the event loop while it loads, and every request in flight waits with the
 * first import. A library that cannot be loaded stops the start with what to do, not the first import.
 */
export async function prepareEnabledConnectors(settings: Pick<ConnectorSettingsStore, 'get'>, connectors: MdmConnectors): Promise<MdmSourceName[]> {
  const prepared: MdmSourceName[] = [];
  for (const source of MDM_SOURCES) {
    const connector = connectors[source];
    if (!connector.prepare || !(await settings.get(source))?.enabled) continue;
    try {
      await connector.prepare();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`The ${sourceDisplayName(source)} connector could not load its libraries: ${reason}. Reinstall the dependencies (npm ci), then start again.`, { cause: error });
    }
    prepared.push(source);
  }
  return prepared;
}
