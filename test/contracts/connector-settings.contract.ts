import { expect } from 'chai';
import type { ConnectorSettingsStore } from '../../src/application/ports/connector-settings-store.js';

export interface ConnectorSettingsHarness {
  store: ConnectorSettingsStore;
  close(): Promise<void>;
}

/** What every connector-settings adapter must do: secrets sealed and opened, tests, schedules and precedence kept. */
export function connectorSettingsContract(name: string, open: () => Promise<ConnectorSettingsHarness>): void {
  describe(`Connector-settings contract: ${name}`, () => {
    let h: ConnectorSettingsHarness;
    beforeEach(async () => (h = await open()));
    afterEach(() => h.close());

    it('keeps settings with the secret readable back, and nothing before they are saved', async () => {
      expect(await h.store.get('jamf')).to.equal(null);
      await h.store.save('jamf', { enabled: true, tenantUrl: 'https://acme.jamfcloud.com', clientId: 'c', clientSecret: 's3cret' });
      expect(await h.store.get('jamf')).to.deep.include({ tenantUrl: 'https://acme.jamfcloud.com', clientSecret: 's3cret' });
    });

    it('reads a schedule as off until one is saved, then keeps it per source', async () => {
      expect(await h.store.schedule('intune')).to.deep.equal({ kind: 'off' });
      await h.store.saveSchedule('intune', { kind: 'daily', at: '02:30', timeZone: 'Europe/Paris', savedAt: '2026-11-28T10:00:00.000Z' });
      await h.store.saveSchedule('intune', { kind: 'every', hours: 6, savedAt: '2026-11-28T11:00:00.000Z' });
      expect(await h.store.schedule('intune')).to.deep.equal({ kind: 'every', hours: 6, savedAt: '2026-11-28T11:00:00.000Z' });
      expect(await h.store.schedule('jamf')).to.deep.equal({ kind: 'off' });
    });

    it('keeps the recent Test connection results per source, in the order given', async () => {
      expect(await h.store.recentTests('intune')).to.deep.equal([]);
      const test = (message: string, settingsKey: string) => ({ ok: true as const, message, at: '2026-12-07T10:00:00.000Z', by: 'admin@acme.example', onUnsavedValues: false, settingsKey });
      await h.store.saveRecentTests('intune', [test('first', 'a')]);
      await h.store.saveRecentTests('intune', [test('tried', 'b'), test('first', 'a')]);
      expect(await h.store.recentTests('intune')).to.deep.equal([test('tried', 'b'), test('first', 'a')]);
      expect(await h.store.recentTests('jamf')).to.deep.equal([]);
    });

    it('reads the source precedence as the default until one is saved', async () => {
      expect(await h.store.precedence()).to.deep.equal({ apple: 'jamf', other: 'intune' });
      await h.store.savePrecedence({ apple: 'intune', other: 'intune' });
      expect(await h.store.precedence()).to.deep.equal({ apple: 'intune', other: 'intune' });
    });
  });
}
