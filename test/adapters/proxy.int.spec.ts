import { expect } from 'chai';
import { IntuneConnector } from '../../src/adapters/driven/intune/intune-connector.js';
import { JamfConnector } from '../../src/adapters/driven/jamf/jamf-connector.js';
import { generateAppleFleet } from '../emulators/jamf/apple-fleet.js';
import { generateGraphFleet } from '../emulators/intune/graph-fleet.js';
import { startConnectProxy, type CountingProxy } from '../support/connect-proxy.js';
import { FAST_RETRY, intuneSettings, startIntune } from '../support/intune-world.js';
import { jamfSettings, startJamf } from '../support/jamf-world.js';

describe('Outbound calls through HTTPS_PROXY (a corporate proxy)', function () {
  this.timeout(30_000);
  let proxy: CountingProxy;
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
  before(async () => {
    proxy = await startConnectProxy();
    process.env.HTTPS_PROXY = proxy.url;
    process.env.NO_PROXY = '';
  });
  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await proxy.close();
  });

  it('sends the Entra token request and the Graph calls of Intune through the proxy', async () => {
    const intune = await startIntune(generateGraphFleet({ size: 5, seed: 1 }));
    try {
      const connector = new IntuneConnector({ extraCaPem: [intune.caPem], retry: FAST_RETRY });
      expect(await connector.testConnection(intuneSettings(intune))).to.include({ ok: true });
      expect(proxy.tunnels.get(`127.0.0.1:${new URL(intune.url).port}`), 'tunnels to the emulator').to.be.at.least(2);
      expect(intune.stats.tokenRequests).to.be.at.least(1);
    } finally {
      await intune.stop();
    }
  });

  it('sends the Jamf token and inventory calls through the proxy', async () => {
    const jamf = await startJamf(generateAppleFleet({ computers: 3, mobiles: 2, seed: 1 }));
    try {
      const connector = new JamfConnector({ extraCaPem: [jamf.caPem], retry: FAST_RETRY });
      expect(await connector.testConnection(jamfSettings(jamf))).to.include({ ok: true });
      expect(proxy.tunnels.get(`127.0.0.1:${new URL(jamf.url).port}`)).to.be.at.least(1);
    } finally {
      await jamf.stop();
    }
  });

  it('goes direct for hosts listed in NO_PROXY', async () => {
    process.env.NO_PROXY = '127.0.0.1';
    const jamf = await startJamf(generateAppleFleet({ computers: 1, mobiles: 1, seed: 2 }));
    try {
      const before = proxy.tunnels.get(`127.0.0.1:${new URL(jamf.url).port}`) ?? 0;
      expect(await new JamfConnector({ extraCaPem: [jamf.caPem], retry: FAST_RETRY }).testConnection(jamfSettings(jamf))).to.include({ ok: true });
      expect(proxy.tunnels.get(`127.0.0.1:${new URL(jamf.url).port}`) ?? 0).to.equal(before);
    } finally {
      process.env.NO_PROXY = '';
      await jamf.stop();
    }
  });
});
