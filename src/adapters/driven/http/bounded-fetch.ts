import { answerTooLarge, answerTooSlow } from './outbound-failure.js';
import type { TransportLimits } from './outbound.js';

/** Statuses whose answer has no body: a Response cannot be built with one. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * The dispatcher counts an answer's bytes as they arrive, but fetch unpacks a compressed answer after
 * that count, and a few kilobytes of gzip can unpack to gigabytes. So a compressed answer's unpacked
 * bytes are counted as well, against the same bound; one sent as it is pays for no second count.
 */
function boundUnpackedAnswer(response: Response, url: string, limits: TransportLimits): Response {
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
  if (!encoding || encoding === 'identity' || !response.body || NULL_BODY_STATUSES.has(response.status)) return response;
  let unpacked = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        unpacked += chunk.byteLength;
        if (unpacked > limits.maxResponseBytes) controller.error(answerTooLarge(url, limits));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * The request and the reading of its whole answer are cancelled at `answerDeadlineMs`; the body
 * is read after fetch returns, so the signal stays on it. A timer that fires once the answer has been
 * read cancels nothing; one whose request failed before an answer is cleared.
 */
function deadline(url: string, limits: TransportLimits, caller: AbortSignal | null | undefined): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(answerTooSlow(url, limits)), limits.answerDeadlineMs).unref();
  return { signal: caller ? AbortSignal.any([caller, controller.signal]) : controller.signal, clear: () => clearTimeout(timer) };
}

/**
 * fetch, with the answer whole within `limits.answerDeadlineMs` and a compressed answer's unpacked
 * bytes held to `limits.maxResponseBytes` (every MDM call goes through this).
 */
export async function fetchWithinBound(input: RequestInfo | URL, init: RequestInit, limits: TransportLimits): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  const bound = deadline(url, limits, init.signal ?? (input instanceof Request ? input.signal : undefined));
  let response: Response;
  try {
    response = await fetch(input, { ...init, signal: bound.signal });
  } catch (error) {
    bound.clear();
    throw error;
  }
  return boundUnpackedAnswer(response, url, limits);
}
