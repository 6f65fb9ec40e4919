import { expect } from 'chai';
import { decide } from '../../src/domain/hardware/decide.js';
import { decisionInputs, decisionReadsCheckIn } from '../../src/domain/hardware/decision-inputs.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import { DEFAULT_PRECEDENCE } from '../../src/domain/hardware/source-precedence.js';
import { initialState } from '../../src/domain/hardware/state.js';
import { alice, importDevice, imported, latitude, macbook, stateAfter } from '../support/mothers.js';

const inputs = (device: MdmDevice, withCheckIn: boolean, assignee = alice) =>
  decisionInputs({ device, serial: device.serialNumber!.toUpperCase(), assignee, precedence: DEFAULT_PRECEDENCE }, withCheckIn);

describe('What an import decision reads from an entry (its fingerprint)', () => {
  it('changes with every identity field, the device id and the resolved assignee', () => {
    const base = inputs(latitude(), false);
    expect(inputs(latitude({ osVersion: '10.0.26100.1' }), false)).to.not.equal(base);
    expect(inputs(latitude({ wifiMacAddress: '3C219C0A1B2D' }), false)).to.not.equal(base);
    expect(inputs(latitude({ sourceDeviceId: 'other' }), false)).to.not.equal(base);
    expect(inputs(latitude(), false, { ...alice, name: 'Alice Martin-Roy' })).to.not.equal(base);
  });

  it('leaves out what no decision on an existing record reads: the device name and specifications', () => {
    expect(inputs(latitude({ deviceName: 'RENAMED', specifications: { ram: 1 } }), false)).to.equal(inputs(latitude(), false));
  });

  it('takes the check-in time in only when asked', () => {
    const later = latitude({ lastSyncedAt: '2026-11-28T07:00:00.000Z' });
    expect(inputs(later, false)).to.equal(inputs(latitude(), false));
    expect(inputs(later, true)).to.not.equal(inputs(latitude(), true));
  });

  describe('whether the decision reads the check-in time', () => {
    it('given a record only this device of this source reports, then not: a newer check-in decides the same', () => {
      const state = stateAfter(imported(latitude()));
      expect(decisionReadsCheckIn(state, latitude())).to.equal(false);
      const later = latitude({ lastSyncedAt: '2030-01-01T00:00:00.000Z' });
      expect(decide(importDevice(later), state)).to.deep.equal(decide(importDevice(latitude()), state));
    });

    it('given a record another source also reports, then yes', () => {
      const mac = macbook({ source: 'intune', sourceDeviceId: 'aad-7' });
      const state = stateAfter(imported(macbook()), ...decide(importDevice(mac), stateAfter(imported(macbook()))));
      expect(decisionReadsCheckIn(state, mac)).to.equal(true);
    });

    it('given a record another device of the same source reports, then yes', () => {
      expect(decisionReadsCheckIn(stateAfter(imported(latitude())), latitude({ sourceDeviceId: 'duplicate' }))).to.equal(true);
    });

    it('given no record yet, then yes (it is a new device, decided the whole way)', () => {
      expect(decisionReadsCheckIn(initialState(), latitude())).to.equal(true);
    });
  });
});
