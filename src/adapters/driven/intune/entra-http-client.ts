import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { Dispatcher } from 'undici';
import { classifyTransportError } from '../http/outbound-failure.js';
import type { TransportLimits } from '../http/outbound.js';
import { fetchWithinBound } from '../http/bounded-fetch.js';
import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';

/**
 * The transport @azure/identity uses for Entra ID: the connectors' own dispatcher, so that token
 * requests take the same proxy (HTTPS_PROXY / NO_PROXY) and trust the same CAs as the Graph and Jamf
 * calls. (The SDK's own transport ignores custom CAs whenever a proxy is in use.)
 *
 * MSAL posts the client secret to the token endpoint that the authority's metadata names. Only the
 * configured authority's origin gets a request with a body; a metadata GET may go to Microsoft's
 * instance discovery. MSAL reports a failed request only as "network_error", so a refusal is also
 * handed to `onRefused`, for the run to say what happened.
 */
export function entraHttpClient(
  dispatcher: Dispatcher,
  createHttpHeaders: typeof import('@azure/core-rest-pipeline').createHttpHeaders,
  limits: TransportLimits,
  onAnswer: (status: number | string) => void,
  authorityOrigin: string,
  onRefused: (refusal: MdmSourceFailure) => void,
): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const origin = new URL(request.url).origin;
      if (request.method !== 'GET' && origin !== authorityOrigin) {
        const refusal = new MdmSourceFailure(
          'intune',
          `Entra ID's metadata named a token endpoint on another origin (${origin}), not the configured authority ${authorityOrigin}; the client secret was not sent there.`,
          "Check the authority host in Settings → Integrations: it must be Entra ID itself (leave it empty for the public cloud, or your national cloud's). If it is, tell your security team.",
        );
        onRefused(refusal);
        throw refusal;
      }
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
