import { expect } from 'chai';
import { screenDevice } from '../../src/domain/hardware/screening.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { isVirtualDevice } from '../../src/domain/hardware/virtual-device.js';
import { latitude, macbook } from '../support/mothers.js';

describe('Screening devices before import', () => {
  it('passes a device with a real serial, normalised', () => {
    expect(screenDevice(macbook({ serialNumber: ' c02xk1jhjgh5' }))).to.deep.equal({ kind: 'importable', serial: 'C02XK1JHJGH5' });
  });

  it('skips a device without serial (Autopilot-only registration)', () => {
    expect(screenDevice(latitude({ serialNumber: '' }))).to.include({ kind: 'skipped', reason: 'no-serial' });
  });

  it('refuses a reported value longer than 1,000 characters, naming the field, and takes one of 1,000', () => {
    expect(() => screenDevice(latitude({ model: 'M'.repeat(1_001) }))).to.throw(DomainError, /^model is 1,001 characters long; the register takes reported values of at most 1,000\. Correct the value in the MDM/)
      .with.property('field', 'model');
    expect(() => screenDevice(latitude({ specifications: { imei: '9'.repeat(5_000) } }))).to.throw(DomainError, /^specifications\.imei is 5,000 characters long/);
    expect(screenDevice(latitude({ model: 'M'.repeat(1_000) }))).to.include({ kind: 'importable' });
  });

  it('skips a placeholder serial instead of merging every such device into one record', () => {
    expect(screenDevice(latitude({ serialNumber: 'To be filled by O.E.M.' }))).to.include({ kind: 'skipped', reason: 'placeholder-serial' });
  });

  const virtual: Array<[string, string]> = [
    ['Microsoft Corporation', 'Virtual Machine'],
    ['VMware, Inc.', 'VMware7,1'],
    ['VMware, Inc.', 'VMware Virtual Platform'],
    ['innotek GmbH', 'VirtualBox'],
    ['QEMU', 'Standard PC (Q35 + ICH9, 2009)'],
    ['Parallels International GmbH.', 'Parallels ARM Virtual Machine'],
    ['Microsoft Corporation', 'Cloud PC Enterprise 2vCPU/8GB/128GB'],
    ['Microsoft Corporation', 'Hyper-V UEFI Release v4.1'],
    ['Red Hat', 'KVM'],
    ['Xen', 'HVM domU'],
    ['Google', 'Google Compute Engine'],
    ['Amazon EC2', 'm5.large'],
    ['Bochs', 'Bochs'],
    ['Apple Inc.', 'VirtualMac2,1'],
  ];
  for (const [manufacturer, model] of virtual) {
    it(`skips the virtual registration ${manufacturer} ${model}`, () => {
      expect(screenDevice(latitude({ manufacturer, model, serialNumber: '0000-0014-0657-8375-4585-0309-11' })))
        .to.include({ kind: 'skipped', reason: 'virtual-device' });
    });
  }

  it('does not mistake real hardware for a virtual machine', () => {
    for (const [manufacturer, model] of [['Microsoft Corporation', 'Surface Laptop 5'], ['Apple', 'MacBook Air (M2, 2022)'], ['LENOVO', '21HMCTO1WW'], ['Xenon Systems', 'Workstation'], ['Dell Inc.', 'Precision 7960 Tower (Xeon)']] as const) {
      expect(isVirtualDevice({ manufacturer, model })).to.equal(false, `${manufacturer} ${model}`);
    }
  });
});
