import type { Response } from 'express';

/** Resolves when the client has read enough to write again, or has gone: then nothing will drain. */
function drainedOrGone(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/**
 * Writes a piece of a streamed body, waiting while the client reads slower than it is written.
 * False once the client has gone: a write to a closed response never drains.
 */
export async function writeInTurn(response: Response, text: string): Promise<boolean> {
  if (response.destroyed) return false;
  if (!response.write(text) && !response.destroyed) await drainedOrGone(response);
  return !response.destroyed;
}
