import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHttpWorld, TOKENS_BY_ROLE, type HttpWorld } from '../support/http-world.js';
import { CLIENT, SECRET, TENANT } from '../support/intune-world.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { SqliteUserDirectory } from '../../src/adapters/driven/sqlite/sqlite-user-directory.js';

/** Debian's chromium here and in .ci/run; CI on GitHub points CHROMIUM_PATH at its preinstalled Chrome. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-output/screenshots';
const PLAIN_HTTP_NAME = 'admin.ontrackio.test';

describe('Admin page in headless Chromium', function () {
  this.timeout(120_000);
  let world: HttpWorld;
  let browser: Browser;
  let page: Page;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's package with "apt-get install -y chromium" (.ci/run does), or set CHROMIUM_PATH.`);
    mkdirSync(SHOTS, { recursive: true });
    world = await startHttpWorld();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // A name that is not localhost, as a deployment is reached (docker-compose publishes plain HTTP).
        `--host-resolver-rules=MAP ${PLAIN_HTTP_NAME} 127.0.0.1`,
      ],
    });
    // The browser's clock in UTC whatever the machine's, so that a time shown on another zone's clock is told apart.
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, timezoneId: 'UTC' });
    await page.goto(world.server.url);
  });
  after(async () => {
    await browser?.close();
    await world?.stop();
  });
  /** The box a table scrolls in: how wide it is, and how far its table runs past it. */
  const tableBox = (table: string) => page.evaluate((id) => {
    const wrap = document.getElementById(id)!.closest('.table-wrap')!;
    return { width: wrap.clientWidth, sideways: wrap.scrollWidth - wrap.clientWidth };
  }, table);

  it('asks to sign in before showing any form, then says who is signed in', async () => {
    expect(await page.locator('#landing').textContent()).to.match(/^Sign in with your access token/);
    expect(await page.locator('#card-intune').isVisible(), 'no editable form before sign-in').to.equal(false);
    expect(await page.getByRole('button', { name: 'Bulk import' }).isVisible()).to.equal(false);
    await page.screenshot({ path: `${SHOTS}/landing-laptop.png` });
  });

  it('signs in with a bearer token', async () => {
    await page.getByLabel('Access token').fill(TOKENS_BY_ROLE.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#who', { hasText: 'Signed in' }).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#who').textContent()).to.equal('Signed in as admin@acme.example (admin)');
    expect(await page.locator('#landing').isVisible()).to.equal(false);
    expect(await page.getByLabel('Access token').isVisible()).to.equal(false);
    expect(await page.locator('[data-badge=intune]').textContent()).to.equal('Not configured');
  });

  it('configures Intune, tests the connection and saves', async () => {
    const card = page.locator('#card-intune');
    await card.getByLabel('Enable Microsoft Intune integration').check();
    await card.getByLabel('Tenant ID').fill(TENANT);
    await card.getByLabel('App registration client ID').fill(CLIENT);
    await card.getByLabel('App registration client secret').fill(SECRET);
    await card.getByText('Sovereign cloud (optional)').click();
    await card.getByLabel('Authority host').fill(world.intune.url);
    await card.getByLabel('Graph base URL').fill(world.intune.url);
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.locator('[data-result].ok', { hasText: 'Connected to Microsoft Intune' }).waitFor({ timeout: 20_000 });
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.locator('[data-result]', { hasText: 'Saved. Microsoft Intune is Configured.' }).waitFor();
    expect(await card.getByLabel('App registration client secret').getAttribute('placeholder')).to.equal('Stored — leave empty to keep it');
    expect(await card.getByLabel('App registration client secret').inputValue(), 'the secret is never shown back').to.equal('');
    await page.screenshot({ path: `${SHOTS}/integrations.png`, fullPage: true });
  });

  it('chooses which MDM a device in both follows, per platform', async () => {
    const form = page.locator('#precedence');
    expect(await form.getByLabel('Apple devices follow').inputValue(), 'Jamf Pro by default').to.equal('jamf');
    await form.getByLabel('Other devices follow').selectOption('jamf');
    await form.getByRole('button', { name: 'Save precedence' }).click();
    await form.locator('[data-result]', { hasText: 'Saved: Apple devices follow Jamf Pro, other devices Jamf Pro, from the next import.' }).waitFor();
    expect((await world.call('GET', '/api/admin/settings/source-precedence')).body).to.deep.equal({ apple: 'jamf', other: 'jamf' });
    await form.getByLabel('Other devices follow').selectOption('intune');
    await form.getByRole('button', { name: 'Save precedence' }).click();
    await form.locator('[data-result]', { hasText: 'other devices Microsoft Intune' }).waitFor();
  });

  it('names the field at fault when a value is wrong', async () => {
    const card = page.locator('#card-jamf');
    await card.getByLabel('Tenant URL').fill('https://acme.jamfcloud.com/api/');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.locator('[data-result].bad', { hasText: 'Use https://acme.jamfcloud.com instead.' }).waitFor();
    const field = card.getByLabel('Tenant URL');
    expect(await field.getAttribute('aria-invalid')).to.equal('true');
    expect(await card.locator(`#${await field.getAttribute('aria-describedby')}`).textContent()).to.match(/^Tenant URL must not end in \/api/);
    const said = (await card.locator('[data-result]').textContent()) ?? '';
    expect(said.split('Use https://acme.jamfcloud.com instead.').length - 1, 'the fix is said once').to.equal(1);
    await page.screenshot({ path: `${SHOTS}/field-error-laptop.png` });
  });

  it('imports from Intune after confirming and shows the result banner', async () => {
    await page.getByRole('button', { name: 'Bulk import' }).click();
    const button = page.getByRole('button', { name: 'Import devices from Microsoft Intune' });
    await button.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
    const banner = page.locator('#banner h3', { hasText: 'Microsoft Intune: import completed' });
    await banner.waitFor({ timeout: 30_000 });
    const created = Number(await page.locator('#banner .counts li').first().locator('strong').textContent());
    expect(created).to.be.greaterThan(300);
    expect(await page.locator('#banner details summary').first().textContent()).to.match(/^Skipped \(\d+\)$/);
    expect(await page.locator('#banner').textContent()).to.not.include('null');
    await page.screenshot({ path: `${SHOTS}/bulk-import-banner.png`, fullPage: true });
  });

  it('finds a device in the register and opens it with its history', async () => {
    const [device] = (await world.call('GET', '/api/hardware?limit=1')).body.items;
    await page.getByRole('button', { name: 'Hardware register' }).click();
    await page.getByLabel('Search by serial, name, assignee or MAC').fill(device.serial);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`#hardware tbody tr[data-id="${device.id}"]`);
    await row.waitFor();
    await row.click();
    await page.locator('#device h4', { hasText: 'History' }).waitFor();
    expect(await page.locator('#device ol.history li').first().textContent()).to.match(/ — Imported from Microsoft Intune as HW-\d{5} \(run [0-9a-f]{8}\)/);
    expect(await page.locator('#device ul.sources li').first().textContent()).to.match(/^Microsoft Intune: still lists it \(device \S+, last listed \S.*, last check-in /);
    expect(await page.locator('#device dl.specifications dt').allTextContents()).to.include('complianceState');
    const storage = page.locator('#device dl.specifications dt', { hasText: /^totalStorageBytes$/ }).locator('xpath=following-sibling::dd[1]');
    expect(await storage.textContent(), 'the raw byte count, and in binary units').to.match(/^\d+ \(\d+(\.\d)? [KMGT]iB\)$/);
    await page.screenshot({ path: `${SHOTS}/register-device.png`, fullPage: true });
  });

  it('edits the hand-maintained fields from the record, and the history says who changed what from what to what', async () => {
    const form = page.locator('#edit-hardware');
    const nameBefore = await page.locator('#device h3').textContent();
    await form.getByLabel('Name').fill('Reception laptop');
    await form.getByLabel('CPU').fill('Intel Core i7-1365U');
    await form.getByLabel('Condition').selectOption('fair');
    await form.getByRole('button', { name: 'Save details' }).click();
    await page.locator('#edit-hardware [data-result]', { hasText: 'Saved.' }).waitFor();
    expect(await page.locator('#device h3').textContent()).to.equal('Reception laptop');
    const said = (await page.locator('#device ol.history li').last().textContent()) ?? '';
    for (const part of [`Name ${nameBefore} → Reception laptop`, 'CPU (empty) → Intel Core i7-1365U', 'Condition good → fair']) expect(said).to.include(part);
    expect(said).to.match(/ by admin@acme\.example$/);
    await page.screenshot({ path: `${SHOTS}/register-edit-laptop.png`, fullPage: true });
  });

  it('does not save over a change made after the record was opened: it says so and shows the record as it is now', async () => {
    const [device] = (await world.call('GET', `/api/hardware?q=${encodeURIComponent('Reception laptop')}`)).body.items;
    expect((await world.call('PATCH', `/api/hardware/${device.id}`, { body: { ram: '32 GB' } })).status, 'a colleague saves first').to.equal(200);
    const form = page.locator('#edit-hardware');
    await form.getByLabel('Name').fill('Front desk laptop');
    await form.getByRole('button', { name: 'Save details' }).click();
    await page.locator('#edit-hardware [data-result]', { hasText: 'Not saved: this record changed after it was opened' }).waitFor();
    expect(await page.locator('#device h3').textContent()).to.equal('Reception laptop');
    expect(await form.getByLabel('RAM').inputValue(), 'the colleague\'s change is shown').to.equal('32 GB');
    await form.getByLabel('Name').fill('Front desk laptop');
    await form.getByRole('button', { name: 'Save details' }).click();
    await page.locator('#edit-hardware [data-result]', { hasText: 'Saved.' }).waitFor();
    expect(await page.locator('#device h3').textContent()).to.equal('Front desk laptop');
    expect((await world.call('GET', `/api/hardware/${device.id}`)).body).to.include({ name: 'Front desk laptop', ram: '32 GB' });
  });

  it('pages, sorts and filters the register on the server, and says when nothing matches', async () => {
    await page.getByRole('button', { name: 'Hardware register' }).click();
    await page.getByLabel('Search by serial, name, assignee or MAC').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#hardware-count', { hasText: /^1–50 of \d+/ }).waitFor();
    const total = Number((await page.locator('#hardware-count').textContent())!.split(' of ')[1]);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#hardware-count', { hasText: `51–100 of ${total}` }).waitFor();
    const serialHeading = page.locator('#hardware th[data-sort=serial] button');
    await serialHeading.click();
    await page.locator('#hardware th[data-sort=serial][aria-sort=ascending]').waitFor();
    await serialHeading.click();
    await page.locator('#hardware th[data-sort=serial][aria-sort=descending]').waitFor();
    expect(await page.locator('#hardware-count').textContent(), 'a new sort starts at the first page').to.match(/^1–50 of/);
    const serials = await page.locator('#hardware tbody tr td:nth-child(2)').allTextContents();
    const expected = (await world.call('GET', '/api/hardware?sort=serial&order=desc&limit=50')).body.items.map((h: { serial: string }) => h.serial);
    expect(serials).to.deep.equal(expected);
    const filters = page.locator('#search');
    await filters.getByLabel('Category').selectOption('tablet');
    await filters.getByLabel('Source').selectOption('jamf');
    await page.getByRole('button', { name: 'Search' }).click();
    const tablets = (await world.call('GET', '/api/hardware?category=tablet&source=jamf&limit=1')).body.total;
    await page.locator('#hardware-count', { hasText: ` of ${tablets}` }).waitFor();
    await page.getByLabel('Search by serial, name, assignee or MAC').fill('no-such-device-anywhere');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#hardware tr.empty', { hasText: 'No hardware matches these filters' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/register-filtered-laptop.png`, fullPage: true });
    await page.getByLabel('Search by serial, name, assignee or MAC').fill('');
    await filters.getByLabel('Category').selectOption('');
    await filters.getByLabel('Source').selectOption('');
  });

  it('shows every column of the register and the history on a laptop screen, and lines the filters up', async () => {
    await page.getByRole('button', { name: 'Hardware register' }).click();
    await page.locator('#hardware tbody tr').first().waitFor();
    const register = await tableBox('hardware');
    expect(register.sideways, 'the register at 1366 px').to.be.at.most(0);
    // This fleet's names are short; the demo's register needs about 1,270 px, so the page must give it the screen.
    expect(register.width, 'the register uses the laptop screen, not a narrow column of it').to.be.at.least(1300);
    const filters = page.locator('#search');
    const heights = await Promise.all(['Search by serial, name, assignee or MAC', 'Status', 'Missing from MDM'].map(async (label) => (await filters.getByLabel(label).boundingBox())!.height));
    expect(new Set(heights).size, `text field and lists one height: ${heights.join(', ')}`).to.equal(1);
    await page.getByRole('button', { name: 'Import history' }).click();
    await page.locator('#runs tbody tr').first().waitFor();
    expect((await tableBox('runs')).sideways, 'the history at 1366 px').to.be.at.most(0);
  });

  it('exports the register as a CSV file', async () => {
    await page.getByRole('button', { name: 'Hardware register' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).to.equal('hardware-register.csv');
    expect([...readFileSync((await download.path())!).subarray(0, 3)], 'the file keeps the byte order mark that tells Excel it is UTF-8').to.deep.equal([0xef, 0xbb, 0xbf]);
  });

  it('exports the register in the order the table shows it', async () => {
    // The tab reloads in the sort it was left in (serial, descending, by the case before): that answer is
    // awaited first, so it is never taken for the answer to the click that sorts ascending.
    const reloaded = page.waitForResponse((response) => /\/api\/hardware\?/.test(response.url()));
    await page.getByRole('button', { name: 'Hardware register' }).click();
    await reloaded;
    const ascending = page.locator('#hardware th[data-sort=serial][aria-sort=ascending]');
    if (!(await ascending.count())) await page.locator('#hardware thead button', { hasText: 'Serial' }).click();
    await ascending.waitFor();
    const shown = (await page.locator('#hardware tbody tr td:nth-child(2)').allTextContents()).slice(0, 5);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const rows = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n').slice(1, 6);
    expect(rows.map((row) => row.split(',')[1]), 'the first serials of the file are those of the table').to.deep.equal(shown);
    expect(shown, 'sorted by serial, not by asset tag').to.deep.equal([...shown].sort());
  });

  it('lists the run in the import history', async () => {
    await page.getByRole('button', { name: 'Import history' }).click();
    await page.locator('#runs tbody tr').first().waitFor();
    expect(await page.locator('#runs tbody tr').first().textContent()).to.match(/Microsoft Intune.*completed/);
    const detailAnswer = page.waitForResponse((response) => /\/mdm\/runs\/[^/?]+(\?|$)/.test(response.url()));
    await page.locator('#runs tbody tr').first().click();
    const title = page.locator('#run-detail h3');
    await title.waitFor();
    const downloaded = await (await detailAnswer).json();
    expect(downloaded.counts.created, 'a run with created devices').to.be.greaterThan(0);
    expect(downloaded.outcomes.map((o: { outcome: string }) => o.outcome), 'only the problems it shows are downloaded').to.satisfy((kinds: string[]) => kinds.length > 0 && kinds.every((k) => k === 'skipped' || k === 'error'));
    expect(await title.textContent()).to.match(/^Microsoft Intune import, \S/);
    expect(await title.textContent()).to.not.match(/[0-9a-f]{8}-[0-9a-f]{4}/);
    const reasons = await page.locator('#run-problems tbody tr td:first-child').allTextContents();
    expect(reasons.length).to.be.greaterThan(0);
    expect(reasons, 'grouped by reason').to.deep.equal([...reasons].sort());
    await page.locator('#run-problems thead button', { hasText: 'Serial' }).click();
    const serials = await page.locator('#run-problems tbody tr td:nth-child(3)').allTextContents();
    expect(serials).to.deep.equal([...serials].sort((a, b) => a.localeCompare(b)));
    expect(await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href')).to.match(/^blob:/);
    expect((await tableBox('run-problems')).sideways, 'each problem reads whole at 1366 px, without sideways scrolling').to.be.at.most(0);
    await page.screenshot({ path: `${SHOTS}/history.png`, fullPage: true });
  });

  it('shows a running import as a progress bar that survives a reload, then the banner with the devices that left Intune', async () => {
    const { items } = (await world.call('GET', '/api/hardware?source=intune&sort=serial&limit=2')).body as { items: Array<{ serial: string }> };
    world.intune.retired = new Set(items.map((r) => r.serial.toUpperCase()));
    world.intune.faults = { slowPageMs: 4000 };
    try {
      await page.getByRole('button', { name: 'Bulk import' }).click();
      await page.getByRole('button', { name: 'Import devices from Microsoft Intune' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
      const status = page.locator('[data-progress=intune] .progress-text');
      await status.waitFor({ timeout: 10_000 });
      await page.locator('[data-progress=intune] .progress-text', { hasText: /^0 of about \d+ devices read — 0 created/ }).waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-progress=intune] progress').count()).to.equal(1);
      await page.screenshot({ path: `${SHOTS}/bulk-import-progress.png`, fullPage: true });
      await page.reload();
      await page.getByRole('button', { name: 'Bulk import' }).click();
      await page.locator('[data-progress=intune] .progress-text', { hasText: /devices read/ }).waitFor({ timeout: 10_000 });
      expect(await page.getByRole('button', { name: 'Import devices from Microsoft Intune' }).isDisabled(), 'no second run while one goes').to.equal(true);
      await page.locator('#banner h3', { hasText: 'Microsoft Intune: import completed' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#banner details.missing summary').textContent()).to.equal('Newly missing from Microsoft Intune (2)');
      expect(await page.locator('[data-progress=intune]').count(), 'the bar goes when the run ends').to.equal(0);
    } finally {
      world.intune.faults = {};
      world.intune.retired = new Set();
    }
    await page.getByRole('button', { name: 'Hardware register' }).click();
    await page.locator('#search').getByLabel('Missing from MDM').selectOption('intune');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#hardware-count', { hasText: /^1–2 of 2$/ }).waitFor();
    const statuses = await page.locator('#hardware tbody tr td:nth-child(6)').allTextContents();
    for (const text of statuses) expect(text).to.match(/\(missing from Microsoft Intune since \S+\)$/);
    await page.locator('#hardware tbody tr').first().click();
    await page.locator('#device ul.sources li.missing', { hasText: /^Microsoft Intune: missing from Microsoft Intune since .* last listed / }).waitFor();
    expect(await page.locator('#device ol.history').textContent()).to.match(/No longer listed by Microsoft Intune/);
    await page.screenshot({ path: `${SHOTS}/register-missing-laptop.png`, fullPage: true });
    await page.locator('#search').getByLabel('Missing from MDM').selectOption('');
  });

  it('previews an import: what it would update, field by field, and nothing changes', async () => {
    await page.getByRole('button', { name: 'Bulk import' }).click();
    await page.getByRole('button', { name: 'Preview import from Microsoft Intune' }).click();
    await page.locator('#banner h3', { hasText: 'Microsoft Intune: preview — nothing was changed' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#banner details summary', { hasText: 'Would update' }).textContent()).to.equal('Would update (2)');
    const notes = await page.locator('#preview-updated tbody tr td:nth-child(4)').allTextContents();
    for (const note of notes) expect(note).to.match(/^Microsoft Intune lists it again \(missing since /);
    expect((await world.call('GET', '/api/hardware?missingFrom=intune')).body.total, 'still missing: a preview changes nothing').to.equal(2);
    await page.screenshot({ path: `${SHOTS}/bulk-import-preview.png`, fullPage: true });
    await page.getByRole('button', { name: 'Import history' }).click();
    await page.locator('#runs tbody tr', { hasText: 'preview (nothing changed)' }).first().waitFor();
  });

  it('shows a failed run in the history with its whole reason, wrapped, and the history still fits a laptop screen', async () => {
    const settings = (clientSecret: string) => ({ body: { enabled: true, tenantId: TENANT, clientId: CLIENT, clientSecret, authorityHost: world.intune.url, graphBaseUrl: world.intune.url } });
    await world.call('PUT', '/api/admin/integrations/intune', settings('the-secret-id-not-the-value'));
    try {
      const failed = await world.call('POST', '/api/admin/bulk-import/mdm/intune', { headers: { prefer: 'wait=60' } });
      expect(failed.body.result.status, 'a run that failed on its first call').to.equal('failed');
    } finally {
      await world.call('PUT', '/api/admin/integrations/intune', settings(SECRET));
    }
    await page.getByRole('button', { name: 'Bulk import' }).click();
    await page.getByRole('button', { name: 'Import history' }).click();
    const row = page.locator('#runs tbody tr', { hasText: /failed: .*AADSTS7000215/ }).first();
    await row.waitFor();
    expect((await tableBox('runs')).sideways, 'the history at 1366 px, with a failure and a preview in it').to.be.at.most(0);
    await page.screenshot({ path: `${SHOTS}/history-failed-run-laptop.png`, fullPage: true });
  });

  it('lists the history a page at a time, older runs on demand, each run once', async () => {
    const all = ((await world.call('GET', '/api/admin/bulk-import/mdm/runs')).body as Array<{ runId: string; startedAt: string }>);
    expect(all.length, 'two imports and a preview by now').to.be.at.least(3);
    await page.evaluate(() => ((document.querySelector('#runs') as HTMLElement).dataset.pageSize = '2'));
    await page.getByRole('button', { name: 'Bulk import' }).click();
    await page.getByRole('button', { name: 'Import history' }).click();
    const rows = page.locator('#runs tbody tr');
    await page.getByRole('button', { name: 'Show older runs' }).waitFor();
    expect(await rows.count()).to.equal(2);
    while (await page.getByRole('button', { name: 'Show older runs' }).isVisible()) {
      const before = await rows.count();
      await page.getByRole('button', { name: 'Show older runs' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('#runs tbody tr').length > n || !document.querySelector('#runs-more button'), before);
    }
    expect(await rows.count()).to.equal(all.length);
    await page.evaluate(() => ((document.querySelector('#runs') as HTMLElement).dataset.pageSize = '100'));
  });

  it('sets a sync schedule on the source card, names the field at fault, and shows the next run', async () => {
    await page.getByRole('button', { name: 'Bulk import' }).click();
    const card = page.locator('[data-source-card=intune]');
    await card.getByLabel('Repeat').selectOption('daily');
    await card.getByLabel('Time', { exact: true }).fill('02:30');
    await card.getByLabel('Time zone').fill('Mars/Olympus');
    await card.getByRole('button', { name: 'Save schedule' }).click();
    await card.locator('.field-error', { hasText: /not a time zone/ }).waitFor();
    expect(await card.getByLabel('Time zone').getAttribute('aria-invalid')).to.equal('true');
    await card.getByLabel('Time zone').fill('Europe/Paris');
    await card.getByRole('button', { name: 'Save schedule' }).click();
    await page.locator('[data-source-card=intune] form.schedule [data-result]', { hasText: 'Schedule saved.' }).waitFor();
    const now = await page.locator('[data-source-card=intune] .schedule-now').textContent();
    expect(now).to.match(/^Schedule: Daily at 02:30 \(Europe\/Paris\)\. Next run \S/);
    // The next run on the schedule's own clock and named so, not on the browser's (UTC).
    expect(now, 'the next run at 2:30 in Paris').to.match(/Next run [^()]*\b2:30\b[^()]*\(Europe\/Paris\)\.$/);
    expect((await world.call('GET', '/api/admin/bulk-import/mdm')).body[0].schedule.schedule).to.include({ kind: 'daily', at: '02:30', timeZone: 'Europe/Paris' });
    await page.screenshot({ path: `${SHOTS}/bulk-import-schedule.png`, fullPage: true });
  });

  it('stays usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Bulk import' }).click();
    const button = page.getByRole('button', { name: 'Import devices from Microsoft Intune' });
    await page.waitForLoadState('networkidle');
    await button.waitFor({ state: 'visible' });
    const box = await button.boundingBox();
    expect(box, 'the import button is laid out').to.not.equal(null);
    expect(box!.x + box!.width).to.be.at.most(390);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'no sideways scrolling of the page').to.be.at.most(0);
    await page.screenshot({ path: `${SHOTS}/bulk-import-phone.png`, fullPage: true });
    const registerTab = page.getByRole('button', { name: 'Hardware register' });
    await registerTab.scrollIntoViewIfNeeded();
    await registerTab.click();
    await page.locator('#hardware tbody tr').first().waitFor();
    const overflowAfter = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflowAfter, 'the register scrolls inside its table, not the page').to.be.at.most(0);
    await page.screenshot({ path: `${SHOTS}/register-phone.png`, fullPage: true });
    await page.locator('#hardware tbody tr').first().click();
    await page.locator('#edit-hardware').waitFor();
    await page.screenshot({ path: `${SHOTS}/record-phone.png`, fullPage: true });
    for (const [tab, ready, shot] of [['Integrations', '#card-jamf', 'integrations-phone'], ['Import history', '#runs tbody tr', 'history-phone']] as const) {
      const button = page.getByRole('button', { name: tab });
      await button.scrollIntoViewIfNeeded();
      await button.click();
      await page.locator(ready).first().waitFor();
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(sideways, `${tab} fits 390 px`).to.be.at.most(0);
      await page.screenshot({ path: `${SHOTS}/${shot}.png`, fullPage: true });
    }
    const overflowRecord = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflowRecord).to.be.at.most(0);
  });

  it('shows an assignment a re-run made as already acknowledged, with its note, in the record and its history', async () => {
    // A device imported unassigned whose MDM user now exists: the next run assigns it, acknowledged.
    let record: { id: string; serial: string } | undefined;
    let email = '';
    for (const entry of world.intune.tenants.get(TENANT)!.devices) {
      if (!entry.userPrincipalName || !entry.serialNumber) continue;
      const [found] = (await world.call('GET', `/api/hardware?serial=${encodeURIComponent(entry.serialNumber)}`)).body.items;
      if (found && found.assignee === null && found.status === 'available' && found.sources[0].sourceDeviceId === entry.id) {
        record = found;
        email = String(entry.userPrincipalName);
        break;
      }
    }
    expect(record, 'an unassigned device with an MDM user').to.not.equal(undefined);
    world.server.container.get<SqliteUserDirectory>(TOKENS.UserDirectory).upsert([{ id: 'u-ack', email, displayName: 'Ada Acknowledged', active: true }]);
    expect((await world.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT)).status).to.equal(200);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('button', { name: 'Hardware register' }).click();
    await page.getByLabel('Search by serial, name, assignee or MAC').fill(record!.serial);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`#hardware tbody tr[data-id="${record!.id}"]`, { hasText: email.toLowerCase() });
    await row.waitFor();
    await row.click();
    const acknowledged = page.locator('#device dl dt', { hasText: /^Acknowledged$/ }).locator('xpath=following-sibling::dd[1]');
    await acknowledged.waitFor();
    expect(await acknowledged.textContent()).to.match(/^Imported from MDM \(Microsoft Intune\), \S/);
    expect(await page.locator('#device ol.history li').last().textContent()).to.match(/ — Assigned to Ada Acknowledged <[^>]+>, acknowledged: Imported from MDM \(Microsoft Intune\) \(Microsoft Intune, run [0-9a-f]{8}\)$/);
    const status = page.locator('#edit-hardware select[name=status]');
    expect(await status.inputValue()).to.equal('assigned');
    expect(await status.locator('option[value=available]').isDisabled(), 'a held device cannot be typed available').to.equal(true);
    expect(await status.locator('option[value=available]').getAttribute('title')).to.equal(`Assigned to ${email.toLowerCase()}: recover it first (Assign and recover hardware)`);
    expect(await status.locator('option[value=lost]').isDisabled(), 'a lost device may still be its holder\'s').to.equal(false);
  });

  it('works over plain HTTP by a name that is not localhost: styles load and sign-in runs', async () => {
    const plain = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const failed: string[] = [];
    plain.on('requestfailed', (request) => failed.push(request.url()));
    try {
      await plain.goto(`http://${PLAIN_HTTP_NAME}:${new URL(world.server.url).port}/`);
      await plain.getByLabel('Access token').fill(TOKENS_BY_ROLE.admin);
      await plain.getByRole('button', { name: 'Sign in' }).click();
      await plain.locator('#who', { hasText: 'Signed in' }).waitFor({ state: 'visible', timeout: 10_000 });
      const rules = await plain.evaluate(() => [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0));
      expect(rules, 'the stylesheet loaded').to.be.greaterThan(0);
      expect(failed, 'no request was upgraded to https and lost').to.deep.equal([]);
    } finally {
      await plain.close();
    }
  });
});
