// The hardware register: paged, sorted and filtered on the server; CSV export of what the filters select.
import { html, render } from '../vendor/lit-html/lit-html.js';
import { ApiError, authorization, api, describeProblem, download, NAMES, openApiDocument } from './api.js';
import { showDevice } from './device.js';
import { notice } from './views.js';

const PAGE_SIZE = 50;
const COLUMNS = [['assetTag', 'Asset tag'], ['serial', 'Serial'], ['name', 'Name'], ['model', 'Model'], ['category', 'Category'], ['status', 'Status'], ['assignee', 'Assignee']];
const view = { offset: 0, sort: 'assetTag', order: 'asc', page: null, filtered: false };

/** The search form's filters as query parameters (empty ones left out). */
function registerFilters() {
  const form = document.querySelector('#search');
  const params = new URLSearchParams();
  for (const name of ['q', 'status', 'category', 'source', 'missingFrom', 'assignee']) if (form.elements[name].value.trim()) params.set(name, form.elements[name].value.trim());
  return params;
}

/** Fills the filter lists from the API's own description, so they never drift from what it accepts. */
async function fillRegisterFilters() {
  const form = document.querySelector('#search');
  if (form.dataset.filled) return;
  const { paths } = await openApiDocument();
  for (const parameter of paths['/api/hardware'].get.parameters) {
    const select = form.elements[parameter.name];
    if (select?.tagName !== 'SELECT') continue;
    const label = (value) => (parameter.name === 'missingFrom' ? `Missing from ${NAMES[value]}` : NAMES[value] ?? value);
    // Rendered after the static "Any" option, which stays first.
    render(html`${parameter.schema.enum.map((value) => html`<option value=${value}>${label(value)}</option>`)}`, select);
  }
  form.dataset.filled = 'yes';
}

function statusOf(h) {
  const gone = h.sources.filter((s) => s.missingSince).map((s) => `missing from ${NAMES[s.source]} since ${new Date(s.missingSince).toLocaleDateString()}`);
  return gone.length ? `${h.status} (${gone.join(', ')})` : h.status;
}

function sortBy(column) {
  view.order = view.sort === column && view.order === 'asc' ? 'desc' : 'asc';
  view.sort = column;
  view.offset = 0;
  refreshRegister();
}

function turnPage(step) {
  view.offset = Math.max(0, view.offset + step * PAGE_SIZE);
  refreshRegister();
}

function table() {
  const { page, filtered } = view;
  const empty = filtered ? 'No hardware matches these filters. Clear a filter to see more.' : 'The register is empty: import from an MDM under Bulk import, or register a device.';
  const ariaSort = (column) => (column === view.sort ? (view.order === 'asc' ? 'ascending' : 'descending') : 'none');
  const first = page.total === 0 ? 0 : page.offset + 1;
  return html`<div class="table-wrap"><table id="hardware"><caption class="sr-only">Hardware; select a column heading to sort by it</caption>
      <thead><tr>${COLUMNS.map(([column, label]) => html`<th scope="col" data-sort=${column} aria-sort=${ariaSort(column)}><button type="button" @click=${() => sortBy(column)}>${label}</button></th>`)}</tr></thead>
      <tbody>${page.items.length
        ? page.items.map((h) => html`<tr tabindex="0" data-id=${h.id} @click=${() => showDevice(h.id)} @keydown=${(e) => e.key === 'Enter' && showDevice(h.id)}>
            ${[h.assetTag, h.serial, h.name, h.model ?? '', h.category, statusOf(h), h.assignee?.email ?? ''].map((v) => html`<td>${v}</td>`)}</tr>`)
        : html`<tr class="empty"><td colspan=${COLUMNS.length}>${empty}</td></tr>`}</tbody></table></div>
    <div class="pager">
      <button type="button" id="page-previous" ?disabled=${page.offset === 0} @click=${() => turnPage(-1)}>Previous</button>
      <p id="hardware-count" class="muted" role="status">${first}–${page.offset + page.items.length} of ${page.total}</p>
      <button type="button" id="page-next" ?disabled=${page.offset + page.items.length >= page.total} @click=${() => turnPage(1)}>Next</button>
    </div>`;
}

async function searchRegister() {
  const params = registerFilters();
  view.filtered = params.toString() !== '';
  params.set('limit', String(PAGE_SIZE));
  params.set('offset', String(view.offset));
  params.set('sort', view.sort);
  params.set('order', view.order);
  view.page = await api('GET', `/api/hardware?${params}`);
  render(table(), document.querySelector('#register-results'));
}

const refreshRegister = () => searchRegister().catch((error) => notice(describeProblem(error), 'bad'));

export async function loadRegister() {
  await fillRegisterFilters();
  await searchRegister();
}

/** The register as the search shows it, every row, as a CSV file (fetched with the token, then saved). */
async function exportCsv() {
  const params = registerFilters();
  params.set('sort', view.sort);
  params.set('order', view.order);
  const response = await fetch(`/api/hardware/export.csv?${params}`, { headers: authorization() });
  if (!response.ok) return notice(describeProblem(new ApiError(await response.json().catch(() => null), response.status)), 'bad');
  download(await response.blob(), 'hardware-register.csv');
}

export function wireRegister() {
  document.querySelector('#search').addEventListener('submit', (event) => {
    event.preventDefault();
    view.offset = 0;
    refreshRegister();
  });
  document.querySelector('#export-csv').addEventListener('click', exportCsv);
}
