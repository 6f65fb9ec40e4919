import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFleet } from '../src/adapters/driven/synthetic/fleet-generator.js';
import { openDatabase, writeTransaction } from '../src/adapters/driven/sqlite/database.js';
import { SqliteReadModels } from '../src/adapters/driven/sqlite/sqlite-read-models.js';
import { WalCheckpointer } from '../src/adapters/driven/sqlite/wal-checkpointer.js';
import { hardwareRegisterProjection } from '../src/application/projections/hardware-register.projection.js';
import { decide } from '../src/domain/hardware/decide.js';
import { uuidV7 } from '../src/infrastructure/system-clock.js';
import { initialState } from '../src/domain/hardware/state.js';
import type { MdmDevice } from '../src/domain/hardware/mdm-device.js';

/**
 * The floor under a first import: the same hardware events and register rows written by a bare
 * better-sqlite3 loop (prepared statements, one transaction per page of 1,000), with everything an
 * import computes done outside the clock. What the store itself costs; the import can only approach it.
 */
const { values } = parseArgs({ options: { size: { type: 'string' } } });
const size = Number(values.size);
const dir = mkdtempSync(join(tmpdir(), 'ontrackio-floor-'));
const file = join(dir, 'floor.sqlite');
const db = openDatabase(file);
// The store as the import has it: its write-ahead log copied back on a thread of its own.
const checkpointer = new WalCheckpointer(db, file, (detail) => {
  throw new Error(detail);
});
new SqliteReadModels(db);
const insertEvent = db.prepare('INSERT INTO events (event_id, stream, category, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const insertRow = db.prepare(
  'INSERT INTO register (id, serial, asset_tag, assignee_email, status, category, sources, missing, search, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);

interface Prepared {
  event: unknown[];
  row: unknown[];
}

function prepare(device: MdmDevice, n: number, now: string): Prepared | null {
  const events = (() => {
    try {
      return decide({ type: 'ImportDevice', data: { device, runId: 'floor', assignee: null, newHardware: { hardwareId: uuidV7(), assetTag: `HW-${String(n).padStart(6, '0')}` } }, metadata: { now } }, initialState());
    } catch {
      return [];
    }
  })();
  const imported = events[0];
  if (!imported || imported.type !== 'HardwareImported') return null;
  const stream = `hardware-${imported.data.serial}`;
  const doc = hardwareRegisterProjection.apply(undefined, { ...imported, eventId: 'e', stream, revision: 0, position: n, metadata: {}, recordedAt: now })!;
  return {
    event: [randomUUID(), stream, 'hardware', 0, imported.type, JSON.stringify(imported.data), JSON.stringify({ importRunId: 'floor' }), now],
    row: [doc.id, doc.serial, doc.assetTag, null, doc.status, doc.category, ` ${doc.sources[0]!.source} `, '  ', doc.serial.toLowerCase(), JSON.stringify(doc)],
  };
}

try {
  const now = new Date().toISOString();
  let page: MdmDevice[] = [];
  let written = 0;
  let ns = 0n;
  const seen = new Set<string>();
  const flush = () => {
    const prepared = page.map((device, i) => prepare(device, written + i, now)).filter((p): p is Prepared => p !== null && !seen.has(p.row[1] as string));
    for (const p of prepared) seen.add(p.row[1] as string);
    const started = process.hrtime.bigint();
    writeTransaction(db, () => {
      for (const p of prepared) {
        insertEvent.run(...p.event);
        insertRow.run(...p.row);
      }
    });
    ns += process.hrtime.bigint() - started;
    written += prepared.length;
    page = [];
  };
  for (const device of generateFleet({ source: 'intune', size, seed: 42 })) {
    page.push(device);
    if (page.length === 1000) flush();
  }
  if (page.length > 0) flush();
  const ms = Number(ns) / 1e6;
  process.stdout.write(JSON.stringify({ size, written, ms: Math.round(ms), devicesPerSecond: Math.round(size / (ms / 1000)) }) + '\n');
} finally {
  await checkpointer.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
