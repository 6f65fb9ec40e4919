import type { NextFunction, Request, Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendProblem } from './problem.js';

/**
 * A graceful stop: once draining, /readyz says so, new imports and tests are refused with 503, and the
 * requests already in flight are counted down to zero.
 */
export class Drain {
  draining = false;
  private inFlight = 0;

  /** Counts every request until its response is done. */
  readonly track = (_request: Request, response: Response, next: NextFunction) => {
    this.inFlight += 1;
    response.once('close', () => (this.inFlight -= 1));
    next();
  };

  /** Refuses work that would outlive the process. */
  readonly refuseWhenDraining = (_request: Request, response: Response, next: NextFunction) => {
    if (!this.draining) return next();
    sendProblem(response, {
      type: 'https://ontrackio.dev/problems/shutting-down',
      title: 'The server is shutting down',
      status: 503,
      detail: 'This instance is stopping and starts no new imports or connection tests.',
      fix: 'Try again in a moment; another instance (or this one, restarted) will take it.',
      retryAfterSeconds: 30,
    });
  };

  /** Waits until no request is in flight, or the time is up; true when idle. */
  async idle(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < until) await sleep(50);
    return this.inFlight === 0;
  }
}
