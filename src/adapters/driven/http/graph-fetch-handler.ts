import type { Dispatcher } from 'undici';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import { classifyTransportError, type OutboundFailure } from './outbound-failure.js';
import type { TransportLimits } from './outbound.js';
import { fetchWithinBound } from './bounded-fetch.js';

const BODY_READERS = ['json', 'text', 'arrayBuffer', 'blob'] as const;

/**
 * The client reads the body after this handler has returned, and an answer over the size bound or one
 * that stalls halfway then reaches it as a bare "terminated". Each way of reading this response's body
 * is wrapped so that such a failure goes through `onFailure`, which names the host. (Reading the body
 * here instead, into a new Response, cost the import about 5 % at 20,000 devices.)
 */
function namingBodyFailures(response: Response, onFailure: (error: unknown) => never): Response {
  for (const reader of BODY_READERS) {
    const read = response[reader].bind(response) as () => Promise<unknown>;
    Object.defineProperty(response, reader, { value: () => read().catch(onFailure) });
  }
  return response;
}

const CUT_SHORT_FIX = 'Run the import again; if it comes back, check the Graph base URL in Settings → Integrations and any proxy between this server and Microsoft.';

type GraphClientErrorClass = new (message?: string) => Error;

/**
 * The last link of the Graph client's middleware chain: fetch through the connectors' dispatcher,
 * never following a redirect, and a transport failure that names the host (the client's own handler
 * turns it into a bare "fetch failed"; a GraphClientError is passed through untouched).
 */
export function graphFetchHandler(dispatcher: Dispatcher, limits: TransportLimits, GraphClientError: GraphClientErrorClass, onAnswer: (status: number | string) => void): Middleware {
  return {
    async execute(context: Context): Promise<void> {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const fail = (cause: Error): never => {
        const wrapped = new GraphClientError(cause.message);
        (wrapped as { cause?: unknown }).cause = cause;
        throw wrapped;
      };
      const named = (error: unknown): OutboundFailure | null => classifyTransportError(error, url, limits);
      let response: Response;
      try {
        response = await fetchWithinBound(context.request as string, { ...context.options, redirect: 'manual', dispatcher } as RequestInit, limits);
      } catch (error) {
        const failure = named(error);
        onAnswer(failure?.problem ?? 'network');
        return failure ? fail(failure) : Promise.reject(error);
      }
      onAnswer(response.status);
      // Graph answers JSON; a 2xx of anything else (a sign-in page, a proxy's notice) is not device data.
      const type = response.headers.get('content-type') ?? '';
      if (response.ok && !/json/i.test(type)) {
        await response.body?.cancel();
        const what = /html/i.test(type) ? 'an HTML page' : type ? type.split(';')[0] : 'a body without a content type';
        fail(new MdmSourceFailure('intune', `Microsoft Graph answered with ${what}, not device data.`, 'Check the Graph base URL in Settings → Integrations (leave it empty for the public cloud), then run the import again.'));
      }
      context.response = namingBodyFailures(response, (error) => {
        const failure = named(error);
        if (failure) fail(failure);
        // A 2xx JSON answer that does not parse was cut short on the way, or is not Graph's.
        if (error instanceof SyntaxError && response.ok) fail(new MdmSourceFailure('intune', `Microsoft Graph answered with JSON that does not parse (${error.message}): cut short on the way, or not Graph's.`, CUT_SHORT_FIX));
        throw error;
      });
    },
  };
}
