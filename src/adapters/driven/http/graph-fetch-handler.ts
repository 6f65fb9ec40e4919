import type { Dispatcher } from 'undici';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import { classifyTransportError } from './outbound-failure.js';
import type { TransportLimits } from './outbound.js';

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
      let response: Response;
      try {
        response = await fetch(context.request as string, { ...context.options, redirect: 'manual', dispatcher } as RequestInit);
      } catch (error) {
        const failure = classifyTransportError(error, url, limits);
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
      context.response = response;
    },
  };
}
