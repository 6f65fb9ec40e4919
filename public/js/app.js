// The admin page: lit-html templates over the admin API, no build step. Sign-in and the tabs live here.
import { api, describeProblem } from './api.js';
import { loadBulkImport } from './bulk-import.js';
import { loadHistory } from './history.js';
import { loadIntegrations, wireIntegrations } from './integrations.js';
import { loadRegister, wireRegister } from './register.js';
import { notice } from './views.js';

const $ = (selector) => document.querySelector(selector);
const loaders = { integrations: loadIntegrations, 'bulk-import': loadBulkImport, history: loadHistory, register: loadRegister };

function showTab(name) {
  for (const button of document.querySelectorAll('.tabs button')) button.setAttribute('aria-selected', String(button.dataset.tab === name));
  for (const panel of document.querySelectorAll('.panel')) panel.hidden = panel.id !== name;
  loaders[name]?.().catch((error) => notice(describeProblem(error), 'bad'));
}

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
  await loadIntegrations();
  signedIn(me);
}

for (const button of document.querySelectorAll('.tabs button')) button.addEventListener('click', () => showTab(button.dataset.tab));
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
wireIntegrations();
wireRegister();
if (sessionStorage.getItem('token')) enter().catch(() => signedIn(null));
