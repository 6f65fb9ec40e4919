import { expect } from 'chai';
import { Readable } from 'node:stream';
import { readUntilCaughtUp, type CatchUpSubscription } from '../../../src/adapters/driven/eventstoredb/caught-up-read.js';
import { DependencyUnavailable } from '../../../src/application/ports/errors.js';

/** The client's subscription as the read sees it: a Readable of events that also emits "caughtUp". */
function subscription() {
  let unsubscribed = 0;
  const stream = Object.assign(new Readable({ objectMode: true, read() {} }), {
    unsubscribe: async () => {
      unsubscribed += 1;
      stream.push(null);
    },
  });
  return { stream: stream as Readable & CatchUpSubscription<number>, unsubscribed: () => unsubscribed };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('A catch-up read of EventStoreDB that ends where the server caught up', () => {
  it('takes the events sent before "caught up", none sent after, and cancels the subscription', async () => {
    const sub = subscription();
    const read = readUntilCaughtUp(() => sub.stream, 100, 5_000);
    for (const n of [1, 2, 3]) sub.stream.push(n);
    sub.stream.emit('caughtUp');
    for (const n of [4, 5]) sub.stream.push(n);
    expect(await read).to.deep.equal({ events: [1, 2, 3], caughtUp: true, searchedTo: null });
    expect(sub.unsubscribed()).to.equal(1);
  });

  it('ends when the server says it caught up while the reader waits on an empty buffer', async () => {
    const sub = subscription();
    const read = readUntilCaughtUp(() => sub.stream, 100, 5_000);
    sub.stream.push(1);
    await tick();
    sub.stream.emit('caughtUp');
    expect(await read).to.deep.include({ events: [1], caughtUp: true });
  });

  it('stops at maxCount, not caught up, and cancels the subscription', async () => {
    const sub = subscription();
    const read = readUntilCaughtUp(() => sub.stream, 2, 5_000);
    for (const n of [1, 2, 3]) sub.stream.push(n);
    expect(await read).to.deep.equal({ events: [1, 2], caughtUp: false, searchedTo: null });
    expect(sub.unsubscribed()).to.equal(1);
  });

  it('reports the last checkpoint before "caught up" as how far the server searched, not a later one', async () => {
    const sub = subscription();
    let checkpoint!: (commit: bigint) => void;
    const read = readUntilCaughtUp((onCheckpoint) => ((checkpoint = onCheckpoint), sub.stream), 100, 5_000);
    sub.stream.push(1);
    checkpoint(700n);
    sub.stream.emit('caughtUp');
    checkpoint(900n);
    expect(await read).to.deep.equal({ events: [1], caughtUp: true, searchedTo: 700n });
  });

  it('fails as unavailable, naming the server version it needs, when nothing comes and no "caught up" either', async () => {
    const sub = subscription();
    const started = Date.now();
    const error = await readUntilCaughtUp(() => sub.stream, 100, 50).then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(DependencyUnavailable);
    expect((error as Error).message).to.equal('EventStoreDB sent nothing for 0.05 s while the projections caught up, and did not say it had caught up.');
    expect((error as DependencyUnavailable).fix).to.match(/EventStoreDB 23\.10 or later/);
    expect(sub.unsubscribed()).to.equal(1);
    expect(Date.now() - started).to.be.below(1_000);
  });

  it("counts the filter's checkpoints as the server working: a long search past other events is not cut off", async () => {
    const sub = subscription();
    let checkpoint!: (commit: bigint) => void;
    const read = readUntilCaughtUp((onCheckpoint) => ((checkpoint = onCheckpoint), sub.stream), 100, 80);
    for (let i = 1; i <= 6; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      checkpoint(BigInt(i * 100));
    }
    sub.stream.push(1);
    sub.stream.emit('caughtUp');
    expect(await read).to.deep.equal({ events: [1], caughtUp: true, searchedTo: 600n });
  });

  it('fails as unavailable when the server ends the subscription before it caught up', async () => {
    const sub = subscription();
    const read = readUntilCaughtUp(() => sub.stream, 100, 5_000);
    sub.stream.push(1);
    sub.stream.push(null);
    const error = await read.then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(DependencyUnavailable);
    expect((error as Error).message).to.match(/ended a catch-up read before it had caught up/);
  });
});
