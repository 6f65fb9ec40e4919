import { IntuneConnector, type IntuneConnectorOptions } from '../adapters/driven/intune/intune-connector.js';
import { JamfConnector } from '../adapters/driven/jamf/jamf-connector.js';
import type { MdmConnectors } from '../application/ports/mdm-connector.js';

/** One connector per MDM product, sharing the process's outbound network settings. */
export function buildConnectors(options: IntuneConnectorOptions = {}): MdmConnectors {
  return {
    intune: new IntuneConnector(options),
    jamf: new JamfConnector(options),
  };
}
