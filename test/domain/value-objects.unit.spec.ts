import { expect } from 'chai';
import { readSerial } from '../../src/domain/hardware/serial-number.js';
import { normaliseMac, preferredMac } from '../../src/domain/hardware/mac-address.js';
import { normaliseEmail } from '../../src/domain/hardware/email-address.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { formatAssetTag, validateConvention } from '../../src/domain/hardware/asset-tag.js';

describe('Serial number', () => {
  it('is trimmed and upper-cased so every source spells it alike', () => {
    expect(readSerial('  c02xk1jhjgh5 ')).to.deep.equal({ kind: 'serial', serial: 'C02XK1JHJGH5' });
  });

  for (const missing of [null, undefined, '', '   ']) {
    it(`reads ${JSON.stringify(missing)} as no serial`, () => {
      expect(readSerial(missing)).to.deep.equal({ kind: 'missing' });
    });
  }

  const placeholders = [
    '0', '0000000', 'To be filled by O.E.M.', 'TO BE FILLED BY OEM', 'System Serial Number', 'Default string',
    'Not Specified', 'None', 'N/A', 'Chassis Serial Number', '123456789', 'Unknown', 'XXXXXXXX', 'Base Board Serial Number',
  ];
  for (const placeholder of placeholders) {
    it(`treats the placeholder ${JSON.stringify(placeholder)} as no serial`, () => {
      expect(readSerial(placeholder).kind).to.equal('placeholder');
    });
  }

  it('refuses a value that cannot be a serial, naming the field and the fix', () => {
    expect(() => readSerial('AB'.repeat(33)))
      .to.throw(DomainError, /serialNumber .*at most 64 printable characters.*Correct the serial number in the MDM/)
      .with.property('field', 'serialNumber');
  });

  it('refuses a serial holding half of a character (cut or mis-encoded text), which no store keeps as sent', () => {
    expect(() => readSerial('C02XK1J\ud800'))
      .to.throw(DomainError, /^serialNumber "C02XK1J\\ud800" is not a usable serial \(it holds half of a character/)
      .with.property('field', 'serialNumber');
    expect(readSerial('C02XK1J\u{1F4BB}')).to.deep.equal({ kind: 'serial', serial: 'C02XK1J\u{1F4BB}' });
  });

  const invisible: Array<[string, string, string]> = [
    ['C02XK1\u200bJHJGH5', 'U+200B', 'a zero-width space'],
    ['C02XK1\u00a0JHJGH5', 'U+00A0', 'a no-break space'],
    ['C02XK1\u00adJHJGH5', 'U+00AD', 'a soft hyphen'],
    ['\u200eC02XK1JHJGH5', 'U+200E', 'a left-to-right mark'],
    ['C02XK1\u0085JHJGH5', 'U+0085', 'a C1 control'],
    ['\u{1F4BB}C02\u3000XK1', 'U+3000', 'an ideographic space'],
  ];
  for (const [raw, codePoint, what] of invisible) {
    it(`refuses a serial holding ${what}, which would look like the serial without it`, () => {
      const position = [...raw].findIndex((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` === codePoint) + 1;
      expect(() => readSerial(raw))
        .to.throw(DomainError, new RegExp(`is not a usable serial \\(it holds an invisible character, ${codePoint.replace('+', '\\+')} at character ${position},`))
        .with.property('field', 'serialNumber');
    });
  }

  const otherForms: Array<[string, string, number, string]> = [
    ['ＡＢ１２３ＸＹ', 'U+FF21', 1, 'full-width letters and digits'],
    ['C02XK1J²', 'U+00B2', 8, 'a superscript two'],
    ['SN-A\u0308B2', 'U+0308', 5, 'a combining mark written apart from its letter'],
  ];
  for (const [raw, codePoint, position, what] of otherForms) {
    it(`refuses a serial holding ${what}, another form of a plainer character`, () => {
      expect(() => readSerial(raw, { field: 'serial', fix: 'Type it.' }))
        .to.throw(DomainError, new RegExp(`it holds ${codePoint.replace('+', '\\+')} at character ${position}, another form of a plainer character`))
        .with.property('field', 'serial');
    });
  }

  it('reads a full-width placeholder as the placeholder it looks like', () => {
    expect(readSerial('ＮＯＮＥ').kind).to.equal('placeholder');
  });

  it('keeps the spaces between the parts of a serial, and refuses none of the letters, marks or symbols a serial may hold', () => {
    for (const raw of ['PF 2ABCDE', 'SN-Ä1B2', 'C02XK1J\u{1F4BB}']) expect(readSerial(raw).kind, raw).to.equal('serial');
  });

  it('names the field it was given when the serial is not read from an MDM', () => {
    expect(() => readSerial('HAND\u0007', { field: 'serial', fix: 'Give the serial printed on the device.' }))
      .to.throw(DomainError, /^serial "HAND\\u0007" is not a usable serial/)
      .with.property('fix', 'Give the serial printed on the device.');
  });
});

describe('MAC address', () => {
  const spellings: Array<[string, string]> = [
    ['3C219C0A1B2C', '3C:21:9C:0A:1B:2C'],
    ['a4:83:e7:12:34:56', 'A4:83:E7:12:34:56'],
    ['A4-83-E7-12-34-56', 'A4:83:E7:12:34:56'],
    ['a483.e712.3456', 'A4:83:E7:12:34:56'],
    // A private (locally administered) Wi-Fi address is still one card's.
    ['da:a1:19:5c:3e:01', 'DA:A1:19:5C:3E:01'],
  ];
  for (const [raw, normal] of spellings) {
    it(`normalises ${raw} to ${normal}`, () => expect(normaliseMac(raw)).to.equal(normal));
  }

  const unusables = [
    '', '00:00:00:00:00:00', 'ff-ff-ff-ff-ff-ff', 'not-a-mac', '3C219C0A1B', '3C219C0A1B2C3D',
    // What Android and iOS give software in place of the address, and group addresses (mDNS, IPv6 multicast).
    '02:00:00:00:00:00', '020000000000', '01:00:5E:00:00:FB', '333300000001', '3D:21:9C:0A:1B:2C',
  ];
  for (const unusable of unusables) {
    it(`reads ${JSON.stringify(unusable)} as not reported`, () => expect(normaliseMac(unusable)).to.equal(null));
  }

  it('prefers Wi-Fi and falls back to Ethernet', () => {
    expect(preferredMac('3C219C0A1B2C', 'AABBCCDDEEFF')).to.equal('3C:21:9C:0A:1B:2C');
    expect(preferredMac('', 'AABBCCDDEEFF')).to.equal('AA:BB:CC:DD:EE:FF');
    expect(preferredMac(null, null)).to.equal(null);
    expect(preferredMac('02:00:00:00:00:00', 'AABBCCDDEEFF'), 'a placeholder Wi-Fi address').to.equal('AA:BB:CC:DD:EE:FF');
  });
});

describe('Email address', () => {
  it('ignores letter case and surrounding spaces, nothing else', () => {
    expect(normaliseEmail('  Alice.Martin@ACME.example ')).to.equal('alice.martin@acme.example');
    expect(normaliseEmail('alice martin@acme.example')).to.equal(null);
    expect(normaliseEmail('alice')).to.equal(null);
    expect(normaliseEmail('')).to.equal(null);
  });
});

describe('Asset tag convention', () => {
  it('formats a prefix and a zero-padded sequence', () => {
    expect(formatAssetTag({ prefix: 'HW-', digits: 5 }, 42)).to.equal('HW-00042');
    expect(formatAssetTag({ prefix: 'IT', digits: 3 }, 12345)).to.equal('IT12345');
  });

  it('refuses a prefix or width that would make unreadable tags, saying what to use', () => {
    expect(() => validateConvention({ prefix: ' HW', digits: 5 })).to.throw(DomainError, /assetTagPrefix|prefix/);
    expect(() => validateConvention({ prefix: 'HW-', digits: 0 })).to.throw(DomainError, /from 1 to 12/);
  });
});
