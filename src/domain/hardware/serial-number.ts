import { DomainError } from '../shared/domain-error.js';
import { quote } from '../shared/quote.js';
import { holdsControlCharacter, holdsHalfCharacter, invisibleCharacterIn, otherFormIn, reported } from '../shared/text.js';

/** What nearly every serial is: none of the character checks below is needed. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Values that firmware, OEM images and hypervisors put where a serial belongs. Compared after
 * upper-casing and dropping everything but letters and digits, so "To be filled by O.E.M." and
 * "TO BE FILLED BY OEM" are one placeholder.
 */
const PLACEHOLDERS = new Set(
  [
    'To be filled by O.E.M.', 'O.E.M.', 'OEM', 'System Serial Number', 'Chassis Serial Number',
    'Base Board Serial Number', 'Default string', 'Not Specified', 'Not Available', 'Not Applicable',
    'None', 'N/A', 'NA', 'Null', 'Unknown', 'Invalid', 'Empty', 'Serial', 'Serial Number', 'SN',
    'Default', 'No Serial', '123456789', '1234567890', '0123456789', '1234567', '12345678', '12345',
  ].map((placeholder) => squash(placeholder, true)),
);

const MAX_LENGTH = 64;

export type SerialReading =
  | { kind: 'serial'; serial: string }
  | { kind: 'missing' }
  | { kind: 'placeholder'; raw: string };

/** Full-width and other forms read as their plain letters here, so "ＮＯＮＥ" is the placeholder it looks like. */
function squash(value: string, ascii = PRINTABLE_ASCII.test(value)): string {
  return (ascii ? value : value.normalize('NFKC')).toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Where a serial was read from: the field an unusable one is reported under, and how to correct it. */
export interface SerialOrigin {
  field: string;
  fix: string;
}

const FROM_MDM: SerialOrigin = { field: 'serialNumber', fix: 'Correct the serial number in the MDM, then re-run the import.' };

/** A serial an admin typed (or pasted): the Hardware form, Look up by serial. */
export const TYPED_SERIAL: SerialOrigin = { field: 'serial', fix: 'Type the serial as printed on the device.' };

function unusable(value: string, why: string, { field, fix }: SerialOrigin): DomainError {
  return new DomainError('invalid-serial', `${field} ${quote(value, 80)} is not a usable serial (${why}).`, field, fix);
}

/** The serial is the register's dedup key: trimmed and upper-cased so every source spells it alike. */
export function readSerial(raw: string | null | undefined, origin: SerialOrigin = FROM_MDM): SerialReading {
  const value = reported(raw);
  if (value === null) return { kind: 'missing' };
  const ascii = PRINTABLE_ASCII.test(value);
  const squashed = squash(value, ascii);
  if (squashed === '' || PLACEHOLDERS.has(squashed) || /^(.)\1*$/.test(squashed)) {
    return { kind: 'placeholder', raw: value };
  }
  const serial = value.toUpperCase();
  if (serial.length > MAX_LENGTH) throw unusable(value, `at most ${MAX_LENGTH} printable characters`, origin);
  if (!ascii) refuseUnseenCharacters(value, origin);
  return { kind: 'serial', serial };
}

function refuseUnseenCharacters(value: string, origin: SerialOrigin): void {
  if (holdsControlCharacter(value)) throw unusable(value, `at most ${MAX_LENGTH} printable characters`, origin);
  // Kept as the stores write it, such a key would stop matching its own record.
  if (holdsHalfCharacter(value)) throw unusable(value, 'it holds half of a character: the text was cut or mis-encoded', origin);
  // Shown, such a serial is the serial without it: a second record that looks like the first.
  const invisible = invisibleCharacterIn(value);
  if (invisible) throw unusable(value, `it holds an invisible character, ${invisible.codePoint} at character ${invisible.position}, and would look like another serial`, origin);
  const other = otherFormIn(value);
  if (other) throw unusable(value, `it holds ${other.codePoint} at character ${other.position}, another form of a plainer character (full-width, say), and would look like another serial`, origin);
}
