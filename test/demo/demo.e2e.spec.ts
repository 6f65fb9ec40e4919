import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ontrackio-demo-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const demo = () => run(process.execPath, ['dist/demo/run.js', '--once', '--port', '0', '--data-dir', dir, '--intune-devices', '600', '--jamf-computers', '200', '--jamf-mobiles', '100']);

  it('configures both emulated MDMs, imports both, and prints both banners and where to look', async () => {
    const { stdout } = await demo();
    expect(stdout).to.match(/Loaded \d+ users/);
    expect(stdout).to.match(/Test connection \(intune\): Connected to Microsoft Intune/);
    expect(stdout).to.match(/Test connection \(jamf\): Connected to Jamf Pro/);
    expect(stdout).to.match(/Microsoft Intune import completed .*\n {2}\d+ created, 0 updated, 0 unchanged, \d+ skipped, 0 errors/);
    expect(stdout).to.match(/Jamf Pro import completed .*\n {2}\d+ created, 0 updated, 0 unchanged, \d+ skipped, 0 errors/);
    expect(stdout).to.match(/Intune no longer lists \S+, \S+, \S+ \(wiped and removed\)[^\n]*\nMicrosoft Intune import completed .*\n {2}0 created, 0 updated, \d+ unchanged, \d+ skipped, 0 errors, 3 newly missing/);
    expect(stdout).to.match(/GET \/api\/hardware\?missingFrom=intune → 3 records/);
    expect(stdout).to.match(/Intune lists them again: the next run records them as seen again \(3 updated, 0 newly missing\)/);
    expect(stdout).to.match(/Scheduled run \S+ \(triggered by schedule, [^)]+\): completed\. Next scheduled run: \S+\./);
    expect(stdout).to.match(/Admin page: {3}http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).to.match(/Sign-in token: \S{24,}/);
  });

  it('shows the re-run as unchanged', async () => {
    const { stdout } = await demo();
    expect(stdout).to.match(/Microsoft Intune import completed .*\n {2}0 created, 0 updated, \d+ unchanged/);
    expect(stdout).to.match(/Jamf Pro import completed .*\n {2}0 created, 0 updated, \d+ unchanged/);
  });
});
