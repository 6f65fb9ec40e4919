/** The process is stopping: the run stops between pages, or while it waits for one. */
export class ImportInterrupted extends Error {
  constructor() {
    super('interrupted: the server shut down before the run finished. What was applied stays applied; run the import again.');
    this.name = 'ImportInterrupted';
  }
}

/** The pages of `source`, until `signal` aborts: then ImportInterrupted, even while a page is awaited. */
export async function* interruptible<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let stop = () => undefined as void;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = () => reject(new ImportInterrupted());
  });
  stopped.catch(() => undefined);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
