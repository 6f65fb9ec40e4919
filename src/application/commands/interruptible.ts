/**
 * The process is stopping: the run stops between pages, or while it waits for one. Who stopped it is
 * the abort's reason when that is text ("the server shut down", "the CLI was stopped (SIGINT)").
 */
export class ImportInterrupted extends Error {
  constructor(by: unknown) {
    super(`interrupted: ${typeof by === 'string' ? by : 'the process stopped'} before the run finished. What was applied stays applied; run the import again.`);
    this.name = 'ImportInterrupted';
  }
}

/**
 * `pending`, or ImportInterrupted as soon as `signal` aborts. The abort listener lives only as long as
 * this one wait: a race against one promise that never settles (the abort) would keep a reaction per
 * page on it, and with it every page of the run, until the run ends.
 */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return pending;
  if (signal.aborted) return Promise.reject(new ImportInterrupted(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new ImportInterrupted(signal.reason));
    signal.addEventListener('abort', stop, { once: true });
    pending.then(
      (value) => (signal.removeEventListener('abort', stop), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', stop), reject(error)),
    );
  });
}

/** The pages of `source`, until `signal` aborts: then ImportInterrupted, even while a page is awaited. */
export async function* interruptible<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await untilAborted(iterator.next(), signal);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
