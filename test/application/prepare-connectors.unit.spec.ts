import { expect } from 'chai';
import sinon from 'sinon';
import { prepareEnabledConnectors } from '../../src/application/prepare-connectors.js';
import type { ConnectorSettingsStore } from '../../src/application/ports/connector-settings-store.js';
import type { MdmConnectors } from '../../src/application/ports/mdm-connector.js';

function connectorsWith(intunePrepare: sinon.SinonStub): MdmConnectors {
  // Jamf has nothing to load: it offers no prepare at all.
  return { intune: { source: 'intune', prepare: intunePrepare }, jamf: { source: 'jamf' } } as unknown as MdmConnectors;
}

function settingsWith(enabled: { intune?: boolean; jamf?: boolean }): Pick<ConnectorSettingsStore, 'get'> {
  return { get: async (source) => (enabled[source] === undefined ? null : ({ enabled: enabled[source] } as never)) };
}

describe('Preparing the enabled connectors before the server listens', () => {
  it('given Intune enabled, loads its libraries and names it', async () => {
    const prepare = sinon.stub().resolves();
    expect(await prepareEnabledConnectors(settingsWith({ intune: true, jamf: true }), connectorsWith(prepare))).to.deep.equal(['intune']);
    expect(prepare.callCount).to.equal(1);
  });

  it('given Intune saved but switched off, or never saved, loads nothing', async () => {
    for (const enabled of [{ intune: false, jamf: true }, {}]) {
      const prepare = sinon.stub().resolves();
      expect(await prepareEnabledConnectors(settingsWith(enabled), connectorsWith(prepare))).to.deep.equal([]);
      expect(prepare.called).to.equal(false);
    }
  });

  it('given libraries that cannot be loaded, stops the start naming the connector and the fix', async () => {
    const prepare = sinon.stub().rejects(new Error("Cannot find module '@azure/identity'"));
    let error: Error | null = null;
    try {
      await prepareEnabledConnectors(settingsWith({ intune: true }), connectorsWith(prepare));
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).to.equal("The Microsoft Intune connector could not load its libraries: Cannot find module '@azure/identity'. Reinstall the dependencies (npm ci), then start again.");
  });
});
