import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { UserRow } from '../../driven/sqlite/sqlite-user-directory.js';
import { normaliseEmail } from '../../../domain/hardware/email-address.js';

export class UsersFileError extends Error {
  constructor(file: string, where: string, message: string) {
    super(`${file}, ${where}: ${message}`);
    this.name = 'UsersFileError';
  }
}

function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i]!;
      if (quoted && c === '"' && line[i + 1] === '"') (cell += '"'), (i += 1);
      else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) cells.push(cell), (cell = '');
      else cell += c;
    }
    cells.push(cell);
    return cells.map((v) => v.trim());
  };
  const header = split(lines[0] ?? '');
  return lines.slice(1).map((line) => Object.fromEntries(split(line).map((v, i) => [header[i] ?? `column${i + 1}`, v])));
}

function activeFlag(raw: unknown, file: string, where: string): boolean {
  if (raw === undefined || raw === '' || raw === null) return true;
  if (typeof raw === 'boolean') return raw;
  const text = String(raw).trim().toLowerCase();
  if (['true', 'yes', '1', 'active'].includes(text)) return true;
  if (['false', 'no', '0', 'inactive'].includes(text)) return false;
  throw new UsersFileError(file, where, `active ${JSON.stringify(raw)} is not true or false. Write true/false (or yes/no).`);
}

/**
 * Reads users from CSV (header: email, displayName, active, id) or a JSON array of the same fields.
 * Every row is checked before anything is written, so a bad file loads nothing.
 */
export function readUsersFile(file: string): UserRow[] {
  const text = readFileSync(file, 'utf8');
  const rows: Array<Record<string, unknown>> = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseCsv(text);
  if (!Array.isArray(rows)) throw new UsersFileError(file, 'top level', 'expected an array of users.');
  return rows.map((row, i) => {
    const where = extname(file).toLowerCase() === '.json' ? `item ${i + 1}` : `line ${i + 2}`;
    const email = normaliseEmail(typeof row.email === 'string' ? row.email : null);
    if (!email) throw new UsersFileError(file, where, `email ${JSON.stringify(row.email ?? '')} is not an email address. Give the address users sign in with.`);
    const displayName = typeof row.displayName === 'string' && row.displayName.trim() ? row.displayName.trim() : null;
    const id = typeof row.id === 'string' && row.id.trim() ? row.id.trim() : email;
    return { id, email, displayName, active: activeFlag(row.active, file, where) };
  });
}
