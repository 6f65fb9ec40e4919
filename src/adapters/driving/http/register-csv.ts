import type { Response } from 'express';
import { writeInTurn } from './backpressure.js';
import { positionOf, type HardwareRecord, type HardwareRegisterQueries, type RegisterFilter, type RegisterPosition } from '../../../application/ports/read-models.js';

const COLUMNS: Array<[label: string, value: (r: HardwareRecord) => unknown]> = [
  ['Asset tag', (r) => r.assetTag],
  ['Serial number', (r) => r.serial],
  ['Name', (r) => r.name],
  ['Manufacturer', (r) => r.manufacturer],
  ['Model', (r) => r.model],
  ['Operating system', (r) => r.operatingSystem],
  ['OS version', (r) => r.osVersion],
  ['MAC address', (r) => r.macAddress],
  ['Category', (r) => r.category],
  ['Status', (r) => r.status],
  ['Condition', (r) => r.condition],
  ['Assignee', (r) => r.assignee?.email],
  ['Sources', (r) => r.sources.map((s) => s.source).join(' ')],
  ['Missing from MDM', (r) => r.sources.filter((s) => s.missingSince).map((s) => `${s.source} since ${s.missingSince}`).join('; ')],
  ['CPU', (r) => r.cpu],
  ['RAM', (r) => r.ram],
  ['Storage', (r) => r.storage],
  ['Purchase price', (r) => r.purchasePrice],
  ['Purchase date', (r) => r.purchaseDate],
  ['Updated', (r) => r.updatedAt],
];

/**
 * One CSV cell. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an
 * apostrophe: device names and models come from the MDMs and are not to be trusted.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

const PAGE = 1000;

export type ExportOutcome = 'complete' | 'cut-off' | 'failed';

/** Where each export's end is counted: a client or proxy that cuts long exports short shows there. */
export interface RegisterExportMetrics {
  exportEnded(outcome: ExportOutcome): void;
}

/**
 * Streams the filtered register as CSV, a page at a time, waiting whenever the client reads slower.
 * A client that goes away ends the export at once: a write to a closed response never drains.
 */
export async function streamRegisterCsv(register: HardwareRegisterQueries, filter: RegisterFilter, response: Response, metrics?: RegisterExportMetrics): Promise<void> {
  response.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="hardware-register.csv"');
  // A HEAD (a monitor, a download manager) gets the headers; the whole register would be read for no one.
  if (response.req?.method === 'HEAD') return void response.end();
  /** False once the client has gone. */
  const write = (line: string): Promise<boolean> => writeInTurn(response, `${line}\r\n`);
  let open: boolean;
  try {
    // The byte order mark tells Excel the file is UTF-8; without it, Zoë's MacBook opens as ZoÃ«'s.
    open = await write(`\uFEFF${COLUMNS.map(([label]) => csvCell(label)).join(',')}`);
    // By keyset, not offset: each page costs the same, so 100,000 rows stream in linear time.
    for (let after: RegisterPosition | undefined; open; ) {
      const page = await register.search({ ...filter, limit: PAGE, ...(after ? { after } : {}) });
      for (const record of page.items) if (!(open = await write(COLUMNS.map(([, value]) => csvCell(value(record))).join(',')))) break;
      if (page.items.length < PAGE) break;
      after = positionOf(page.items.at(-1)!, filter.sort);
    }
  } catch (error) {
    metrics?.exportEnded('failed');
    throw error;
  }
  if (open) response.end();
  metrics?.exportEnded(open ? 'complete' : 'cut-off');
}
