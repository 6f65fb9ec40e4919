// The admin page: plain DOM, no build step. Every value from the server is written as text, never as HTML.
const $ = (selector, root = document) => root.querySelector(selector);
const NAMES = { intune: 'Microsoft Intune', jamf: 'Jamf Pro' };

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** replaceChildren, leaving out absent parts (the DOM would print them as "null"). */
function setChildren(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
}

function notice(text, kind = '') {
  const box = $('#notice');
  box.className = `notice ${kind}`;
  box.textContent = text;
}

class ApiError extends Error {
  constructor(problem, status) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.problem = problem ?? {};
    this.status = status;
  }
}

async function api(method, path, body) {
  const token = sessionStorage.getItem('token');
  const response = await fetch(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(data, response.status);
  return data;
}

function describeProblem(error) {
  if (!(error instanceof ApiError)) return String(error.message ?? error);
  if (error.status === 401) return 'Sign in first: the access token is missing or not recognised.';
  const { detail, fix, errors } = error.problem;
  const fields = (errors ?? []).map((e) => e.message).join('; ');
  return [detail, fields && fields !== detail?.replace(/\.$/, '') ? fields : '', fix].filter(Boolean).join(' ');
}

// ---- tabs -------------------------------------------------------------------------------------
const loaders = {};
function showTab(name) {
  for (const button of document.querySelectorAll('.tabs button')) button.setAttribute('aria-selected', String(button.dataset.tab === name));
  for (const panel of document.querySelectorAll('.panel')) panel.hidden = panel.id !== name;
  loaders[name]?.().catch((error) => notice(describeProblem(error), 'bad'));
}
for (const button of document.querySelectorAll('.tabs button')) button.addEventListener('click', () => showTab(button.dataset.tab));

// ---- sign-in ----------------------------------------------------------------------------------
/** Signed out, the page only asks to sign in; signed in, it says who and shows the sections. */
function signedIn(me) {
  const yes = !!me;
  $('#sign-in').hidden = yes;
  $('#signed-in').hidden = !yes;
  $('#landing').hidden = yes;
  $('.tabs').hidden = !yes;
  $('#main').hidden = !yes;
  $('#who').textContent = yes ? `Signed in as ${me.email} (${me.role})` : '';
}

async function enter() {
  const me = await api('GET', '/api/me');
  await loaders.integrations();
  signedIn(me);
}

$('#sign-out').addEventListener('click', () => {
  sessionStorage.removeItem('token');
  signedIn(null);
  $('#landing').textContent = 'Signed out. Sign in with your access token to continue.';
});
$('#sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  sessionStorage.setItem('token', $('#token').value.trim());
  $('#token').value = '';
  try {
    await enter();
    notice('');
  } catch (error) {
    sessionStorage.removeItem('token');
    signedIn(null);
    $('#landing').textContent = describeProblem(error);
  }
});

// ---- Settings → Integrations --------------------------------------------------------------------
function formValues(form) {
  const values = { enabled: form.elements.enabled.checked };
  for (const input of form.querySelectorAll('input:not([type=checkbox])')) {
    const value = input.value.trim();
    if (input.hasAttribute('data-secret')) {
      if (value) values.clientSecret = value;
    } else values[input.name] = value === '' && (input.name === 'authorityHost' || input.name === 'graphBaseUrl') ? null : value;
  }
  return values;
}

function setBadge(source, status) {
  for (const badge of document.querySelectorAll(`[data-badge="${source}"]`)) {
    badge.textContent = status;
    badge.className = `badge ${status === 'Configured' ? 'configured' : 'not-configured'}`;
  }
}

function showResult(form, ok, message, fix) {
  const box = $('[data-result]', form);
  box.className = `result ${ok ? 'ok' : 'bad'}`;
  setChildren(box, message, fix ? el('span', { class: 'fix' }, fix) : null);
}

/** Marks the field at fault and writes what is wrong with it beside it; the card's result says the fix. */
function markField(form, field, message) {
  for (const input of form.querySelectorAll('input')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  const input = field && form.elements[field];
  if (input) {
    const id = `${form.id}-${field}-error`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    input.after(el('span', { class: 'field-error', id }, message ?? 'Check this value.'));
    input.focus();
  }
}

function fillCard(card) {
  const form = $(`#card-${card.source}`);
  form.elements.enabled.checked = card.enabled;
  for (const [field, value] of Object.entries(card.settings)) if (form.elements[field]) form.elements[field].value = value ?? '';
  const secret = $('[data-secret]', form);
  secret.value = '';
  secret.placeholder = card.secretProblem ?? (card.secretStored ? 'Stored — leave empty to keep it' : 'Not stored yet');
  setBadge(card.source, card.status);
  if (card.lastTest) showResult(form, card.lastTest.ok, `Last test (${new Date(card.lastTest.at).toLocaleString()}): ${card.lastTest.message}`, card.lastTest.fix);
}

loaders.integrations = async () => {
  for (const card of await api('GET', '/api/admin/integrations')) fillCard(card);
  const precedence = await api('GET', '/api/admin/settings/source-precedence');
  for (const platform of ['apple', 'other']) $('#precedence').elements[platform].value = precedence[platform];
};

$('#precedence').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = $('#precedence');
  try {
    const saved = await api('PUT', '/api/admin/settings/source-precedence', { apple: form.elements.apple.value, other: form.elements.other.value });
    showResult(form, true, `Saved: Apple devices follow ${NAMES[saved.apple]}, other devices ${NAMES[saved.other]}, from the next import.`);
  } catch (error) {
    showResult(form, false, describeProblem(error));
  }
});

for (const form of document.querySelectorAll('form.card')) {
  const source = form.dataset.source;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const card = await api('PUT', `/api/admin/integrations/${source}`, formValues(form));
      fillCard(card);
      markField(form, null);
      showResult(form, true, `Saved. ${NAMES[source]} is ${card.status}.`);
    } catch (error) {
      const problem = error.problem ?? {};
      const first = problem.errors?.[0];
      markField(form, problem.field ?? first?.field, problem.field ? problem.detail : first?.message);
      showResult(form, false, problem.fix ? problem.detail : describeProblem(error), problem.fix);
    }
  });
  $('[data-action=test]', form).addEventListener('click', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    showResult(form, true, 'Testing the connection…');
    try {
      const result = await api('POST', `/api/admin/integrations/${source}/test`, formValues(form));
      showResult(form, result.ok, result.message, result.fix);
    } catch (error) {
      showResult(form, false, describeProblem(error));
    } finally {
      button.disabled = false;
    }
  });
}

// ---- Bulk import ------------------------------------------------------------------------------
function countsList(counts) {
  return el('ul', { class: 'counts' }, ['created', 'updated', 'unchanged', 'skipped', 'errors', 'missing'].map((k) => el('li', {}, el('strong', {}, counts[k] ?? 0), k === 'missing' ? 'newly missing' : k)));
}

/** Records the source's complete listing left out for the first time. */
function missingList(source, devices) {
  if (!devices?.length) return null;
  return el('details', { class: 'missing' }, el('summary', {}, `Newly missing from ${NAMES[source]} (${devices.length})`),
    el('ul', {}, devices.map((d) => el('li', {}, `${d.assetTag} · ${d.serial} · ${d.name} — last listed ${when(d.lastListedAt)}`))));
}

function outcomeList(title, outcomes) {
  if (!outcomes.length) return null;
  return el('details', { open: title.startsWith('Error') }, el('summary', {}, `${title} (${outcomes.length})`),
    el('ul', {}, outcomes.map((o) => el('li', {}, `${o.serial ?? '(no serial)'} · ${o.deviceName ?? o.sourceDeviceId} — ${o.detail ?? o.reason}`))));
}

function showBanner(result) {
  const banner = $('#banner');
  banner.hidden = false;
  banner.className = `banner ${result.status === 'failed' ? 'failed' : ''}`;
  setChildren(banner,
    el('h3', {}, `${NAMES[result.source]}: import ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s`),
    countsList(result.counts),
    result.failure ? el('p', {}, `Stopped: ${result.failure}`) : null,
    ...(result.warnings ?? []).map((warning) => el('p', { class: 'warning' }, `Warning: ${warning}`)),
    outcomeList('Errors', result.failedDevices),
    outcomeList('Skipped', result.skippedDevices),
    missingList(result.source, result.missingDevices),
  );
  banner.focus?.();
}

/** Reads a run's Server-Sent Events (fetched with the token: EventSource cannot send one) until it ends. */
async function followRun(runId, onProgress) {
  const response = await fetch(`/api/admin/bulk-import/mdm/runs/${encodeURIComponent(runId)}/stream`, { headers: { authorization: `Bearer ${sessionStorage.getItem('token')}` } });
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

const duration = (ms) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.round(ms / 1000)} s`);

/** A run's progress bar on its source's card: devices read of the total, counts so far, time left. */
function progressView(source) {
  const bar = el('progress', { max: 1, 'aria-label': `Import from ${NAMES[source]}` });
  const text = el('p', { class: 'progress-text', role: 'status', 'aria-live': 'polite' }, `Starting the import from ${NAMES[source]}…`);
  const box = el('div', { class: 'run-progress', 'data-progress': source }, bar, text);
  const update = (p) => {
    if (p.total) {
      bar.max = p.total;
      bar.value = p.devicesRead;
    } else bar.removeAttribute('value');
    const of = p.total ? ` of ${p.totalFrom === 'last-run' ? 'about ' : ''}${p.total}` : '';
    const left = p.estimatedRemainingMs !== null && p.status === 'running' ? `, about ${duration(p.estimatedRemainingMs)} left` : '';
    const c = p.counts;
    text.textContent = `${p.devicesRead}${of} devices read — ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.errors} errors — ${duration(p.elapsedMs)} elapsed${left}`;
  };
  return { box, update };
}

/** Shows a running run on its card until it ends, then its banner; a reload or a tab switch re-attaches here. */
const attached = new Map();
async function attachRun(source, runId) {
  const card = document.querySelector(`[data-source-card="${source}"]`);
  if (!card) return;
  // Already followed (the cards were drawn again): move its bar onto the new card.
  if (attached.has(runId)) return void card.append(attached.get(runId).box);
  const view = progressView(source);
  attached.set(runId, view);
  card.append(view.box);
  const button = card.querySelector('button.primary');
  if (button) button.disabled = true;
  try {
    const banner = await followRun(runId, view.update);
    if (banner) showBanner(banner);
  } catch (error) {
    notice(describeProblem(error), 'bad');
  } finally {
    attached.delete(runId);
    view.box.remove();
    loaders['bulk-import']();
  }
}

/** A scheduled run in words: when and how it ended. */
function scheduledRunText(run) {
  if (!run) return 'No scheduled run yet.';
  return `Last scheduled run ${new Date(run.startedAt).toLocaleString()}: ${run.status}${run.status === 'failed' && run.failureReason ? ` — ${run.failureReason}` : ''}.`;
}

function scheduleText(schedule) {
  if (schedule.kind === 'every') return `Every ${schedule.hours} hour${schedule.hours === 1 ? '' : 's'}`;
  if (schedule.kind === 'daily') return `Daily at ${schedule.at} (${schedule.timeZone})`;
  return 'Off: imports run only when someone starts them';
}

/** The source's sync schedule: what it is, when it runs next, how the last scheduled run went, and a form to change it. */
function scheduleView(source, view, configured) {
  const { schedule } = view;
  const kind = el('select', { name: 'kind' }, [['off', 'Off'], ['every', 'Every N hours'], ['daily', 'Daily at']].map(([value, label]) => el('option', { value, selected: schedule.kind === value }, label)));
  const hours = el('input', { name: 'hours', type: 'number', min: '1', max: '168', value: schedule.hours ?? 24 });
  const at = el('input', { name: 'at', type: 'time', value: schedule.at ?? '02:00' });
  const timeZone = el('input', { name: 'timeZone', value: schedule.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone, autocomplete: 'off' });
  const fields = { hours: el('label', {}, 'Hours', hours), at: el('label', {}, 'Time', at), timeZone: el('label', {}, 'Time zone', timeZone) };
  const showFields = () => {
    fields.hours.hidden = kind.value !== 'every';
    fields.at.hidden = kind.value !== 'daily';
    fields.timeZone.hidden = kind.value !== 'daily';
  };
  kind.addEventListener('change', showFields);
  showFields();
  const form = el('form', { class: 'schedule', id: `schedule-${source}`, 'aria-label': `Sync schedule for ${NAMES[source]}` },
    el('label', {}, 'Repeat', kind), fields.hours, fields.at, fields.timeZone,
    el('button', { type: 'submit', disabled: !configured }, 'Save schedule'),
    el('p', { 'data-result': '', role: 'status' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = kind.value === 'every' ? { kind: 'every', hours: Number(hours.value) } : kind.value === 'daily' ? { kind: 'daily', at: at.value, timeZone: timeZone.value.trim() } : { kind: 'off' };
    try {
      await api('PUT', `/api/admin/integrations/${source}/schedule`, body);
      await loaders['bulk-import']();
      showResult($(`[data-source-card="${source}"] form.schedule`), true, 'Schedule saved.');
    } catch (error) {
      const problem = error.problem ?? {};
      markField(form, problem.field ?? problem.errors?.[0]?.field, problem.field ? problem.detail : problem.errors?.[0]?.message);
      showResult(form, false, problem.fix ? problem.detail : describeProblem(error), problem.fix);
    }
  });
  return el('div', { class: 'schedule-box', 'data-schedule': source },
    el('p', { class: 'schedule-now' }, `Schedule: ${scheduleText(schedule)}.`, view.nextRunAt ? ` Next run ${new Date(view.nextRunAt) <= new Date() ? 'at the next check' : new Date(view.nextRunAt).toLocaleString()}.` : ''),
    schedule.kind === 'off' && !view.lastScheduledRun ? null : el('p', { class: `schedule-last ${view.problem ? 'bad' : 'muted'}` }, scheduledRunText(view.lastScheduledRun)),
    view.problem ? el('p', { class: 'bad schedule-problem' }, 'The last scheduled run failed and no run has succeeded since.') : null,
    form);
}

/** What an import would do, record by record; nothing is changed. */
function showPreview(result) {
  const banner = $('#banner');
  banner.hidden = false;
  banner.className = `banner preview ${result.status === 'failed' ? 'failed' : ''}`;
  const row = (cells) => el('tr', {}, cells.map((value) => el('td', {}, value ?? '—')));
  const table = (id, caption, headings, rows) => (rows.length
    ? el('details', { open: true }, el('summary', {}, `${caption} (${rows.length})`),
      el('div', { class: 'table-wrap' }, el('table', { id }, el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows))))
    : null);
  const changes = (u) => [...u.changes.map((c) => `${FIELD_NAMES[c.field] ?? c.field}: ${c.from ?? '(none)'} → ${c.to}`), ...u.notes].join('; ');
  setChildren(banner,
    el('h3', {}, `${NAMES[result.source]}: preview — nothing was changed`),
    el('p', { class: 'muted' }, `What an import would do now (looked at by ${result.triggeredBy}, kept in the import history).`),
    countsList(result.counts),
    result.failure ? el('p', {}, `Stopped: ${result.failure}`) : null,
    ...(result.warnings ?? []).map((warning) => el('p', { class: 'warning' }, `Warning: ${warning}`)),
    table('preview-updated', 'Would update', ['Asset tag', 'Serial', 'Name', 'Changes'], result.updated.map((u) => row([u.assetTag, u.serial, u.name, changes(u)]))),
    table('preview-created', 'Would create', ['Serial', 'Name', 'Model', 'Category', 'Assignee'], result.created.map((c) => row([c.serial, c.name, c.model, c.category, c.assigneeEmail]))),
    table('preview-missing', 'Would mark missing', ['Asset tag', 'Serial', 'Name', 'Last listed'], result.missingDevices.map((d) => row([d.assetTag, d.serial, d.name, when(d.lastListedAt)]))),
    outcomeList('Errors', result.failedDevices),
    outcomeList('Skipped', result.skippedDevices),
  );
}

async function runPreview(source, button) {
  button.disabled = true;
  const progress = el('span', { class: 'progress', role: 'status' }, `Reading ${NAMES[source]} to preview…`);
  button.after(progress);
  try {
    showPreview(await api('POST', `/api/admin/bulk-import/mdm/${source}/preview`));
  } catch (error) {
    if (error.problem?.result) showPreview(error.problem.result);
    else notice(describeProblem(error), 'bad');
  } finally {
    progress.remove();
    button.disabled = false;
  }
}

async function runImport(source, button) {
  const dialog = $('#confirm');
  $('#confirm-text').textContent = `OnTrackio will pull every managed device from ${NAMES[source]} and create or update hardware records. The run goes on in the background: you can leave this page and come back.`;
  dialog.showModal();
  const answer = await new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }));
  if (answer !== 'ok') return;
  button.disabled = true;
  $('#banner').hidden = true;
  try {
    const started = await api('POST', `/api/admin/bulk-import/mdm/${source}`);
    await attachRun(source, started.runId);
  } catch (error) {
    if (error.problem?.result) showBanner(error.problem.result);
    else notice(describeProblem(error), 'bad');
    button.disabled = false;
  }
}

loaders['bulk-import'] = async () => {
  const sources = await api('GET', '/api/admin/bulk-import/mdm');
  const running = [];
  setChildren($('#sources'), ...sources.map((s) => {
    const last = s.lastRun;
    const busy = last?.status === 'running';
    if (busy) running.push([s.source, last.runId]);
    const button = el('button', { type: 'button', class: 'primary', disabled: s.status !== 'Configured' || busy || attached.has(last?.runId) }, `Import devices from ${s.name}`);
    button.addEventListener('click', () => runImport(s.source, button));
    const preview = el('button', { type: 'button', disabled: s.status !== 'Configured' }, `Preview import from ${s.name}`);
    preview.addEventListener('click', () => runPreview(s.source, preview));
    const scheduleBox = scheduleView(s.source, s.schedule, s.status === 'Configured');
    return el('div', { class: 'card', 'data-source-card': s.source },
      el('h3', {}, s.name, el('span', { class: `badge ${s.status === 'Configured' ? 'configured' : 'not-configured'}` }, s.status)),
      s.status === 'Configured' ? null : el('p', {}, 'Finish Step 1 in Integrations first.'),
      last && !busy ? el('p', { class: 'muted' }, `Last run ${new Date(last.startedAt).toLocaleString()}: ${last.status}, ${last.counts.created} created, ${last.counts.updated} updated, ${last.counts.unchanged} unchanged, ${last.counts.skipped} skipped, ${last.counts.errors} errors, ${last.counts.missing ?? 0} newly missing.`) : null,
      last ? null : el('p', { class: 'muted' }, 'Never run.'),
      el('div', { class: 'actions' }, button, preview),
      scheduleBox);
  }));
  for (const [source, runId] of running) attachRun(source, runId);
};

// ---- Import history ---------------------------------------------------------------------------
/** A run in words: source and when, never a UUID. */
function runTitle(run) {
  return `${NAMES[run.source]} ${run.kind === 'preview' ? 'preview' : 'import'}, ${new Date(run.startedAt).toLocaleString()}`;
}

const PROBLEM_COLUMNS = [['reason', 'Reason'], ['outcome', 'Outcome'], ['serial', 'Serial'], ['sourceDeviceId', 'MDM device id'], ['deviceName', 'Name'], ['detail', 'Detail']];

function csvOf(rows) {
  const cell = (value) => `"${String(value ?? '').replace(/"/g, '""')}"`;
  return [PROBLEM_COLUMNS.map(([, label]) => cell(label)).join(','), ...rows.map((row) => PROBLEM_COLUMNS.map(([key]) => cell(row[key])).join(','))].join('\r\n');
}

/** Skipped and failed devices, grouped by reason; a click on a heading sorts by it; the rows download as CSV. */
function problemsTable(run, outcomes) {
  let rows = outcomes.filter((o) => o.outcome === 'skipped' || o.outcome === 'error').sort((a, b) => (a.reason ?? '').localeCompare(b.reason ?? ''));
  if (!rows.length) return el('p', {}, 'No device was skipped or failed.');
  const body = el('tbody');
  const fill = () => body.replaceChildren(...rows.map((o) => el('tr', {}, PROBLEM_COLUMNS.map(([key]) => el('td', {}, o[key] ?? '—')))));
  const heading = ([key, label]) => el('th', { scope: 'col' }, el('button', { type: 'button', class: 'sort', onclick: () => {
    rows = [...rows].sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? '')));
    fill();
  } }, label));
  fill();
  const counts = new Map();
  for (const o of rows) counts.set(o.reason ?? 'other', (counts.get(o.reason ?? 'other') ?? 0) + 1);
  const download = el('a', { class: 'button', download: `run-${run.source}-${run.startedAt.slice(0, 19).replace(/:/g, '')}.csv`, href: URL.createObjectURL(new Blob([csvOf(rows)], { type: 'text/csv' })) }, 'Download as CSV');
  return el('div', { class: 'problems' },
    el('p', {}, [...counts].map(([reason, n]) => `${n} ${reason}`).join(' · '), ' ', download),
    el('div', { class: 'table-wrap' }, el('table', { id: 'run-problems' }, el('caption', { class: 'sr-only' }, 'Skipped and failed devices, by reason'), el('thead', {}, el('tr', {}, PROBLEM_COLUMNS.map(heading))), body)));
}

/** Re-imports only the devices that failed in this run, fetched again by their MDM ids. */
function retryButton(run) {
  if (run.kind === 'preview' || run.status === 'running' || !run.counts.errors) return null;
  const result = el('p', { role: 'status' });
  const button = el('button', { type: 'button' }, `Retry the ${run.counts.errors} failed device${run.counts.errors === 1 ? '' : 's'}`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.textContent = 'Fetching them again from the MDM…';
    try {
      const retried = await api('POST', `/api/admin/bulk-import/mdm/runs/${encodeURIComponent(run.runId)}/retry`);
      const banner = await followRun(retried.runId, (p) => (result.textContent = `${p.devicesRead} of ${run.counts.errors} fetched…`));
      const c = banner.counts;
      result.textContent = `Retry ${banner.status}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped (no longer in the MDM), ${c.errors} still failing.`;
      loaders.history();
    } catch (error) {
      result.textContent = describeProblem(error);
    } finally {
      button.disabled = false;
    }
  });
  return el('div', { class: 'retry' }, button, result);
}

loaders.history = async () => {
  const runs = await api('GET', '/api/admin/bulk-import/mdm/runs');
  $('#runs tbody').replaceChildren(...runs.map((r) => {
    const outcome = r.status === 'failed' && r.failureReason ? `failed: ${r.failureReason}` : r.status;
    const status = r.kind === 'preview' ? `preview (nothing changed), ${outcome}` : r.retryOf ? `retry of failed devices, ${outcome}` : outcome;
    const cells = [new Date(r.startedAt).toLocaleString(), NAMES[r.source], status, r.counts.created, r.counts.updated, r.counts.unchanged, r.counts.skipped, r.counts.errors, r.counts.missing ?? 0, r.triggeredBy];
    const row = el('tr', { tabindex: 0 }, cells.map((value) => el('td', {}, value)));
    const open = async () => {
      const detail = await api('GET', `/api/admin/bulk-import/mdm/runs/${encodeURIComponent(r.runId)}`);
      setChildren($('#run-detail'), el('h3', {}, runTitle(detail)), el('p', { class: 'run-id' }, `Run ${detail.runId} · by ${detail.triggeredBy}`), countsList(detail.counts),
        detail.failureReason ? el('p', { class: 'bad' }, detail.failureReason) : null, ...(detail.warnings ?? []).map((w) => el('p', { class: 'warning' }, `Warning: ${w}`)),
        problemsTable(detail, detail.outcomes ?? []), missingList(detail.source, detail.missing), retryButton(detail));
    };
    row.addEventListener('click', open);
    row.addEventListener('keydown', (e) => e.key === 'Enter' && open());
    return row;
  }));
};

// ---- Hardware register ------------------------------------------------------------------------
const FIELD_NAMES = {
  assetTag: 'Asset tag', serial: 'Serial number', name: 'Name', manufacturer: 'Manufacturer', model: 'Model', operatingSystem: 'Operating system',
  osVersion: 'OS version', macAddress: 'MAC address', category: 'Category', status: 'Status', condition: 'Condition', cpu: 'CPU', ram: 'RAM',
  storage: 'Storage', purchasePrice: 'Purchase price', purchaseDate: 'Purchase date',
};
const HAND_MAINTAINED = ['name', 'category', 'status', 'condition', 'cpu', 'ram', 'storage', 'purchasePrice', 'purchaseDate'];
const when = (iso) => (iso ? new Date(iso).toLocaleString() : 'never');
const run = (id) => (id ? `run ${id.slice(0, 8)}` : '');

/** One event of a device's history as a sentence: what changed, from what to what, by whom or which run. */
function inWords(event) {
  const d = event.data ?? {};
  const person = (a) => `${a.name} <${a.email}>`;
  const changed = (changes, say) => Object.entries(changes ?? {}).map(([field, change]) => say(FIELD_NAMES[field] ?? field, change)).join('; ');
  switch (event.type) {
    case 'HardwareImported':
      return `Imported from ${NAMES[d.source]} as ${d.assetTag}${d.assignee ? `, assigned to ${person(d.assignee)}` : ''} (${run(d.importRunId)})`;
    case 'HardwareIdentityUpdated':
      return `${changed(d.changes, (field, c) => `${field} ${c.from ?? '(none)'} → ${c.to}`)} (${NAMES[d.source]}, ${run(d.importRunId)})`;
    case 'HardwareSourceLinked':
      return `Also reported by ${NAMES[d.source]} (device ${d.sourceDeviceId}, ${run(d.importRunId)})`;
    case 'HardwareAssigned':
      return `Assigned to ${person(d.assignee)} (${NAMES[d.source]}, ${run(d.importRunId)})`;
    case 'HardwareMissingFromMdm':
      return `No longer listed by ${NAMES[d.source]} (device ${d.sourceDeviceId}, last listed ${when(d.lastListedAt)}, ${run(d.importRunId)})`;
    case 'HardwareSeenAgainInMdm':
      return `Listed again by ${NAMES[d.source]} after missing since ${when(d.missingSince)} (${run(d.importRunId)})`;
    case 'HardwareRegistered':
      return `Registered by hand as ${d.assetTag}${d.registeredBy ? ` by ${d.registeredBy}` : ''}`;
    case 'HardwareDetailsEdited':
      return `${changed(d.changes, (field, value) => `${field} set to ${value === null || value === '' ? '(empty)' : value}`)} by ${d.editedBy}`;
    default:
      return event.type;
  }
}

let editSchema = null;
async function editableChoices() {
  editSchema ??= (await (await fetch('/openapi.json')).json()).components.schemas.EditHardware.properties;
  return editSchema;
}

/** The hand-maintained fields as a form that sends only what changed. */
async function editForm(device) {
  const schema = await editableChoices();
  const form = el('form', { class: 'edit', id: 'edit-hardware', 'aria-label': 'Edit the hand-maintained fields' },
    HAND_MAINTAINED.map((field) => {
      const value = device[field] ?? '';
      const choices = schema[field]?.enum;
      const input = choices
        ? el('select', { name: field }, choices.map((choice) => el('option', { value: choice, selected: choice === value }, choice)))
        : el('input', { name: field, value, type: field === 'purchasePrice' ? 'number' : field === 'purchaseDate' ? 'date' : 'text', step: field === 'purchasePrice' ? '0.01' : undefined, min: field === 'purchasePrice' ? '0' : undefined });
      return el('label', {}, FIELD_NAMES[field], input);
    }),
    el('button', { type: 'submit' }, 'Save details'),
    el('p', { 'data-result': '', role: 'status' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const changes = {};
    for (const field of HAND_MAINTAINED) {
      const raw = form.elements[field].value.trim();
      const value = raw === '' ? null : field === 'purchasePrice' ? Number(raw) : raw;
      if (value !== (device[field] ?? null)) changes[field] = value;
    }
    if (!Object.keys(changes).length) return showResult(form, true, 'Nothing changed.');
    try {
      await api('PATCH', `/api/hardware/${encodeURIComponent(device.id)}`, changes);
      await showDevice(device.id);
      showResult($('#edit-hardware'), true, 'Saved.');
    } catch (error) {
      const problem = error.problem ?? {};
      markField(form, problem.field ?? problem.errors?.[0]?.field, problem.field ? problem.detail : problem.errors?.[0]?.message);
      showResult(form, false, problem.fix ? problem.detail : describeProblem(error), problem.fix);
    }
  });
  return form;
}

async function showDevice(id) {
  const [device, events] = await Promise.all([api('GET', `/api/hardware/${encodeURIComponent(id)}`), api('GET', `/api/hardware/${encodeURIComponent(id)}/events`)]);
  const box = $('#device');
  const specifications = Object.entries(device.specifications ?? {});
  setChildren(box,
    el('h3', {}, device.name),
    el('dl', {}, Object.entries(FIELD_NAMES).flatMap(([f, label]) => [el('dt', {}, label), el('dd', {}, device[f] ?? '—')]),
      el('dt', {}, 'Assigned to'), el('dd', {}, device.assignee ? `${device.assignee.name} <${device.assignee.email}>` : '—')),
    el('h4', {}, 'Sources'),
    device.sources.length
      ? el('ul', { class: 'sources' }, device.sources.map((s) => el('li', { class: s.missingSince ? 'missing' : '' }, s.missingSince
        ? `${NAMES[s.source]}: missing from ${NAMES[s.source]} since ${when(s.missingSince)} (device ${s.sourceDeviceId}, last listed ${when(s.lastListedAt)})`
        : `${NAMES[s.source]}: still lists it (device ${s.sourceDeviceId}, last listed ${when(s.lastListedAt)}, last check-in ${when(s.lastSyncedAt)})`)))
      : el('p', {}, 'Entered by hand.'),
    specifications.length ? el('h4', {}, 'Specifications (from the MDM)') : null,
    specifications.length ? el('dl', { class: 'specifications' }, specifications.flatMap(([key, value]) => [el('dt', {}, key), el('dd', {}, String(value))])) : null,
    el('h4', {}, 'Hand-maintained details'),
    await editForm(device),
    el('h4', {}, 'History'),
    el('ol', { class: 'history' }, events.map((e) => el('li', {}, `${when(e.recordedAt)} — ${inWords(e)}`))),
  );
  box.focus();
}

const PAGE_SIZE = 50;
const registerView = { offset: 0, sort: 'assetTag', order: 'asc' };

/** The search form's filters as query parameters (empty ones left out). */
function registerFilters() {
  const form = $('#search');
  const params = new URLSearchParams();
  const q = $('#q').value.trim();
  if (q) params.set('q', q);
  for (const name of ['status', 'category', 'source', 'missingFrom', 'assignee']) if (form.elements[name].value.trim()) params.set(name, form.elements[name].value.trim());
  return params;
}

/** Fills the filter lists from the API's own description, so they never drift from what it accepts. */
async function fillRegisterFilters() {
  const form = $('#search');
  if (form.dataset.filled) return;
  const document = await (await fetch('/openapi.json')).json();
  for (const parameter of document.paths['/api/hardware'].get.parameters) {
    const select = form.elements[parameter.name];
    const label = (value) => (parameter.name === 'missingFrom' ? `Missing from ${NAMES[value]}` : NAMES[value] ?? value);
    if (select?.tagName === 'SELECT') select.append(...parameter.schema.enum.map((value) => el('option', { value }, label(value))));
  }
  form.dataset.filled = 'yes';
}

async function searchRegister() {
  const params = registerFilters();
  params.set('limit', String(PAGE_SIZE));
  params.set('offset', String(registerView.offset));
  params.set('sort', registerView.sort);
  params.set('order', registerView.order);
  const page = await api('GET', `/api/hardware?${params}`);
  const filtered = registerFilters().toString() !== '';
  const rows = page.items.map((h) => {
    const gone = h.sources.filter((s) => s.missingSince).map((s) => `missing from ${NAMES[s.source]} since ${new Date(s.missingSince).toLocaleDateString()}`);
    const status = gone.length ? `${h.status} (${gone.join(', ')})` : h.status;
    const row = el('tr', { tabindex: 0, 'data-id': h.id }, [h.assetTag, h.serial, h.name, h.model ?? '', h.category, status, h.assignee?.email ?? ''].map((v) => el('td', {}, v)));
    row.addEventListener('click', () => showDevice(h.id));
    row.addEventListener('keydown', (e) => e.key === 'Enter' && showDevice(h.id));
    return row;
  });
  const empty = filtered ? 'No hardware matches these filters. Clear a filter to see more.' : 'The register is empty: import from an MDM under Bulk import, or register a device.';
  $('#hardware tbody').replaceChildren(...(rows.length ? rows : [el('tr', { class: 'empty' }, el('td', { colspan: 7 }, empty))]));
  for (const th of document.querySelectorAll('#hardware th[data-sort]')) {
    th.setAttribute('aria-sort', th.dataset.sort === registerView.sort ? (registerView.order === 'asc' ? 'ascending' : 'descending') : 'none');
  }
  const first = page.total === 0 ? 0 : page.offset + 1;
  $('#hardware-count').textContent = `${first}–${page.offset + page.items.length} of ${page.total}`;
  $('#page-previous').disabled = page.offset === 0;
  $('#page-next').disabled = page.offset + page.items.length >= page.total;
}

const refreshRegister = () => searchRegister().catch((error) => notice(describeProblem(error), 'bad'));
loaders.register = async () => {
  await fillRegisterFilters();
  await searchRegister();
};
$('#search').addEventListener('submit', (event) => {
  event.preventDefault();
  registerView.offset = 0;
  refreshRegister();
});
for (const th of document.querySelectorAll('#hardware th[data-sort]')) {
  $('button', th).addEventListener('click', () => {
    registerView.order = registerView.sort === th.dataset.sort && registerView.order === 'asc' ? 'desc' : 'asc';
    registerView.sort = th.dataset.sort;
    registerView.offset = 0;
    refreshRegister();
  });
}
$('#page-previous').addEventListener('click', () => {
  registerView.offset = Math.max(0, registerView.offset - PAGE_SIZE);
  refreshRegister();
});
$('#page-next').addEventListener('click', () => {
  registerView.offset += PAGE_SIZE;
  refreshRegister();
});

/** The register as the search shows it, every row, as a CSV file (fetched with the token, then saved). */
$('#export-csv').addEventListener('click', async () => {
  const params = registerFilters();
  const response = await fetch(`/api/hardware/export.csv${params.toString() ? `?${params}` : ''}`, { headers: { authorization: `Bearer ${sessionStorage.getItem('token')}` } });
  if (!response.ok) return notice(describeProblem(new ApiError(await response.json().catch(() => null), response.status)), 'bad');
  const link = el('a', { href: URL.createObjectURL(await response.blob()), download: 'hardware-register.csv' });
  document.body.append(link);
  link.click();
  link.remove();
});
if (sessionStorage.getItem('token')) enter().catch(() => signedIn(null));
