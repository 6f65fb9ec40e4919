import { expect } from 'chai';
import sinon from 'sinon';
import { openDatabase } from '../../src/adapters/driven/sqlite/database.js';
import { SqliteEventStore } from '../../src/adapters/driven/sqlite/sqlite-event-store.js';
import { SqliteReadModels } from '../../src/adapters/driven/sqlite/sqlite-read-models.js';
import { hardwareStream } from '../../src/application/streams.js';
import { ProjectionRunner } from '../../src/infrastructure/projection-runner.js';
import { imported, latitude, macbook } from '../support/mothers.js';

describe('Projection runner', () => {
  const setUp = () => {
    const db = openDatabase(':memory:');
    const store = new SqliteEventStore(db);
    const models = new SqliteReadModels(db);
    return { db, store, models, runner: new ProjectionRunner(store, models), readAll: sinon.spy(store, 'readAll') };
  };

  it('serves a burst of catch-up calls with one catch-up that sees every event', async () => {
    const { db, store, models, runner, readAll } = setUp();
    await store.append(hardwareStream('C02XK1JHJGH5'), [imported(macbook())], 'no_stream');
    await Promise.all(Array.from({ length: 10 }, () => runner.catchUp()));
    expect(readAll.callCount, 'one read per projection').to.equal(2);
    expect(await models.bySerial('C02XK1JHJGH5')).to.not.equal(null);
    db.close();
  });

  it('starts a new catch-up for calls made after one has begun, so nothing appended meanwhile is missed', async () => {
    const { db, store, models, runner } = setUp();
    const first = runner.catchUp();
    await store.append(hardwareStream('7XK9QW3'), [imported(latitude(), { hardwareId: 'hw-2', assetTag: 'HW-00002' })], 'no_stream');
    const second = runner.catchUp();
    expect(second).to.not.equal(first);
    await second;
    expect(await models.bySerial('7XK9QW3')).to.not.equal(null);
    db.close();
  });

  it('reads the audit log\'s large run events in small batches, the register\'s in large ones', async () => {
    const { db, store, runner, readAll } = setUp();
    await store.append(hardwareStream('C02XK1JHJGH5'), [imported(macbook())], 'no_stream');
    await runner.rebuild();
    const batches = readAll.getCalls().map((call) => [call.args[0].categories?.join(), call.args[0].maxCount]);
    expect(batches).to.deep.include(['mdmImport', 20]);
    expect(batches).to.deep.include(['hardware', 5000]);
    db.close();
  });
});
