// Import history: every run read from the event stream; a run's detail with its problems grouped by reason.
import { html, nothing, render } from '../vendor/lit-html/lit-html.js';
import { api, describeProblem, NAMES, when } from './api.js';
import { followRun } from './bulk-import.js';
import { countsList, missingList, warnings } from './views.js';

const PROBLEM_COLUMNS = [['reason', 'Reason'], ['outcome', 'Outcome'], ['serial', 'Serial'], ['sourceDeviceId', 'MDM device id'], ['deviceName', 'Name'], ['detail', 'Detail']];

/** A run in words: source and when, never a UUID. */
const runTitle = (run) => `${NAMES[run.source]} ${run.kind === 'preview' ? 'preview' : 'import'}, ${when(run.startedAt)}`;

function csvOf(rows) {
  const cell = (value) => `"${String(value ?? '').replace(/"/g, '""')}"`;
  return [PROBLEM_COLUMNS.map(([, label]) => cell(label)).join(','), ...rows.map((row) => PROBLEM_COLUMNS.map(([key]) => cell(row[key])).join(','))].join('\r\n');
}

const byColumn = (a, b, key) => String(a[key] ?? '').localeCompare(String(b[key] ?? ''));
const detail = { run: null, sortBy: 'reason', retry: null, csvUrl: null };

/** Skipped and failed devices, grouped by reason; a click on a heading sorts by it; the rows download as CSV. */
function problemsTable(run) {
  const rows = (run.outcomes ?? []).filter((o) => o.outcome === 'skipped' || o.outcome === 'error')
    .sort((a, b) => byColumn(a, b, detail.sortBy) || byColumn(a, b, 'reason'));
  if (!rows.length) return html`<p>No device was skipped or failed.</p>`;
  const counts = new Map();
  for (const o of rows) counts.set(o.reason ?? 'other', (counts.get(o.reason ?? 'other') ?? 0) + 1);
  const fileName = `run-${run.source}-${run.startedAt.slice(0, 19).replace(/:/g, '')}.csv`;
  if (detail.csvUrl) URL.revokeObjectURL(detail.csvUrl);
  detail.csvUrl = URL.createObjectURL(new Blob([csvOf(rows)], { type: 'text/csv' }));
  return html`<div class="problems">
    <p>${[...counts].map(([reason, n]) => `${n} ${reason}`).join(' · ')} <a class="button" href=${detail.csvUrl} download=${fileName}>Download as CSV</a></p>
    <div class="table-wrap"><table id="run-problems"><caption class="sr-only">Skipped and failed devices, by reason</caption>
      <thead><tr>${PROBLEM_COLUMNS.map(([key, label]) => html`<th scope="col"><button type="button" class="sort" @click=${() => { detail.sortBy = key; drawDetail(); }}>${label}</button></th>`)}</tr></thead>
      <tbody>${rows.map((o) => html`<tr>${PROBLEM_COLUMNS.map(([key]) => html`<td>${o[key] ?? '—'}</td>`)}</tr>`)}</tbody></table></div></div>`;
}

/** Re-imports only the devices that failed in this run, fetched again by their MDM ids. */
async function retry(run) {
  detail.retry = { busy: true, text: 'Fetching them again from the MDM…' };
  drawDetail();
  try {
    const retried = await api('POST', `/api/admin/bulk-import/mdm/runs/${encodeURIComponent(run.runId)}/retry`);
    const banner = await followRun(retried.runId, (p) => {
      detail.retry = { busy: true, text: `${p.devicesRead} of ${run.counts.errors} fetched…` };
      drawDetail();
    });
    const c = banner.counts;
    detail.retry = { text: `Retry ${banner.status}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped (no longer in the MDM), ${c.errors} still failing.` };
    loadHistory();
  } catch (error) {
    detail.retry = { text: describeProblem(error) };
  }
  drawDetail();
}

function retryView(run) {
  if (run.kind === 'preview' || run.status === 'running' || !run.counts.errors) return nothing;
  const n = run.counts.errors;
  return html`<div class="retry"><button type="button" ?disabled=${detail.retry?.busy} @click=${() => retry(run)}>Retry the ${n} failed device${n === 1 ? '' : 's'}</button>
    <p role="status">${detail.retry?.text ?? ''}</p></div>`;
}

function drawDetail() {
  const run = detail.run;
  render(run ? html`<h3>${runTitle(run)}</h3><p class="run-id">Run ${run.runId} · by ${run.triggeredBy}</p>${countsList(run.counts)}
    ${run.failureReason ? html`<p class="bad">${run.failureReason}</p>` : nothing}${warnings(run.warnings)}
    ${problemsTable(run)}${missingList(run.source, run.missing)}${retryView(run)}` : nothing, document.querySelector('#run-detail'));
}

/** Only the problems are shown: a large fleet's unchanged devices would be most of the download. */
async function openRun(runId) {
  Object.assign(detail, { run: await api('GET', `/api/admin/bulk-import/mdm/runs/${encodeURIComponent(runId)}?outcome=skipped,error`), sortBy: 'reason', retry: null });
  drawDetail();
}

function runStatus(r) {
  const outcome = r.status === 'failed' && r.failureReason ? `failed: ${r.failureReason}` : r.status;
  if (r.kind === 'preview') return `preview (nothing changed), ${outcome}`;
  return r.retryOf ? `retry of failed devices, ${outcome}` : outcome;
}

/** The runs shown, newest first, a page at a time: a year of hourly runs is no table to load at once. */
const list = { runs: [], more: false, busy: false, problem: null };
const pageSize = () => Number(document.querySelector('#runs').dataset.pageSize) || 100;

function drawList() {
  render(html`${list.runs.map((r) => html`<tr tabindex="0" @click=${() => openRun(r.runId)} @keydown=${(e) => e.key === 'Enter' && openRun(r.runId)}>
    ${[when(r.startedAt), NAMES[r.source], runStatus(r), r.counts.created, r.counts.updated, r.counts.unchanged, r.counts.skipped, r.counts.errors, r.counts.missing ?? 0, r.triggeredBy].map((value) => html`<td>${value}</td>`)}
  </tr>`)}`, document.querySelector('#runs tbody'));
  render(list.more ? html`<button type="button" ?disabled=${list.busy} @click=${loadOlder}>Show older runs</button> <span role="status">${list.problem ?? ''}</span>` : nothing, document.querySelector('#runs-more'));
}

export async function loadHistory() {
  const runs = await api('GET', `/api/admin/bulk-import/mdm/runs?limit=${pageSize()}`);
  Object.assign(list, { runs, more: runs.length === pageSize() });
  drawList();
}

/** The next page: runs started at or before the oldest shown, less those already shown (a time two runs share). */
async function loadOlder() {
  const oldest = list.runs.at(-1);
  list.busy = true;
  drawList();
  try {
    const page = await api('GET', `/api/admin/bulk-import/mdm/runs?limit=${pageSize()}&to=${encodeURIComponent(oldest.startedAt)}`);
    const shown = new Set(list.runs.map((r) => r.runId));
    const older = page.filter((r) => !shown.has(r.runId));
    Object.assign(list, { runs: [...list.runs, ...older], more: page.length === pageSize() && older.length > 0, problem: null });
  } catch (error) {
    list.problem = describeProblem(error);
  } finally {
    list.busy = false;
    drawList();
  }
}
