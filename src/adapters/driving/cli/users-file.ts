import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { UserRow } from '../../driven/sqlite/sqlite-user-directory.js';
import { parse } from 'csv-parse/sync';
import { normaliseEmail } from '../../../domain/hardware/email-address.js';
import { quote } from '../../../domain/shared/quote.js';

function jsonRows(text: string, file: string): Array<{ row: Record<string, unknown>; where: string }> {
  let rows: unknown;
  try {
    rows = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsersFileError(file, 'the file', `is not valid JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(rows)) throw new UsersFileError(file, 'top level', 'expected an array of users.');
  return rows.map((row, i) => ({ row: (row && typeof row === 'object' ? row : {}) as Record<string, unknown>, where: `item ${i + 1}` }));
}

export class UsersFileError extends Error {
  constructor(file: string, where: string, message: string) {
    super(`${file}, ${where}: ${message}`);
    this.name = 'UsersFileError';
  }
}

/** Header names as exports spell them (Email, E-mail, Display Name, …) → the fields this file knows. */
const COLUMNS: Record<string, string> = { email: 'email', 'e-mail': 'email', mail: 'email', displayname: 'displayName', 'display name': 'displayName', name: 'displayName', active: 'active', id: 'id' };

interface CsvRow {
  row: Record<string, string>;
  line: number;
}

/** A CSV export as spreadsheets write them: BOM, any header case, `,` or `;`, quotes, blank lines. */
function parseCsv(text: string, file: string): CsvRow[] {
  try {
    const records = parse(text, {
      bom: true,
      delimiter: [',', ';'],
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
      columns: (header: string[]) => header.map((name) => COLUMNS[name.trim().toLowerCase()] ?? name.trim()),
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
    return records.map(({ record, info }) => ({ row: record, line: info.lines }));
  } catch (error) {
    const where = (error as { lines?: number }).lines;
    throw new UsersFileError(file, where ? `line ${where}` : 'the file', `${(error as Error).message.replace(/^Invalid [^:]*: /, '')}. Save it as CSV (UTF-8) with a header row.`);
  }
}

function activeFlag(raw: unknown, file: string, where: string): boolean {
  if (raw === undefined || raw === '' || raw === null) return true;
  if (typeof raw === 'boolean') return raw;
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : null;
  if (text !== null && ['true', 'yes', '1', 'active'].includes(text)) return true;
  if (text !== null && ['false', 'no', '0', 'inactive'].includes(text)) return false;
  throw new UsersFileError(file, where, `active ${quote(raw)} is not true or false. Write true/false (or yes/no).`);
}

const SAVE_AS_CSV = 'Save it as CSV UTF-8 (in Excel: File → Save As → CSV UTF-8), or export the users as JSON.';

/**
 * The file's text: UTF-8, or UTF-16 with its byte-order mark (Excel's "Unicode Text"). A workbook or
 * any other binary is refused here, where it can be named, instead of parsing as no users at all.
 */
function textOf(bytes: Buffer, file: string): string {
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    throw new UsersFileError(file, 'the file', `is a spreadsheet workbook (.xlsx, .ods), not CSV. ${SAVE_AS_CSV}`);
  }
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  let text: string;
  try {
    text = new TextDecoder(utf16 ?? 'utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsersFileError(file, 'the file', `is not text in UTF-8 or UTF-16 (Excel's plain "CSV" writes another encoding). ${SAVE_AS_CSV}`);
  }
  if (text.includes('\u0000')) throw new UsersFileError(file, 'the file', `is not text (it holds NUL bytes). ${SAVE_AS_CSV}`);
  return text;
}

/**
 * Reads users from CSV (header: email, displayName, active, id) or a JSON array of the same fields.
 * Every row is checked before anything is written, so a bad file loads nothing.
 */
export function readUsersFile(file: string): UserRow[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsersFileError(file, 'the file', code === 'ENOENT' ? 'no such file. Give the path of a CSV or JSON export.' : `cannot be read (${code}).`);
  }
  const text = textOf(bytes, file);
  const json = extname(file).toLowerCase() === '.json';
  const rows: Array<{ row: Record<string, unknown>; where: string }> = json ? jsonRows(text, file) : parseCsv(text, file).map(({ row, line }) => ({ row, where: `line ${line}` }));
  if (rows.length === 0) throw new UsersFileError(file, 'the file', `holds no users. Give an export with ${json ? 'at least one user' : 'a header row and at least one user'}.`);
  const seen = { email: new Map<string, string>(), id: new Map<string, string>() };
  return rows.map(({ row, where }) => {
    const email = normaliseEmail(typeof row.email === 'string' ? row.email : null);
    if (!email) throw new UsersFileError(file, where, `email ${quote(row.email ?? '')} is not an email address. Give the address users sign in with.`);
    const displayName = typeof row.displayName === 'string' && row.displayName.trim() ? row.displayName.trim() : null;
    const id = typeof row.id === 'string' && row.id.trim() ? row.id.trim() : email;
    // Two rows for one person would leave whichever came last, active or not, without a word.
    for (const [field, value] of [['email', email], ['id', id]] as const) {
      const before = seen[field].get(value);
      if (before) throw new UsersFileError(file, where, `${field} ${quote(value)} is also on ${before}. Keep one row per user.`);
      seen[field].set(value, where);
    }
    return { id, email, displayName, active: activeFlag(row.active, file, where) };
  });
}
