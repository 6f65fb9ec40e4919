import { expect } from 'chai';
import { PreviewFailed } from '../../src/application/commands/preview-import.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { alice, latitude, macbook } from '../support/mothers.js';

const hardwareEvents = async (app: EmbeddedApp) => (await app.store.readAll({ after: 0, maxCount: 100_000, categories: ['hardware'] })).events.length;

describe('Preview: a dry run that is really dry', () => {
  let app: EmbeddedApp;
  afterEach(() => app?.close());

  it('given an empty register, when previewed, then it names the records an import would create, writes no hardware event and reserves no asset tag', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook(), macbook({ sourceDeviceId: '202', serialNumber: 'C02ZZ1JHJGH6' }), macbook({ sourceDeviceId: '9', serialNumber: '' })] });
    const preview = await app.previewer.execute({ source: 'jamf', triggeredBy: 'auditor@acme.example' });
    expect(preview.counts).to.deep.equal({ created: 2, updated: 0, unchanged: 0, skipped: 1, errors: 0, missing: 0 });
    expect(preview.created.map((c) => c.serial)).to.deep.equal(['C02XK1JHJGH5', 'C02ZZ1JHJGH6']);
    expect(preview.skippedDevices[0]).to.include({ reason: 'no-serial' });
    expect(await hardwareEvents(app)).to.equal(0);
    expect((await app.register.search({})).total).to.equal(0);
    const real = await app.import('jamf');
    expect(real.counts.created).to.equal(2);
    expect((await app.register.bySerial('C02XK1JHJGH5'))!.assetTag, 'the preview took no tag').to.equal('HW-00001');
  });

  it('gives each field an import would change, old → new, and what else it would record', async () => {
    let fleet = [macbook({ osVersion: '14.6' }), latitude({ source: 'jamf', sourceDeviceId: '77', userEmail: 'alice@acme.example' })];
    app = new EmbeddedApp({ jamf: () => fleet });
    await app.import('jamf');
    app.loadUsers([{ id: alice.userId, email: alice.email, displayName: alice.name, active: true }]);
    fleet = [macbook({ osVersion: '14.7', model: 'MacBook Pro (16-inch, 2023)' }), latitude({ source: 'jamf', sourceDeviceId: '77', userEmail: 'alice@acme.example' })];
    const before = await hardwareEvents(app);
    const preview = await app.previewer.execute({ source: 'jamf', triggeredBy: 'admin@acme.example' });
    expect(preview.counts).to.include({ updated: 2, created: 0 });
    const mac = preview.updated.find((u) => u.serial === 'C02XK1JHJGH5')!;
    expect(mac).to.include({ assetTag: 'HW-00001' });
    expect(mac.changes).to.deep.equal([
      { field: 'model', from: 'MacBook Pro (14-inch, 2023)', to: 'MacBook Pro (16-inch, 2023)' },
      { field: 'osVersion', from: '14.6', to: '14.7' },
    ]);
    const dell = preview.updated.find((u) => u.serial === '7XK9QW3')!;
    expect(dell.notes).to.deep.equal(['Assigned to Alice Martin <alice@acme.example>']);
    expect(await hardwareEvents(app)).to.equal(before);
    expect((await app.register.bySerial('C02XK1JHJGH5'))!.osVersion).to.equal('14.6');
  });

  it('names the records an import would mark missing, and marks none', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook(), latitude({ source: 'jamf', sourceDeviceId: '77' })] });
    await app.import('jamf');
    app.fleets.jamf = () => [macbook()];
    const preview = await app.previewer.execute({ source: 'jamf', triggeredBy: 'admin@acme.example' });
    expect(preview.counts).to.include({ unchanged: 1, missing: 1 });
    expect(preview.missingDevices.map((d) => d.serial)).to.deep.equal(['7XK9QW3']);
    expect((await app.register.search({ missingFrom: 'jamf' })).total).to.equal(0);
    expect((await app.import('jamf')).counts.missing, 'the real run still finds it newly missing').to.equal(1);
  });

  it('is recorded in the history as a preview, with who looked; a preview that fails is recorded and says so', async () => {
    app = new EmbeddedApp({ jamf: () => [macbook()] });
    const preview = await app.previewer.execute({ source: 'jamf', triggeredBy: 'auditor@acme.example' });
    const [run] = await app.history.runs();
    expect(run).to.deep.include({ kind: 'preview', runId: preview.previewId, triggeredBy: 'auditor@acme.example', status: 'completed' });
    expect((await app.history.run(preview.previewId))!.kind).to.equal('preview');
    expect(await app.auditLog.list({}), 'the audit log of import runs is untouched').to.deep.equal([]);
    app.fleets.jamf = { name: 'jamf', async *devices() { yield { devices: [macbook()] }; throw new Error('Jamf Pro answered 500'); } };
    const failure = await app.previewer.execute({ source: 'jamf', triggeredBy: 'auditor@acme.example' }).then(() => null, (e: unknown) => e);
    expect(failure).to.be.instanceOf(PreviewFailed);
    expect((failure as PreviewFailed).result).to.include({ status: 'failed', failure: 'Jamf Pro answered 500' });
    expect((await app.history.runs())[0]).to.include({ kind: 'preview', status: 'failed', failureReason: 'Jamf Pro answered 500' });
  });
});
