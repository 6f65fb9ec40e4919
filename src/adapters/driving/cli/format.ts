import type { ImportResult } from '../../../application/commands/import-result.js';
import type { PreviewResult } from '../../../application/commands/preview-import.js';
import type { RunDetail, RunSummary } from '../../../application/queries/import-history.js';
import type { HardwareRecord, Page } from '../../../application/ports/read-models.js';
import { sourceDisplayName } from '../../../domain/hardware/mdm-source.js';
import type { DeviceOutcome, MissingDevice, RunCounts } from '../../../domain/import-run/outcome.js';
import { line, printable } from './printable.js';

function counts(c: RunCounts): string {
  return `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.errors} errors, ${c.missing ?? 0} newly missing`;
}

function byReason(devices: readonly DeviceOutcome[]): string {
  const reasons = new Map<string, number>();
  for (const d of devices) reasons.set(d.reason ?? 'other', (reasons.get(d.reason ?? 'other') ?? 0) + 1);
  return [...reasons].map(([reason, n]) => line`${n} ${reason}`).join(', ');
}

export function banner(result: ImportResult): string {
  const lines = [
    line`${sourceDisplayName(result.source)} import ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s (run ${result.runId})`,
    line`  ${counts(result.counts)}`,
  ];
  if (result.failure) lines.push(line`  stopped: ${result.failure}`);
  for (const warning of result.warnings ?? []) lines.push(line`  warning: ${warning}`);
  for (const d of result.failedDevices) lines.push(line`  error   ${d.serial ?? '(no serial)'} [${d.sourceDeviceId}] ${d.detail ?? d.reason}`);
  if (result.counts.skipped > 0) lines.push(line`  skipped: ${byReason(result.skippedDevices)} — every device and why: history ${result.runId}`);
  for (const d of result.missingDevices ?? []) lines.push(line`  missing ${d.serial} ${d.assetTag} ${d.name}: no longer listed (last listed ${d.lastListedAt ?? 'unknown'})`);
  return lines.join('\n');
}

const FIELD_NAMES: Record<string, string> = { manufacturer: 'Manufacturer', model: 'Model', operatingSystem: 'Operating system', osVersion: 'OS version', macAddress: 'MAC address' };

/** A dry run: what the import would do, record by record; nothing was changed. */
export function previewReport(result: PreviewResult): string {
  const lines = [
    line`Preview of an import from ${sourceDisplayName(result.source)} ${result.status === 'completed' ? '(nothing was changed)' : 'stopped'}: ${counts(result.counts)}`,
  ];
  if (result.failure) lines.push(line`  stopped: ${result.failure}`);
  for (const warning of result.warnings) lines.push(line`  warning: ${warning}`);
  for (const c of result.created) lines.push(line`  create  ${c.serial.padEnd(16)} ${c.name}${c.assigneeEmail ? ` (assigned to ${c.assigneeEmail})` : ''}`);
  for (const u of result.updated) {
    const changes = u.changes.map((c) => line`${FIELD_NAMES[c.field] ?? c.field} ${c.from ?? '(none)'} → ${c.to}`);
    lines.push(line`  update  ${u.serial.padEnd(16)} ${u.assetTag} ${[...changes, ...u.notes].join('; ')}`);
  }
  for (const d of result.missingDevices) lines.push(line`  missing ${d.serial.padEnd(16)} ${d.assetTag} would be marked missing (last listed ${d.lastListedAt ?? 'unknown'})`);
  for (const d of result.failedDevices) lines.push(line`  error   ${d.serial ?? '(no serial)'} [${d.sourceDeviceId}] ${d.detail ?? d.reason}`);
  if (result.counts.skipped > 0) lines.push(line`  skipped: ${byReason(result.skippedDevices)} — each device with --json`);
  const shown = Math.max(result.created.length, result.updated.length, result.missingDevices.length);
  if (shown >= result.listLimit) lines.push(`  lists stop at ${result.listLimit} entries each; the counts are whole.`);
  return lines.join('\n');
}

export function runsTable(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No import runs recorded.';
  return runs
    .map((r) => {
      const kind = r.kind === 'preview' ? '  preview, nothing changed' : r.retryOf ? line`  retry of run ${r.retryOf}` : '';
      const run = line`${r.startedAt}  ${r.source.padEnd(6)}  ${r.status.padEnd(9)}  ${counts(r.counts)}  by ${r.triggeredBy}  (run ${r.runId})${kind}`;
      return r.failureReason ? `${run}\n${line`    ${r.failureReason}`}` : run;
    })
    .join('\n');
}

/**
 * One device of a run. A skipped or failed one is named as the MDM lists it, by name and id: without
 * a serial nothing else finds it there, and a duplicate's detail names only the entry that was kept.
 */
export function outcomeLines(outcomes: readonly DeviceOutcome[]): string[] {
  return outcomes.map((o) => {
    const entry = o.outcome === 'skipped' || o.outcome === 'error' ? line`${o.deviceName ?? '(no name)'} [${o.sourceDeviceId}] ` : '';
    return line`  ${o.outcome.padEnd(9)} ${(o.serial ?? '(no serial)').padEnd(16)} ${o.assetTag ?? ''} ${entry}${o.reason ?? ''} ${o.detail ?? ''}`.trimEnd();
  });
}

export function missingLines(devices: readonly MissingDevice[]): string[] {
  return devices.map((d) => line`  ${'missing'.padEnd(9)} ${d.serial.padEnd(16)} ${d.assetTag} no longer listed (last listed ${d.lastListedAt ?? 'unknown'})`);
}

export function runDetail(run: RunDetail): string {
  return [runsTable([run]), ...outcomeLines(run.outcomes), ...missingLines(run.missing ?? [])].join('\n');
}

export function registerTable(page: Page<HardwareRecord>): string {
  const rows = page.items.map((r) =>
    [
      r.assetTag.padEnd(10), r.serial.padEnd(16), r.name.slice(0, 32).padEnd(32), r.category.padEnd(8), r.status.padEnd(9), r.assignee?.email ?? '',
      ...r.sources.filter((s) => s.missingSince).map((s) => `missing from ${sourceDisplayName(s.source)} since ${s.missingSince!.slice(0, 10)}`),
    ].map((column) => printable(column)).join(' ').trimEnd(),
  );
  return [...rows, `${page.items.length} of ${page.total} shown (offset ${page.offset})`].join('\n');
}
