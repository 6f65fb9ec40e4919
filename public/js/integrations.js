// Settings → Integrations: the two connector forms (static in index.html) and the source precedence form.
import { api, blame, describeProblem, NAMES, when } from './api.js';
import { markField, showResult } from './views.js';

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

/** The saved state of a connector; "Last test" is only ever the test of these saved values. */
function fillCard(card) {
  const form = document.querySelector(`#card-${card.source}`);
  form.elements.enabled.checked = card.enabled;
  for (const [field, value] of Object.entries(card.settings)) if (form.elements[field]) form.elements[field].value = value ?? '';
  const secret = form.querySelector('[data-secret]');
  secret.value = '';
  secret.placeholder = card.secretProblem ?? (card.secretStored ? 'Stored — leave empty to keep it' : 'Not stored yet');
  setBadge(card.source, card.status);
  if (card.lastTest) showResult(form, card.lastTest.ok, `Last test (${when(card.lastTest.at)}): ${card.lastTest.message}`, card.lastTest.fix);
}

export async function loadIntegrations() {
  for (const card of await api('GET', '/api/admin/integrations')) fillCard(card);
  const precedence = await api('GET', '/api/admin/settings/source-precedence');
  for (const platform of ['apple', 'other']) document.querySelector('#precedence').elements[platform].value = precedence[platform];
}

export function wireIntegrations() {
  const precedence = document.querySelector('#precedence');
  precedence.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const saved = await api('PUT', '/api/admin/settings/source-precedence', { apple: precedence.elements.apple.value, other: precedence.elements.other.value });
      showResult(precedence, true, `Saved: Apple devices follow ${NAMES[saved.apple]}, other devices ${NAMES[saved.other]}, from the next import.`);
    } catch (error) {
      showResult(precedence, false, describeProblem(error));
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
        const fault = blame(error);
        markField(form, fault);
        showResult(form, false, fault.message, fault.fix);
      }
    });
    form.querySelector('[data-action=test]').addEventListener('click', async (event) => {
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
}
