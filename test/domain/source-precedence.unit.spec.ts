import { expect } from 'chai';
import { decide } from '../../src/domain/hardware/decide.js';
import type { ImportDevice } from '../../src/domain/hardware/commands.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { DEFAULT_PRECEDENCE, platformOf, validatePrecedence, type SourcePrecedence } from '../../src/domain/hardware/source-precedence.js';
import { importDevice, imported, latitude, macbook, stateAfter } from '../support/mothers.js';

const withPrecedence = (command: ImportDevice, precedence: SourcePrecedence): ImportDevice => ({ ...command, data: { ...command.data, precedence } });

describe('Source precedence for a device in both MDMs', () => {
  const macInIntune = macbook({ source: 'intune', sourceDeviceId: 'aad-7', osVersion: '14.6', lastSyncedAt: '2026-11-26T09:00:00.000Z' });
  const macInJamf = macbook({ source: 'jamf', sourceDeviceId: '101', osVersion: '15.1', lastSyncedAt: '2026-11-26T08:00:00.000Z' });

  it('by default follows Jamf Pro for Apple devices, even when Intune reported the Mac first', () => {
    const [event] = decide(importDevice(macInJamf), stateAfter(imported(macInIntune)));
    expect(event!.data).to.deep.include({ scope: 'all', source: 'jamf', changes: { osVersion: { from: '14.6', to: '15.1' } } });
  });

  it('then keeps Intune to the fields Jamf leaves empty, so nothing flips back on the next run', () => {
    const history = [imported(macInIntune), ...decide(importDevice(macInJamf), stateAfter(imported(macInIntune)))];
    const intuneAgain = decide(importDevice(macInIntune), stateAfter(...history));
    expect(intuneAgain.filter((e) => e.type === 'HardwareIdentityUpdated')).to.deep.equal([]);
  });

  it('follows Intune for the rest by default', () => {
    const pcInJamf = latitude({ source: 'jamf', sourceDeviceId: '55', osVersion: '10.0.22631.9999', lastSyncedAt: '2026-11-26T09:00:00.000Z' });
    const events = decide(importDevice(pcInJamf), stateAfter(imported(latitude())));
    expect(events.every((e) => e.type !== 'HardwareIdentityUpdated' || e.data.scope === 'empty-fields')).to.equal(true);
  });

  it('follows what an admin chose instead', () => {
    const intuneFirst: SourcePrecedence = { apple: 'intune', other: 'intune' };
    const events = decide(withPrecedence(importDevice(macInJamf), intuneFirst), stateAfter(imported(macInIntune)));
    expect(events.filter((e) => e.type === 'HardwareIdentityUpdated' && e.data.scope === 'all')).to.deep.equal([]);
  });

  it('passes ownership to the other source once the preferred one stops listing the device', () => {
    const history = [imported(macInJamf), ...decide(importDevice(macInIntune), stateAfter(imported(macInJamf)))];
    const gone = decide({ type: 'MarkMissingFromMdm', data: { source: 'jamf', runId: 'r', lastCompleteListingAt: null }, metadata: { now: '2026-12-01T00:00:00.000Z' } }, stateAfter(...history));
    const [event] = decide(importDevice(macInIntune), stateAfter(...history, ...gone));
    expect(event!.data).to.deep.include({ scope: 'all', source: 'intune', changes: { osVersion: { from: '15.1', to: '14.6' } } });
  });

  it('tells Apple devices by their manufacturer or operating system', () => {
    expect(platformOf({ manufacturer: 'Apple', operatingSystem: null })).to.equal('apple');
    expect(platformOf({ manufacturer: null, operatingSystem: 'iPadOS' })).to.equal('apple');
    expect(platformOf({ manufacturer: 'Dell Inc.', operatingSystem: 'Windows' })).to.equal('other');
  });

  it('accepts intune or jamf per platform, and names the field otherwise', () => {
    expect(validatePrecedence({ apple: 'intune', other: 'jamf' })).to.deep.equal({ apple: 'intune', other: 'jamf' });
    expect(() => validatePrecedence({ apple: 'kandji', other: 'intune' })).to.throw(DomainError, /apple is "kandji", not an MDM\. Choose intune or jamf/);
    expect(() => validatePrecedence({ apple: JSON.parse('['.repeat(6_000) + ']'.repeat(6_000)), other: 'intune' })).to.throw(DomainError, /apple is \[{120}…, not an MDM/);
    expect(DEFAULT_PRECEDENCE).to.deep.equal({ apple: 'jamf', other: 'intune' });
  });
});
