// One hardware record: every field a person needs, its sources, its history in words, and the hand-maintained fields.
import { html, nothing, render } from '../vendor/lit-html/lit-html.js';
import { api, apiAnswer, ApiError, blame, NAMES, openApiDocument, when } from './api.js';
import { FIELD_NAMES, fieldState, resultLine } from './views.js';

const HAND_MAINTAINED = ['name', 'category', 'status', 'condition', 'cpu', 'ram', 'storage', 'purchasePrice', 'purchaseDate'];
const run = (id) => (id ? `run ${id.slice(0, 8)}` : '');
const person = (a) => `${a.name} <${a.email}>`;
/** An assignment made already acknowledged, as the import makes it: its note and when. */
const acknowledged = (ack) => `${ack.note}, ${when(ack.at)}`;

/** A byte count as a person reads it: 137438953472 → "128 GiB". */
function inBinaryUnits(bytes) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  for (; value >= 1024 && unit < units.length - 1; unit += 1) value /= 1024;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A specification as the MDM gave it; a size in bytes also in binary units. */
const specificationText = (key, value) =>
  (/Bytes$/.test(key) && Number.isFinite(value) && value >= 0 ? `${value} (${inBinaryUnits(value)})` : String(value));

/** One event of a device's history as a sentence: what changed, from what to what, by whom or which run. */
function inWords(event) {
  const d = event.data ?? {};
  const changed = (changes, say) => Object.entries(changes ?? {}).map(([field, change]) => say(FIELD_NAMES[field] ?? field, change)).join('; ');
  switch (event.type) {
    case 'HardwareImported':
      return `Imported from ${NAMES[d.source]} as ${d.assetTag}${d.assignee ? `, assigned to ${person(d.assignee)}${d.acknowledgement ? `, acknowledged: ${d.acknowledgement.note}` : ''}` : ''} (${run(d.importRunId)})`;
    case 'HardwareIdentityUpdated':
      return `${changed(d.changes, (field, c) => `${field} ${c.from ?? '(none)'} → ${c.to}`)} (${NAMES[d.source]}, ${run(d.importRunId)})`;
    case 'HardwareSourceLinked':
      return `Also reported by ${NAMES[d.source]} (device ${d.sourceDeviceId}, ${run(d.importRunId)})`;
    case 'HardwareAssigned':
      return `Assigned to ${person(d.assignee)}${d.acknowledgement ? `, acknowledged: ${d.acknowledgement.note}` : ''} (${NAMES[d.source]}, ${run(d.importRunId)})`;
    case 'HardwareMissingFromMdm':
      return `No longer listed by ${NAMES[d.source]} (device ${d.sourceDeviceId}, last listed ${when(d.lastListedAt)}, ${run(d.importRunId)})`;
    case 'HardwareSeenAgainInMdm':
      return `Listed again by ${NAMES[d.source]} after missing since ${when(d.missingSince)} (${run(d.importRunId)})`;
    case 'HardwareRegistered':
      return `Registered by hand as ${d.assetTag}${d.registeredBy ? ` by ${d.registeredBy}` : ''}`;
    case 'HardwareDetailsEdited': {
      const shownValue = (value) => (value === null || value === undefined || value === '' ? '(empty)' : value);
      // Edits recorded before 2026-12-08 carry no previous values: those say only what was set.
      const had = d.previous ?? {};
      const said = Object.entries(d.changes ?? {}).map(([field, to]) => {
        const label = FIELD_NAMES[field] ?? field;
        return field in had ? `${label} ${shownValue(had[field])} → ${shownValue(to)}` : `${label} set to ${shownValue(to)}`;
      });
      return `${said.join('; ')} by ${d.editedBy}`;
    }
    default:
      return event.type;
  }
}

const shown = { device: null, events: [], choices: {}, fault: null, result: null };

function sourceLine(s) {
  return s.missingSince
    ? `${NAMES[s.source]}: missing from ${NAMES[s.source]} since ${when(s.missingSince)} (device ${s.sourceDeviceId}, last listed ${when(s.lastListedAt)})`
    : `${NAMES[s.source]}: still lists it (device ${s.sourceDeviceId}, last listed ${when(s.lastListedAt)}, last check-in ${when(s.lastSyncedAt)})`;
}

/** The status a typed edit may not choose: it would contradict who holds the device (the server refuses it too). */
function contradictingStatus(device) {
  return device.assignee
    ? { choice: 'available', why: `Assigned to ${device.assignee.email}: recover it first (Assign and recover hardware)` }
    : { choice: 'assigned', why: 'Nobody holds it: assign it to a person (Assign and recover hardware)' };
}

function editInput(field, value) {
  const mark = fieldState('edit-hardware', field, shown.fault);
  const choices = shown.choices[field]?.enum;
  if (choices) {
    const barred = field === 'status' ? contradictingStatus(shown.device) : null;
    const option = (choice) => (barred?.choice === choice && choice !== value
      ? html`<option value=${choice} disabled title=${barred.why}>${choice}</option>`
      : html`<option value=${choice} ?selected=${choice === value}>${choice}</option>`);
    return html`<select name=${field} aria-invalid=${mark.invalid} aria-describedby=${mark.describedBy}>${choices.map(option)}</select>${mark.error}`;
  }
  const price = field === 'purchasePrice';
  return html`<input name=${field} .value=${String(value)} type=${price ? 'number' : field === 'purchaseDate' ? 'date' : 'text'}
    step=${price ? '0.01' : nothing} min=${price ? '0' : nothing} aria-invalid=${mark.invalid} aria-describedby=${mark.describedBy}>${mark.error}`;
}

/** Sends only the hand-maintained fields that changed. */
async function save(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const device = shown.device;
  const changes = {};
  for (const field of HAND_MAINTAINED) {
    const raw = form.elements[field].value.trim();
    const value = raw === '' ? null : field === 'purchasePrice' ? Number(raw) : raw;
    if (value !== (device[field] ?? null)) changes[field] = value;
  }
  if (!Object.keys(changes).length) {
    Object.assign(shown, { fault: null, result: { ok: true, message: 'Nothing changed.' } });
    return draw();
  }
  try {
    // Saved only if the record is still as shown: a colleague's change since is not overwritten unseen.
    await apiAnswer('PATCH', `/api/hardware/${encodeURIComponent(device.id)}`, changes, shown.etag ? { 'if-match': shown.etag } : {});
    await showDevice(device.id, { ok: true, message: 'Saved.' });
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) {
      return showDevice(device.id, { ok: false, message: 'Not saved: this record changed after it was opened (an edit or an import).', fix: 'It now shows the record as it is; make your change again if it still holds.' });
    }
    const fault = blame(error);
    Object.assign(shown, { fault, result: { ok: false, message: fault.message, fix: fault.fix } });
    draw();
    form.elements[fault.field]?.focus();
  }
}

function view() {
  const { device, events } = shown;
  const specifications = Object.entries(device.specifications ?? {});
  return html`<h3>${device.name}</h3>
    <dl>${Object.entries(FIELD_NAMES).map(([f, label]) => html`<dt>${label}</dt><dd>${device[f] ?? '—'}</dd>`)}
      <dt>Assigned to</dt><dd>${device.assignee ? person(device.assignee) : '—'}</dd>
      ${device.acknowledgement ? html`<dt>Acknowledged</dt><dd>${acknowledged(device.acknowledgement)}</dd>` : nothing}</dl>
    <h4>Sources</h4>
    ${device.sources.length ? html`<ul class="sources">${device.sources.map((s) => html`<li class=${s.missingSince ? 'missing' : ''}>${sourceLine(s)}</li>`)}</ul>` : html`<p>Entered by hand.</p>`}
    ${specifications.length ? html`<h4>Specifications (from the MDM)</h4>
      <dl class="specifications">${specifications.map(([key, value]) => html`<dt>${key}</dt><dd>${specificationText(key, value)}</dd>`)}</dl>` : nothing}
    <h4>Hand-maintained details</h4>
    <form class="edit" id="edit-hardware" aria-label="Edit the hand-maintained fields" @submit=${save}>
      ${HAND_MAINTAINED.map((field) => html`<label>${FIELD_NAMES[field]} ${editInput(field, device[field] ?? '')}</label>`)}
      <button type="submit">Save details</button>
      ${resultLine(shown.result)}
    </form>
    <h4>History</h4>
    <ol class="history">${events.map((e) => html`<li>${when(e.recordedAt)} — ${inWords(e)}</li>`)}</ol>`;
}

function draw() {
  render(shown.device ? view() : nothing, document.querySelector('#device'));
}

export async function showDevice(id, result = null) {
  const [record, events, document_] = await Promise.all([apiAnswer('GET', `/api/hardware/${encodeURIComponent(id)}`), api('GET', `/api/hardware/${encodeURIComponent(id)}/events`), openApiDocument()]);
  Object.assign(shown, { device: record.data, etag: record.etag, events, choices: document_.components.schemas.EditHardware.properties, fault: null, result });
  draw();
  if (!result) document.querySelector('#device').focus();
}
