import { expect } from 'chai';
import { deriveName, personName, shortModel } from '../../src/domain/hardware/device-name.js';

describe('Deriving a hardware name', () => {
  it("names an assigned device after its holder: Alice's MacBook Pro", () => {
    expect(deriveName({ model: 'MacBook Pro (14-inch, 2023)', manufacturer: 'Apple', serial: 'C02X', assigneeName: 'Alice Martin', mdmDeviceName: 'x' }))
      .to.equal("Alice's MacBook Pro");
  });

  it("reads the first name of a holder listed family name first: Martin, Alice → Alice's MacBook Pro", () => {
    const named = (assigneeName: string) => deriveName({ model: 'MacBook Pro (14-inch, 2023)', manufacturer: 'Apple', serial: 'C02X', assigneeName, mdmDeviceName: 'x' });
    expect(named('Martin, Alice')).to.equal("Alice's MacBook Pro");
    expect(named(' Martin ,  Alice Jane ')).to.equal("Alice's MacBook Pro");
    expect(named('Martin,'), 'no given name after the comma').to.equal("Martin's MacBook Pro");
    expect(named('  '), 'a blank name is none').to.equal('x');
  });

  it('uses the MDM device name for an unassigned device', () => {
    expect(deriveName({ model: 'Latitude 7440', manufacturer: 'Dell Inc.', serial: '7XK9QW3', assigneeName: null, mdmDeviceName: 'ACME-LAB-07' }))
      .to.equal('ACME-LAB-07');
  });

  it('falls back to model and serial when there is no better name', () => {
    expect(deriveName({ model: 'Latitude 7440', manufacturer: 'Dell Inc.', serial: '7XK9QW3', assigneeName: null, mdmDeviceName: '7xk9qw3' }))
      .to.equal('Latitude 7440 7XK9QW3');
    expect(deriveName({ model: null, manufacturer: null, serial: 'ABC', assigneeName: null, mdmDeviceName: null })).to.equal('Device ABC');
  });

  it('drops the maker from a model that repeats it', () => {
    expect(shortModel('HP EliteBook 840 G10', 'HP')).to.equal('EliteBook 840 G10');
    expect(shortModel('Dell Latitude 7440', 'Dell Inc.'), 'the maker without its company suffix').to.equal('Latitude 7440');
  });

  it('drops the maker whole when the model repeats it with its company suffix: Dell Inc. Latitude 7440', () => {
    expect(shortModel('Dell Inc. Latitude 7440', 'Dell Inc.')).to.equal('Latitude 7440');
    expect(shortModel('HP Inc. EliteBook 860 G10', 'HP Inc.')).to.equal('EliteBook 860 G10');
    expect(shortModel('Microsoft Corporation Surface Laptop 5', 'Microsoft Corporation')).to.equal('Surface Laptop 5');
    expect(shortModel('Dell Inc.', 'Dell Inc.'), 'a model that is only the maker stays as it is').to.equal('Dell Inc.');
  });

  it("reads a first name from the email when the directory has no display name", () => {
    expect(personName(null, 'carol.jones@acme.example')).to.equal('Carol');
    expect(personName('  Dan Li ', 'dan@acme.example')).to.equal('Dan Li');
    expect(personName('carol.jones@acme.example', 'carol.jones@acme.example'), 'a display name that is an address is none').to.equal('Carol');
    expect(personName('Carol Jones (carol@acme.example)', 'carol@acme.example')).to.equal('Carol Jones (carol@acme.example)');
  });
});
