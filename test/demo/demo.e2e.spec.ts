import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ontrackio-demo-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const demo = (env: NodeJS.ProcessEnv = process.env) =>
    run(process.execPath, ['dist/demo/run.js', '--once', '--port', '0', '--data-dir', dir, '--intune-devices', '600', '--jamf-computers', '200', '--jamf-mobiles', '100'], { env });
  const twoHoursAgo = {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(process.cwd(), 'dist/test/support/clock-behind.js')).href}`,
    CLOCK_BEHIND_MS: String(2 * 3_600_000),
  };
  const scheduledRun = /Scheduled run (\S+) \(triggered by schedule, ([^)]+)\): (\w+)\. Next scheduled run: \S+\./;

  it('configures both emulated MDMs, imports both, and prints both banners and where to look (two hours ago)', async () => {
    const { stdout } = await demo(twoHoursAgo);
    expect(stdout).to.match(/Loaded \d+ users/);
    expect(stdout).to.match(/Test connection \(intune\): Connected to Microsoft Intune/);
    expect(stdout).to.match(/Test connection \(jamf\): Connected to Jamf Pro/);
    expect(stdout).to.match(/Microsoft Intune import completed .*\n {2}\d+ created, 0 updated, 0 unchanged, \d+ skipped, 0 errors/);
    expect(stdout).to.match(/Jamf Pro import completed .*\n {2}\d+ created, 0 updated, 0 unchanged, \d+ skipped, 0 errors/);
    expect(stdout).to.match(/Intune no longer lists \S+, \S+, \S+ \(wiped and removed\)[^\n]*\nMicrosoft Intune import completed .*\n {2}0 created, 0 updated, \d+ unchanged, \d+ skipped, 0 errors, 3 newly missing/);
    expect(stdout).to.match(/GET \/api\/hardware\?missingFrom=intune → 3 records/);
    expect(stdout).to.match(/Intune lists them again: the next run records them as seen again \(3 updated, 0 newly missing\)/);
    expect(scheduledRun.exec(stdout)?.[3], stdout).to.equal('completed');
    expect(stdout).to.match(/Admin page: {3}http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).to.match(/Sign-in token: \S{24,}/);
  });

  it('shows the re-run as unchanged, and the hourly run due since then going to these emulators, not the last ones', async () => {
    const started = new Date().toISOString();
    const { stdout } = await demo();
    expect(stdout).to.match(/Microsoft Intune import completed .*\n {2}0 created, 0 updated, \d+ unchanged/);
    expect(stdout).to.match(/Jamf Pro import completed .*\n {2}0 created, 0 updated, \d+ unchanged/);
    const [, , startedAt, status] = scheduledRun.exec(stdout) ?? [];
    expect(status, stdout).to.equal('completed');
    expect(startedAt! > started, `${startedAt} is this demo's run`).to.equal(true);
    expect(stdout).not.to.match(/failed|could not be reached/);
  });

  it('says when the hourly run is due while it is not, and passes no earlier run off as its own', async () => {
    const { stdout } = await demo();
    expect(stdout).not.to.match(scheduledRun);
    expect(stdout).to.match(/Not due yet: the last scheduled run, \S+ \([^)]+\), completed\. Next scheduled run: \S+\./);
  });
});
