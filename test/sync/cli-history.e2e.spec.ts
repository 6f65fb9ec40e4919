import { expect } from 'chai';
import { runCliInto, runCliIntoHead, runCliProcess } from '../reliability/support/server-process.js';
import { startReliabilityWorld, type ReliabilityWorld } from '../reliability/support/world.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

describe('Sync: one run in full from the CLI (real server and CLI processes, emulated MDMs)', function () {
  this.timeout(60_000);
  let world: ReliabilityWorld;
  let dataFile: string;
  let runId: string;
  let detail: { outcomes: unknown[]; missing: unknown[]; counts: Record<string, number> };

  before(async () => {
    world = await startReliabilityWorld(['--intune-devices', '10000', '--jamf-computers', '10', '--jamf-mobiles', '0']);
    dataFile = world.dataFile('cli-history');
    const server = await world.start(dataFile);
    try {
      await server.call('PUT', '/api/admin/integrations/intune', { body: world.intuneSettings() });
      const run = await server.call('POST', '/api/admin/bulk-import/mdm/intune', WAIT_FOR_RESULT);
      expect(run.status, run.text).to.equal(200);
      runId = run.body.runId;
      detail = (await server.call('GET', `/api/admin/bulk-import/mdm/runs/${runId}`)).body;
    } finally {
      await server.kill('SIGTERM');
    }
  });
  after(async () => world?.close());

  it('given a run of 10,000 devices, when history <runId> prints it, then the JSON holds what the API holds, and the text a line a device under the summary', async () => {
    const json = await runCliProcess(['history', runId, '--json'], world.env(dataFile));
    expect([json.code, json.stderr]).to.deep.equal([0, '']);
    const printed = JSON.parse(json.stdout);
    expect(printed.outcomes).to.have.length(10_000).and.deep.equal(detail.outcomes);
    expect(printed).to.deep.include({ missing: detail.missing, counts: detail.counts });

    const text = await runCliProcess(['history', runId], world.env(dataFile));
    expect([text.code, text.stderr]).to.deep.equal([0, '']);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(1 + 10_000);
    expect(lines[0]).to.match(new RegExp(`intune +completed +${detail.counts.created} created, .*\\(run ${runId}\\)$`));
  });

  // The text is about 430 KB and the JSON 2.4 MB: several times what a pipe holds, so the CLI is still writing when the reader stops.
  it('given a reader that stops after the first piece (| head), then the CLI ends quietly with the status SIGPIPE gives, not a stack trace', async () => {
    for (const args of [['history', runId, '--json'], ['history', runId]]) {
      const run = await runCliIntoHead(args, world.env(dataFile));
      expect(run.stdout.length, args.join(' ')).to.be.greaterThan(0);
      expect([run.code, run.stderr], args.join(' ')).to.deep.equal([141, '']);
    }
  });

  it('given an output that cannot be written (a full disk), then the CLI says so on stderr with status 1, not a stack trace', async () => {
    const streamed = await runCliInto('/dev/full', ['history', runId, '--json'], world.env(dataFile));
    expect(streamed.code).to.equal(1);
    expect(streamed.stderr).to.equal('The output stopped part-way, so what was written is incomplete: ENOSPC: no space left on device, write. Run the command again once that is fixed.\n');
    const whole = await runCliInto('/dev/full', ['history', '--json'], world.env(dataFile));
    expect(whole.code).to.equal(1);
    expect(whole.stderr).to.equal('The output could not be written (ENOSPC: no space left on device, write): what was written is incomplete. Run the command again once that is fixed.\n');
  });
});
