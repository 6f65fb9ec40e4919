import { expect } from 'chai';
import { NothingToRetry, type RetryFailedDevices } from '../../src/application/commands/retry-failed-devices.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { MdmDevice } from '../../src/domain/hardware/mdm-device.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { latitude } from '../support/mothers.js';

const retries = (app: EmbeddedApp) => app.container.get<RetryFailedDevices>(TOKENS.RetryFailedDevices);
const laptop = (n: number, serial = `SER${n}`) => latitude({ sourceDeviceId: `aad-${n}`, serialNumber: serial });

describe('Retry only what failed', () => {
  let app: EmbeddedApp;
  afterEach(() => app?.close());

  it('given a run where two devices failed, when retried, then only those are fetched by id and imported, in a new run linked to the first', async () => {
    let fleet: MdmDevice[] = [laptop(1), laptop(2, 'BAD\u0007SERIAL'), laptop(3, 'ALSO\u0007BAD')];
    app = new EmbeddedApp({ intune: () => fleet });
    const first = await app.import('intune');
    expect(first.counts).to.include({ created: 1, errors: 2 });
    fleet = [laptop(1), laptop(2), laptop(3)];
    const retry = (await retries(app).start(first.runId, 'admin@acme.example'))!;
    const result = await retry.done;
    expect(result.counts).to.include({ created: 2, unchanged: 0, errors: 0 });
    expect((await app.register.search({})).total).to.equal(3);
    const [latest] = await app.history.runs();
    expect(latest).to.include({ runId: retry.runId, retryOf: first.runId, status: 'completed' });
    expect((await app.history.run(retry.runId))!.outcomes.map((o) => o.sourceDeviceId).sort()).to.deep.equal(['aad-2', 'aad-3']);
  });

  it('says a device the MDM no longer has is gone, and looks for no missing devices in a retry', async () => {
    let fleet: MdmDevice[] = [laptop(1), laptop(2, 'BAD\u0007SERIAL')];
    app = new EmbeddedApp({ intune: () => fleet });
    const first = await app.import('intune');
    fleet = [];
    const result = await (await retries(app).start(first.runId, 'admin@acme.example'))!.done;
    expect(result.counts).to.include({ skipped: 1, errors: 0, missing: 0 });
    expect(result.skippedDevices[0]).to.include({ sourceDeviceId: 'aad-2', reason: 'no-longer-in-mdm' });
    expect((await app.register.search({ missingFrom: 'intune' })).total, 'SER1 is not called missing by a retry').to.equal(0);
  });

  it('refuses a run with nothing to retry, naming why, and answers null for an unknown run', async () => {
    app = new EmbeddedApp({ intune: () => [laptop(1)] });
    const clean = await app.import('intune');
    const refused = await retries(app).start(clean.runId, 'admin@acme.example').then(() => null, (e: unknown) => e);
    expect(refused).to.be.instanceOf(NothingToRetry);
    expect((refused as Error).message).to.match(/no device ended in error\. Re-run the whole import instead/);
    expect(await retries(app).start('no-such-run', 'admin@acme.example')).to.equal(null);
  });
});
