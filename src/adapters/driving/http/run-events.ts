import type { Response } from 'express';
import type { RunProgress, RunProgressView } from '../../../application/queries/run-progress.js';

export interface RunEventsOptions {
  /** How often the run is looked at. */
  everyMs: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  keepAliveMs: number;
  /** The server is stopping: the stream ends and tells the client when to reconnect (to another instance). */
  stopping: () => boolean;
}

function send(response: Response, event: string, data: unknown): void {
  response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Server-Sent Events of one run: `progress` whenever it moved, then `end` with the banner, then the
 * stream closes. Progress comes from the audit log, so any instance can serve any run.
 */
export async function streamRunEvents(response: Response, runId: string, first: RunProgressView, runs: RunProgress, options: RunEventsOptions): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
  let open = true;
  response.once('close', () => (open = false));
  let last = '';
  let quietSince = Date.now();
  let view: RunProgressView | null = first;
  while (open) {
    if (view) {
      const text = JSON.stringify(view);
      if (text !== last) {
        send(response, 'progress', view);
        last = text;
        quietSince = Date.now();
      }
      if (view.status !== 'running') {
        const banner = await runs.banner(runId);
        if (banner) send(response, 'end', banner);
        break;
      }
    }
    if (options.stopping()) {
      response.write('retry: 2000\nevent: reconnect\ndata: {}\n\n');
      break;
    }
    if (Date.now() - quietSince >= options.keepAliveMs) {
      response.write(': still running\n\n');
      quietSince = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs));
    if (open) view = await runs.of(runId);
  }
  response.end();
}
