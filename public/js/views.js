// Templates shared by the tabs. lit-html writes every value from the server as text, never as HTML.
import { html, nothing, render } from '../vendor/lit-html/lit-html.js';
import { NAMES, when } from './api.js';

export const FIELD_NAMES = {
  assetTag: 'Asset tag', serial: 'Serial number', name: 'Name', manufacturer: 'Manufacturer', model: 'Model', operatingSystem: 'Operating system',
  osVersion: 'OS version', macAddress: 'MAC address', category: 'Category', status: 'Status', condition: 'Condition', cpu: 'CPU', ram: 'RAM',
  storage: 'Storage', purchasePrice: 'Purchase price', purchaseDate: 'Purchase date',
};

export function notice(text, kind = '') {
  const box = document.querySelector('#notice');
  box.className = `notice ${kind}`;
  box.textContent = text;
}

/** A form's result line: what happened, and on its own line the fix. */
export const resultLine = (result) => (result
  ? html`<p class="result ${result.ok ? 'ok' : 'bad'}" data-result role="status">${result.message}${result.fix ? html`<span class="fix">${result.fix}</span>` : nothing}</p>`
  : html`<p class="result" data-result role="status"></p>`);

/** Writes a result line into a form's static [data-result] box. */
export function showResult(form, ok, message, fix) {
  const box = form.querySelector('[data-result]');
  box.className = `result ${ok ? 'ok' : 'bad'}`;
  render(html`${message}${fix ? html`<span class="fix">${fix}</span>` : nothing}`, box);
}

/** A field that a form's last answer blamed: marked invalid, with its message after it. */
export const fieldState = (formId, field, fault) => {
  const id = `${formId}-${field}-error`;
  const bad = fault?.field === field;
  return { invalid: bad ? 'true' : nothing, describedBy: bad ? id : nothing, error: bad ? html`<span class="field-error" id=${id}>${fault.fieldMessage ?? 'Check this value.'}</span>` : nothing };
};

/** The same marking for the page's static forms (Integrations). */
export function markField(form, fault) {
  for (const input of form.querySelectorAll('input')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  const input = fault?.field && form.elements[fault.field];
  if (!input) return;
  const span = Object.assign(document.createElement('span'), { className: 'field-error', id: `${form.id}-${fault.field}-error`, textContent: fault.fieldMessage ?? 'Check this value.' });
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', span.id);
  input.after(span);
  input.focus();
}

export const countsList = (counts) => html`<ul class="counts">${['created', 'updated', 'unchanged', 'skipped', 'errors', 'missing'].map((k) =>
  html`<li><strong>${counts[k] ?? 0}</strong>${k === 'missing' ? 'newly missing' : k}</li>`)}</ul>`;

/** Records the source's complete listing left out for the first time. */
export const missingList = (source, devices) => (devices?.length
  ? html`<details class="missing"><summary>Newly missing from ${NAMES[source]} (${devices.length})</summary>
      <ul>${devices.map((d) => html`<li>${d.assetTag} · ${d.serial} · ${d.name} — last listed ${when(d.lastListedAt)}</li>`)}</ul></details>`
  : nothing);

export const outcomeList = (title, outcomes) => (outcomes?.length
  ? html`<details ?open=${title.startsWith('Error')}><summary>${title} (${outcomes.length})</summary>
      <ul>${outcomes.map((o) => html`<li>${o.serial ?? '(no serial)'} · ${o.deviceName ?? o.sourceDeviceId} — ${o.detail ?? o.reason}</li>`)}</ul></details>`
  : nothing);

export const warnings = (list) => (list ?? []).map((warning) => html`<p class="warning">Warning: ${warning}</p>`);
