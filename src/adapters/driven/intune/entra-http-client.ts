import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { Dispatcher } from 'undici';
import { classifyTransportError } from '../http/outbound-failure.js';
import type { TransportLimits } from '../http/outbound.js';
import { fetchWithinBound } from '../http/unpacked-bound.js';

/**
 * The transport @azure/identity uses for Entra ID: the connectors' own dispatcher, so that token
 * requests take the same proxy (HTTPS_PROXY / NO_PROXY) and trust the same CAs as the Graph and Jamf
 * calls. (The SDK's own transport ignores custom CAs whenever a proxy is in use.)
 */
export function entraHttpClient(
  dispatcher: Dispatcher,
  createHttpHeaders: typeof import('@azure/core-rest-pipeline').createHttpHeaders,
  limits: TransportLimits,
  onAnswer: (status: number | string) => void,
): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const signals = [request.abortSignal, request.timeout > 0 ? AbortSignal.timeout(request.timeout) : undefined].filter((s): s is AbortSignal => !!s);
      const body = request.body;
      if (body !== undefined && body !== null && typeof body !== 'string') {
        throw new Error('Only text bodies are expected on Entra ID token requests.');
      }
      let response: Response;
      try {
        response = await fetchWithinBound(request.url, {
          method: request.method,
          headers: Object.fromEntries(request.headers),
          body: body ?? undefined,
          signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
          redirect: 'manual',
          dispatcher,
        } as RequestInit, limits);
      } catch (error) {
        const failure = classifyTransportError(error, request.url, limits);
        onAnswer(failure?.problem ?? 'network');
        throw failure ?? error;
      }
      onAnswer(response.status);
      const headers = createHttpHeaders();
      response.headers.forEach((value, name) => headers.set(name, value));
      return { request, status: response.status, headers, bodyAsText: await response.text() };
    },
  };
}
