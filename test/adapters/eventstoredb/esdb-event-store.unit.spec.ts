import { expect } from 'chai';
import { Readable } from 'node:stream';
import sinon from 'sinon';
import { ANY, MaxAppendSizeExceededError, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';
import { EsdbEventStore, toExpectedRevision } from '../../../src/adapters/driven/eventstoredb/esdb-event-store.js';
import { eventIdFor } from '../../../src/adapters/driven/eventstoredb/event-ids.js';
import { DependencyUnavailable, StreamConflict } from '../../../src/application/ports/errors.js';

function fakeClient(overrides: Partial<Record<'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll', sinon.SinonStub>>): EventStoreDBClient {
  return { appendToStream: sinon.stub(), readStream: sinon.stub(), readAll: sinon.stub(), subscribeToAll: sinon.stub(), ...overrides } as unknown as EventStoreDBClient;
}

async function* throwing(error: Error): AsyncGenerator<never> {
  throw error;
}

describe('EventStoreDB adapter (no server: the client is stubbed)', () => {
  it("maps the port's expected revisions onto NO_STREAM, ANY and exact revisions", () => {
    expect(toExpectedRevision('no_stream')).to.equal(NO_STREAM);
    expect(toExpectedRevision('any')).to.equal(ANY);
    expect(toExpectedRevision(41)).to.equal(41n);
  });

  it('derives the same event id for the same stream and revision, so a retried append is not doubled', () => {
    expect(eventIdFor('hardware-C02X', 0)).to.equal(eventIdFor('hardware-C02X', 0));
    expect(eventIdFor('hardware-C02X', 0)).to.not.equal(eventIdFor('hardware-C02X', 1));
    expect(eventIdFor('hardware-C02X', 0)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('appends one event per write, chaining the expected revision, with deterministic ids', async () => {
    const appendToStream = sinon.stub();
    appendToStream.onFirstCall().resolves({ success: true, nextExpectedRevision: 0n, position: { commit: 100n, prepare: 100n } });
    appendToStream.onSecondCall().resolves({ success: true, nextExpectedRevision: 1n, position: { commit: 200n, prepare: 200n } });
    const store = new EsdbEventStore(fakeClient({ appendToStream }));
    const result = await store.append('hardware-A1', [{ type: 'A', data: {} }, { type: 'B', data: {} }], 'no_stream');
    expect(result).to.deep.equal({ nextRevision: 1, position: 200 });
    expect(appendToStream.firstCall.args[2]).to.deep.equal({ expectedRevision: NO_STREAM });
    expect(appendToStream.secondCall.args[2]).to.deep.equal({ expectedRevision: 0n });
    expect(appendToStream.firstCall.args[1].id).to.equal(eventIdFor('hardware-A1', 0));
    expect(appendToStream.secondCall.args[1].id).to.equal(eventIdFor('hardware-A1', 1));
  });

  it("maps WrongExpectedVersionError to the port's StreamConflict with the actual revision", async () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'hardware-A1', current: 4n, expected: 2n } as never);
    const store = new EsdbEventStore(fakeClient({ appendToStream: sinon.stub().rejects(error) }));
    const conflict = await store.append('hardware-A1', [{ type: 'A', data: {} }], 2).then(() => null, (e: unknown) => e);
    expect(conflict).to.be.instanceOf(StreamConflict);
  });

  it('says which setting to change when the server takes less in one write than the module writes', async () => {
    const store = new EsdbEventStore(fakeClient({ appendToStream: sinon.stub().rejects(new MaxAppendSizeExceededError(undefined, 262_144)) }));
    const refused = await store.append('mdmImport-jamf', [{ type: 'ImportPageRecorded', data: {} }], 3).then(() => null, (e: unknown) => e);
    expect(refused).to.be.instanceOf(DependencyUnavailable);
    expect((refused as Error).message).to.equal('EventStoreDB refused to write the ImportPageRecorded event to stream mdmImport-jamf: it takes at most 262,144 bytes in one write (its MaxAppendSize).');
    expect((refused as DependencyUnavailable).fix).to.match(/MaxAppendSize \(EVENTSTORE_MAX_APPEND_SIZE\) to at least 1 MiB/);
  });

  it('reports a conflicting stream in appendMany without failing the others', async () => {
    const appendToStream = sinon.stub();
    appendToStream.withArgs('s-1').resolves({ success: true, nextExpectedRevision: 0n, position: { commit: 5n, prepare: 5n } });
    appendToStream.withArgs('s-2').rejects(new WrongExpectedVersionError(undefined, { streamName: 's-2', current: 0n, expected: 'no_stream' } as never));
    const outcomes = await new EsdbEventStore(fakeClient({ appendToStream })).appendMany([
      { stream: 's-1', expectedRevision: 'no_stream', events: [{ type: 'A', data: {} }] },
      { stream: 's-2', expectedRevision: 'no_stream', events: [{ type: 'A', data: {} }] },
    ]);
    expect(outcomes.map((o) => o.ok)).to.deep.equal([true, false]);
  });

  it('reads a stream that does not exist as empty (StreamNotFoundError)', async () => {
    const store = new EsdbEventStore(fakeClient({ readStream: sinon.stub().returns(throwing(new StreamNotFoundError(undefined as never, 'hardware-X'))) }));
    expect(await store.readStream('hardware-X')).to.deep.equal([]);
  });

  it('filters a stream read by event type on the client (the server cannot)', async () => {
    const recorded = (revision: bigint, type: string) => ({
      event: { id: `e${revision}`, streamId: 'mdmImport-jamf', revision, type, data: { revision: Number(revision) }, metadata: {}, created: new Date('2026-11-27T09:00:00Z') },
    });
    async function* events() {
      yield* [recorded(0n, 'ImportStarted'), recorded(1n, 'ImportPageRecorded'), recorded(2n, 'ImportCompleted')];
    }
    const store = new EsdbEventStore(fakeClient({ readStream: sinon.stub().returns(events()) }));
    const read = await store.readStream('mdmImport-jamf', { types: ['ImportStarted', 'ImportCompleted'] });
    expect(read.map((e) => [e.revision, e.type])).to.deep.equal([[0, 'ImportStarted'], [2, 'ImportCompleted']]);
  });

  it('reads backwards from the end, and stops reading once it has maxCount events of the types asked for', async () => {
    let yielded = 0;
    async function* newestFirst() {
      for (const [revision, type] of [[5n, 'ImportPageRecorded'], [4n, 'ImportHeartbeat'], [3n, 'ImportStarted'], [2n, 'ImportCompleted'], [1n, 'ImportPageRecorded']] as const) {
        yielded += 1;
        yield { event: { id: `e${revision}`, streamId: 'mdmImport-jamf', revision, type, data: {}, metadata: {}, created: new Date('2026-11-27T09:00:00Z') } };
      }
    }
    const readStream = sinon.stub().returns(newestFirst());
    const read = await new EsdbEventStore(fakeClient({ readStream })).readStream('mdmImport-jamf', { backwards: true, maxCount: 1, types: ['ImportStarted', 'ImportCompleted'] });
    expect(read.map((e) => [e.revision, e.type])).to.deep.equal([[3, 'ImportStarted']]);
    expect(yielded, 'no earlier run was read').to.equal(3);
    expect(readStream.firstCall.args[1]).to.deep.include({ direction: 'backwards', fromRevision: 'end' });
  });

  it('asks the server to read from a revision on', async () => {
    const readStream = sinon.stub().returns((async function* () {})());
    await new EsdbEventStore(fakeClient({ readStream })).readStream('mdmImport-jamf', { fromRevision: 7 });
    expect(readStream.firstCall.args[1]).to.deep.include({ fromRevision: 7n });
  });

  it("refuses a binary event in the module's own streams, naming it, and passes over another program's", async () => {
    const event = (streamId: string, revision: bigint, isJson: boolean, commit: bigint) => ({
      event: { id: `e${commit}`, streamId, revision, type: 'HardwareImported', isJson, data: isJson ? { serial: 'A1' } : new Uint8Array([1, 2]), metadata: {}, created: new Date('2026-11-27T09:00:00Z'), position: { commit, prepare: commit } },
    });
    async function* log() {
      yield* [event('billing-7', 0n, false, 10n), event('hardware-A1', 0n, true, 20n), event('hardware-A2', 3n, false, 30n)];
    }
    const binary = await new EsdbEventStore(fakeClient({ readStream: sinon.stub().returns(log()) })).readStream('hardware-A2').then(() => null, (e: unknown) => e);
    expect(binary).to.be.instanceOf(DependencyUnavailable);
    expect((binary as DependencyUnavailable).message).to.equal("Event 3 of stream hardware-A2 in EventStoreDB is not JSON: another program wrote to this module's streams.");
    expect((binary as DependencyUnavailable).fix).to.match(/^Find what else writes to this module's streams/);

    async function* foreignOnly() {
      yield* [event('billing-7', 0n, false, 10n), event('hardware-A1', 0n, true, 20n)];
    }
    const page = await new EsdbEventStore(fakeClient({ readAll: sinon.stub().returns(foreignOnly()) })).readAll({ after: 0, maxCount: 10 });
    expect(page.events.map((e) => e.stream)).to.deep.equal(['hardware-A1']);
  });

  it("reads chosen categories of $all through a subscription the server filters by stream name, ending where it caught up", async () => {
    const hardware = (commit: bigint) => ({
      event: { id: `e${commit}`, streamId: `hardware-A${commit}`, revision: 0n, type: 'HardwareImported', isJson: true, data: {}, metadata: {}, created: new Date('2026-11-27T09:00:00Z'), position: { commit, prepare: commit } },
    });
    const subscribeToAll = sinon.stub().callsFake(({ filter }) => {
      const stream = Object.assign(new Readable({ objectMode: true, read() {} }), { unsubscribe: sinon.spy(async () => void stream.push(null)) });
      setImmediate(() => {
        stream.push(hardware(50n));
        stream.push(hardware(60n));
        filter.checkpointReached(stream, { commit: 90n, prepare: 90n });
        stream.emit('caughtUp');
      });
      return stream;
    });
    const readAll = sinon.stub();
    const page = await new EsdbEventStore(fakeClient({ subscribeToAll, readAll })).readAll({ after: 42, maxCount: 10, categories: ['hardware', 'mdmImport'] });
    expect(page.events.map((e) => e.position)).to.deep.equal([50, 60]);
    expect(page, 'past the events the filter left out, to where the server searched').to.deep.include({ lastPosition: 90, isEnd: true });
    const [options] = subscribeToAll.firstCall.args;
    expect(options.fromPosition).to.deep.equal({ commit: 42n, prepare: 42n });
    expect(options.filter).to.deep.include({ filterOn: 'streamName', prefixes: ['hardware-', 'mdmImport-'] });
    expect(readAll.called, 'the client cannot filter a read of $all').to.equal(false);
  });

  it('says which event does not parse when one stored as JSON is not', async () => {
    const store = new EsdbEventStore(fakeClient({ readStream: sinon.stub().returns(throwing(new SyntaxError('Unexpected token } in JSON at position 7'))) }));
    const error = await store.readStream('hardware-A1').then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(DependencyUnavailable);
    expect((error as Error).message).to.equal('An event in EventStoreDB is marked JSON but does not parse (Unexpected token } in JSON at position 7).');
  });

  it('says EventStoreDB cannot be reached when the connection is refused', async () => {
    const refused = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { type: 'unavailable' });
    const store = new EsdbEventStore(fakeClient({ readStream: sinon.stub().returns(throwing(refused)) }));
    const error = await store.readStream('hardware-X').then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(DependencyUnavailable);
    expect((error as Error).message).to.match(/EventStoreDB cannot be reached/);
  });

  /** A read the server never answers: it ends only when cancelled, as the client's gRPC reads do. */
  function hangingRead(yielded: unknown[] = []) {
    let cancelled: (error: Error) => void = () => undefined;
    const ended = new Promise<never>((_, reject) => (cancelled = reject));
    return {
      cancel: sinon.spy(async () => cancelled(Object.assign(new Error('1 CANCELLED: Cancelled on client'), { code: 1 }))),
      async *[Symbol.asyncIterator]() {
        yield* yielded;
        await ended;
      },
    };
  }

  for (const [what, call, read] of [
    ['a stream read', (store: EsdbEventStore) => store.readStream('hardware-X'), 'readStream'],
    ['a read of $all', (store: EsdbEventStore) => store.readAll({ after: 0, maxCount: 10 }), 'readAll'],
  ] as const) {
    it(`${what} the server stops answering is cancelled after STORE_TIMEOUT_SECONDS and fails as unavailable (the client sets no deadline on reads)`, async () => {
      const hanging = hangingRead();
      const store = new EsdbEventStore(fakeClient({ [read]: sinon.stub().returns(hanging) }), { readDeadlineMs: 50 });
      const started = Date.now();
      const error = await call(store).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(DependencyUnavailable);
      expect((error as Error).message).to.match(/EventStoreDB did not answer a read within 0\.05 s/);
      expect(hanging.cancel.calledOnce).to.equal(true);
      expect(Date.now() - started).to.be.below(1_000);
    });
  }
});
