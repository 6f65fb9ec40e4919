// Admin → Bulk import: a card per source (import, preview, a running run's progress, the sync schedule), and the banner.
import { html, nothing, render } from '../vendor/lit-html/lit-html.js';
import { api, authorization, ApiError, blame, describeProblem, duration, NAMES, when, whenIn } from './api.js';
import { countsList, FIELD_NAMES, fieldState, missingList, notice, outcomeList, resultLine, warnings } from './views.js';

const state = {
  sources: [],
  /** runId → { source, progress } for every run this page follows. */
  following: new Map(),
  /** Sources with a preview or an import being started from this page. */
  busy: new Set(),
  schedule: {},
};

// ---- a run, followed over Server-Sent Events ---------------------------------------------------
/** Reads a run's Server-Sent Events (fetched with the token: EventSource cannot send one) until it ends. */
export async function followRun(runId, onProgress) {
  const response = await fetch(`/api/admin/bulk-import/mdm/runs/${encodeURIComponent(runId)}/stream`, { headers: authorization() });
  if (!response.ok) throw new ApiError(await response.json().catch(() => null), response.status);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return null;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(message)?.[1];
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (!data) continue;
      if (event === 'progress') onProgress(JSON.parse(data));
      if (event === 'end') return JSON.parse(data);
      if (event === 'reconnect') return followRun(runId, onProgress);
    }
  }
}

function progressText(source, p) {
  if (!p) return `Starting the import from ${NAMES[source]}…`;
  const of = p.total ? ` of ${p.totalFrom === 'last-run' ? 'about ' : ''}${p.total}` : '';
  const left = p.estimatedRemainingMs !== null && p.status === 'running' ? `, about ${duration(p.estimatedRemainingMs)} left` : '';
  const c = p.counts;
  return `${p.devicesRead}${of} devices read — ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.errors} errors — ${duration(p.elapsedMs)} elapsed${left}`;
}

/** Devices read of the total (an indeterminate bar while the total is unknown), counts so far, time left. */
const progressView = (source, p) => html`<div class="run-progress" data-progress=${source}>
  <progress max=${p?.total || 1} value=${p?.total ? p.devicesRead : nothing} aria-label=${`Import from ${NAMES[source]}`}></progress>
  <p class="progress-text" role="status" aria-live="polite">${progressText(source, p)}</p></div>`;

/** Follows a run until it ends, then shows its banner; a reload or a tab switch attaches here again. */
async function attachRun(source, runId) {
  if (state.following.has(runId)) return;
  state.following.set(runId, { source, progress: null });
  draw();
  try {
    const banner = await followRun(runId, (progress) => {
      state.following.set(runId, { source, progress });
      draw();
    });
    if (banner) showBanner(banner);
  } catch (error) {
    notice(describeProblem(error), 'bad');
  } finally {
    state.following.delete(runId);
    await loadBulkImport().catch((error) => notice(describeProblem(error), 'bad'));
  }
}

// ---- the banner: a finished run, or a preview -------------------------------------------------
function showInBanner(template, failed, preview = false) {
  const banner = document.querySelector('#banner');
  banner.hidden = false;
  banner.className = `banner ${preview ? 'preview' : ''} ${failed ? 'failed' : ''}`;
  render(template, banner);
  banner.focus?.();
}

export function showBanner(result) {
  showInBanner(html`<h3>${NAMES[result.source]}: import ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s</h3>
    ${countsList(result.counts)}
    ${result.failure ? html`<p>Stopped: ${result.failure}</p>` : nothing}
    ${warnings(result.warnings)}
    ${outcomeList('Errors', result.failedDevices)}
    ${outcomeList('Skipped', result.skippedDevices)}
    ${missingList(result.source, result.missingDevices)}`, result.status === 'failed');
}

const previewTable = (id, caption, headings, rows) => (rows.length
  ? html`<details open><summary>${caption} (${rows.length})</summary><div class="table-wrap"><table id=${id}>
      <thead><tr>${headings.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
      <tbody>${rows.map((cells) => html`<tr>${cells.map((value) => html`<td>${value ?? '—'}</td>`)}</tr>`)}</tbody></table></div></details>`
  : nothing);

const changesInWords = (u) => [...u.changes.map((c) => `${FIELD_NAMES[c.field] ?? c.field}: ${c.from ?? '(none)'} → ${c.to}`), ...u.notes].join('; ');

/** What an import would do, record by record; nothing is changed. */
function showPreview(result) {
  showInBanner(html`<h3>${NAMES[result.source]}: preview — nothing was changed</h3>
    <p class="muted">What an import would do now (looked at by ${result.triggeredBy}, kept in the import history).</p>
    ${countsList(result.counts)}
    ${result.failure ? html`<p>Stopped: ${result.failure}</p>` : nothing}
    ${warnings(result.warnings)}
    ${previewTable('preview-updated', 'Would update', ['Asset tag', 'Serial', 'Name', 'Changes'], result.updated.map((u) => [u.assetTag, u.serial, u.name, changesInWords(u)]))}
    ${previewTable('preview-created', 'Would create', ['Serial', 'Name', 'Model', 'Category', 'Assignee'], result.created.map((c) => [c.serial, c.name, c.model, c.category, c.assigneeEmail]))}
    ${previewTable('preview-missing', 'Would mark missing', ['Asset tag', 'Serial', 'Name', 'Last listed'], result.missingDevices.map((d) => [d.assetTag, d.serial, d.name, when(d.lastListedAt)]))}
    ${outcomeList('Errors', result.failedDevices)}
    ${outcomeList('Skipped', result.skippedDevices)}`, result.status === 'failed', true);
}

async function runPreview(source) {
  state.busy.add(`preview:${source}`);
  draw();
  try {
    showPreview(await api('POST', `/api/admin/bulk-import/mdm/${source}/preview`));
  } catch (error) {
    if (error.problem?.result) showPreview(error.problem.result);
    else notice(describeProblem(error), 'bad');
  } finally {
    state.busy.delete(`preview:${source}`);
    draw();
  }
}

async function confirmImport(source) {
  const dialog = document.querySelector('#confirm');
  document.querySelector('#confirm-text').textContent = `OnTrackio will pull every managed device from ${NAMES[source]} and create or update hardware records. The run goes on in the background: you can leave this page and come back.`;
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

async function runImport(source) {
  if (!(await confirmImport(source))) return;
  state.busy.add(`import:${source}`);
  document.querySelector('#banner').hidden = true;
  draw();
  try {
    const started = await api('POST', `/api/admin/bulk-import/mdm/${source}`);
    state.busy.delete(`import:${source}`);
    await attachRun(source, started.runId);
  } catch (error) {
    state.busy.delete(`import:${source}`);
    if (error.problem?.result) showBanner(error.problem.result);
    else notice(describeProblem(error), 'bad');
    draw();
  }
}

// ---- the sync schedule ------------------------------------------------------------------------
function scheduleText(schedule) {
  if (schedule.kind === 'every') return `Every ${schedule.hours} hour${schedule.hours === 1 ? '' : 's'}`;
  if (schedule.kind === 'daily') return `Daily at ${schedule.at} (${schedule.timeZone})`;
  return 'Off: imports run only when someone starts them';
}

/** A scheduled run in words: when and how it ended. */
function scheduledRunText(run) {
  if (!run) return 'No scheduled run yet.';
  return `Last scheduled run ${when(run.startedAt)}: ${run.status}${run.status === 'failed' && run.failureReason ? ` — ${run.failureReason}` : ''}.`;
}

async function saveSchedule(event, source) {
  event.preventDefault();
  const form = event.currentTarget;
  const kind = form.elements.kind.value;
  const body = kind === 'every' ? { kind, hours: Number(form.elements.hours.value) }
    : kind === 'daily' ? { kind, at: form.elements.at.value, timeZone: form.elements.timeZone.value.trim() } : { kind };
  const mine = state.schedule[source];
  try {
    await api('PUT', `/api/admin/integrations/${source}/schedule`, body);
    state.schedule[source] = { result: { ok: true, message: 'Schedule saved.' } };
    await loadBulkImport();
  } catch (error) {
    const fault = blame(error);
    state.schedule[source] = { ...mine, fault, result: { ok: false, message: fault.message, fix: fault.fix } };
    draw();
    form.elements[fault.field]?.focus();
  }
}

/** The source's schedule: what it is, when it runs next, how the last scheduled run went, and a form to change it. */
function scheduleView(source, view, configured) {
  const { schedule } = view;
  const mine = state.schedule[source] ?? {};
  const kind = mine.kind ?? schedule.kind;
  const field = (name) => fieldState(`schedule-${source}`, name, mine.fault);
  const hours = field('hours');
  const at = field('at');
  const timeZone = field('timeZone');
  const next = view.nextRunAt
    ? ` Next run ${new Date(view.nextRunAt) <= new Date() ? 'at the next check' : whenIn(view.nextRunAt, schedule.kind === 'daily' ? schedule.timeZone : undefined)}.`
    : '';
  return html`<div class="schedule-box" data-schedule=${source}>
    <p class="schedule-now">Schedule: ${scheduleText(schedule)}.${next}</p>
    ${schedule.kind === 'off' && !view.lastScheduledRun ? nothing : html`<p class="schedule-last ${view.problem ? 'bad' : 'muted'}">${scheduledRunText(view.lastScheduledRun)}</p>`}
    ${view.problem ? html`<p class="bad schedule-problem">The last scheduled run failed and no run has succeeded since.</p>` : nothing}
    ${view.paused ? html`<p class="bad schedule-paused">${view.paused}</p>` : nothing}
    <form class="schedule" id=${`schedule-${source}`} aria-label=${`Sync schedule for ${NAMES[source]}`} @submit=${(event) => saveSchedule(event, source)}>
      <label>Repeat <select name="kind" @change=${(event) => { state.schedule[source] = { ...mine, kind: event.target.value }; draw(); }}>
        ${[['off', 'Off'], ['every', 'Every N hours'], ['daily', 'Daily at']].map(([value, label]) => html`<option value=${value} ?selected=${kind === value}>${label}</option>`)}
      </select></label>
      <label ?hidden=${kind !== 'every'}>Hours <input name="hours" type="number" min="1" max="168" value=${schedule.hours ?? 24} aria-invalid=${hours.invalid} aria-describedby=${hours.describedBy}>${hours.error}</label>
      <label ?hidden=${kind !== 'daily'}>Time <input name="at" type="time" value=${schedule.at ?? '02:00'} aria-invalid=${at.invalid} aria-describedby=${at.describedBy}>${at.error}</label>
      <label ?hidden=${kind !== 'daily'}>Time zone <input name="timeZone" autocomplete="off" value=${schedule.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone} aria-invalid=${timeZone.invalid} aria-describedby=${timeZone.describedBy}>${timeZone.error}</label>
      <button type="submit" ?disabled=${!configured}>Save schedule</button>
      ${resultLine(mine.result)}
    </form></div>`;
}

// ---- the cards --------------------------------------------------------------------------------
function lastRunText(last) {
  const c = last.counts;
  return `Last run ${when(last.startedAt)}: ${last.status}, ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.errors} errors, ${c.missing ?? 0} newly missing.`;
}

function sourceCard(s) {
  const configured = s.status === 'Configured';
  const last = s.lastRun;
  const running = [...state.following].filter(([, run]) => run.source === s.source);
  const busy = last?.status === 'running' || running.length > 0 || state.busy.has(`import:${s.source}`);
  const previewing = state.busy.has(`preview:${s.source}`);
  return html`<div class="card" data-source-card=${s.source}>
    <h3>${s.name}<span class="badge ${configured ? 'configured' : 'not-configured'}">${s.status}</span></h3>
    ${configured ? nothing : html`<p>Finish Step 1 in Integrations first.</p>`}
    ${last && last.status !== 'running' ? html`<p class="muted">${lastRunText(last)}</p>` : nothing}
    ${last ? nothing : html`<p class="muted">Never run.</p>`}
    <div class="actions">
      <button type="button" class="primary" ?disabled=${!configured || busy} @click=${() => runImport(s.source)}>Import devices from ${s.name}</button>
      <button type="button" ?disabled=${!configured || previewing} @click=${() => runPreview(s.source)}>Preview import from ${s.name}</button>
      ${previewing ? html`<span class="progress" role="status">Reading ${NAMES[s.source]} to preview…</span>` : nothing}
    </div>
    ${scheduleView(s.source, s.schedule, configured)}
    ${running.map(([, run]) => progressView(s.source, run.progress))}
  </div>`;
}

function draw() {
  render(html`${state.sources.map(sourceCard)}`, document.querySelector('#sources'));
}

export async function loadBulkImport() {
  state.sources = await api('GET', '/api/admin/bulk-import/mdm');
  draw();
  for (const s of state.sources) if (s.lastRun?.status === 'running') attachRun(s.source, s.lastRun.runId);
}
