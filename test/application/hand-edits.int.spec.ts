import { expect } from 'chai';
import sinon from 'sinon';
import { HardwareChangedMeanwhile, HardwareChangedSinceRead } from '../../src/application/commands/hand-edits.js';
import type { EventStore } from '../../src/application/ports/event-store.js';
import { StreamConflict } from '../../src/application/ports/errors.js';
import { hardwareStream } from '../../src/application/streams.js';
import { EmbeddedApp } from '../support/embedded-app.js';

const LOANER = { serial: 'LOANER-1', name: 'Loaner laptop', category: 'laptop' as const };

describe('Hand edits when the record changes after it was read', () => {
  let app: EmbeddedApp;
  afterEach(() => {
    sinon.restore();
    return app?.close();
  });

  /** Another person's change, written between the first write's read and that write. */
  const overtakeFirstWrite = (other: () => Promise<unknown>) => {
    const append = app.store.append.bind(app.store);
    let overtaken = false;
    sinon.stub(app.store, 'append').callsFake(async (...args: Parameters<EventStore['append']>) => {
      if (!overtaken) {
        overtaken = true;
        await other();
      }
      return append(...args);
    });
  };
  const eventTypes = async () => (await app.store.readStream(hardwareStream(LOANER.serial))).map((e) => e.type);

  it('given another edit lands first, when the edit is written, then it is decided again on the newer record and both changes stand', async () => {
    app = new EmbeddedApp();
    const record = await app.edits.register(LOANER, 'ana@acme.example');
    overtakeFirstWrite(() => app.edits.edit(record.id, { ram: '16 GB' }, 'ben@acme.example'));
    const saved = await app.edits.edit(record.id, { cpu: 'Apple M2' }, 'ana@acme.example');
    expect(saved).to.include({ cpu: 'Apple M2', ram: '16 GB' });
    expect(await eventTypes()).to.deep.equal(['HardwareRegistered', 'HardwareDetailsEdited', 'HardwareDetailsEdited']);
  });

  it('given the record changes at every attempt, when the edit is written, then it is refused as changed meanwhile and nothing is written', async () => {
    app = new EmbeddedApp();
    const record = await app.edits.register(LOANER, 'ana@acme.example');
    const appends = sinon.stub(app.store, 'append').rejects(new StreamConflict(hardwareStream(LOANER.serial), 0, 1));
    const refusal = await app.edits.edit(record.id, { cpu: 'Apple M2' }, 'ana@acme.example').catch((error: unknown) => error);
    expect(refusal).to.be.instanceOf(HardwareChangedMeanwhile);
    expect(refusal).to.include({ code: 'hardware-changed-meanwhile' });
    expect(appends.callCount, 'a bounded number of attempts').to.equal(10);
    sinon.restore();
    expect((await app.register.byId(record.id))!.cpu).to.equal(null);
  });

  it('given an edit made on a revision the record has since moved past, when it is written, then it is refused and nothing is written', async () => {
    app = new EmbeddedApp();
    const record = await app.edits.register(LOANER, 'ana@acme.example');
    await app.edits.edit(record.id, { ram: '16 GB' }, 'ben@acme.example', record.revision);
    const refusal = await app.edits.edit(record.id, { ram: '8 GB' }, 'ana@acme.example', record.revision).catch((error: unknown) => error);
    expect(refusal).to.be.instanceOf(HardwareChangedSinceRead);
    expect(refusal).to.include({ field: 'If-Match' });
    expect(await eventTypes()).to.deep.equal(['HardwareRegistered', 'HardwareDetailsEdited']);
    expect((await app.register.byId(record.id))!.ram).to.equal('16 GB');
  });

  it('given an edit made on a revision and another edit lands between its read and its write, then it is refused, not decided again', async () => {
    app = new EmbeddedApp();
    const record = await app.edits.register(LOANER, 'ana@acme.example');
    overtakeFirstWrite(() => app.edits.edit(record.id, { ram: '16 GB' }, 'ben@acme.example'));
    const refusal = await app.edits.edit(record.id, { ram: '8 GB' }, 'ana@acme.example', record.revision).catch((error: unknown) => error);
    expect(refusal).to.be.instanceOf(HardwareChangedSinceRead);
    expect((await app.register.byId(record.id))!.ram).to.equal('16 GB');
  });

  it('given the same serial is registered by someone else first, when the registration is written, then it is refused as already registered', async () => {
    app = new EmbeddedApp();
    overtakeFirstWrite(() => app.edits.register({ ...LOANER, name: 'Spare laptop' }, 'ben@acme.example'));
    const refusal = await app.edits.register(LOANER, 'ana@acme.example').catch((error: unknown) => error);
    expect(refusal).to.include({ code: 'serial-already-registered', field: 'serial' });
    expect((await app.register.bySerial('LOANER-1'))!.name).to.equal('Spare laptop');
  });
});
