import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ImportInterrupted, interruptible } from '../../src/application/commands/interruptible.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Page { devices: unknown[] }

async function* pages(count: number, made: WeakRef<Page>[]): AsyncIterable<Page> {
  for (let i = 0; i < count; i += 1) {
    const page = { devices: Array.from({ length: 100 }, (_, n) => ({ serial: `S${i}-${n}` })) };
    made.push(new WeakRef(page));
    yield page;
  }
}

describe('The pages of a run that a shutdown can interrupt', () => {
  it('are let go once imported: a long run does not keep every page it has read', async () => {
    const made: WeakRef<Page>[] = [];
    const shutdown = new AbortController();
    let read = 0;
    for await (const page of interruptible(pages(50, made), shutdown.signal)) {
      read += page.devices.length;
      if (made.length === 40) {
        await new Promise((resolve) => setImmediate(resolve));
        collectGarbage();
        expect(made.slice(0, 30).filter((ref) => ref.deref() !== undefined)).to.have.length(0);
      }
    }
    expect(read).to.equal(5000);
  });

  it('end with ImportInterrupted while the next page is awaited', async () => {
    const shutdown = new AbortController();
    const never: AsyncIterable<Page> = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Page>>(() => undefined) }) };
    setTimeout(() => shutdown.abort(), 10);
    let error: unknown = null;
    try {
      for await (const _ of interruptible(never, shutdown.signal)) expect.fail('no page was ever sent');
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ImportInterrupted);
  });

  it('end before the first page when the process is already stopping', async () => {
    const shutdown = new AbortController();
    shutdown.abort();
    const made: WeakRef<Page>[] = [];
    let error: unknown = null;
    try {
      for await (const _ of interruptible(pages(3, made), shutdown.signal)) expect.fail('no page is read once stopping');
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ImportInterrupted);
  });
});
