import type { NextFunction, Request, Response } from 'express';
import { STATUS_CODES, type Server } from 'node:http';
import { ImportRunFailed } from '../../../application/commands/import-result.js';
import { PreviewFailed } from '../../../application/commands/preview-import.js';
import { RunLeaseLost } from '../../../application/import-run-recorder.js';
import { ImportInterrupted } from '../../../application/commands/interruptible.js';
import { DependencyUnavailable } from '../../../application/ports/errors.js';
import { MdmSourceFailure, SourceNotConfigured } from '../../../application/ports/mdm-source.js';
import { HardwareNotFound, SerialAlreadyRegistered } from '../../../domain/hardware/errors.js';
import { ImportAlreadyRunning } from '../../../domain/import-run/run.js';
import { HardwareChangedMeanwhile, HardwareChangedSinceRead } from '../../../application/commands/hand-edits.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { excerpt } from '../../../domain/shared/quote.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A request the edge refused; carries every field at fault. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly errors: FieldProblem[] = [],
    readonly status = 400,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'BadRequest';
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
  fix?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

/** Sends the problem with the request's id, so a person can quote it and an operator can find its log line. */
export function sendProblem(response: Response, problem: Problem): void {
  if (typeof problem.retryAfterSeconds === 'number') response.setHeader('Retry-After', String(problem.retryAfterSeconds));
  const requestId = (response.req as { id?: unknown } | undefined)?.id;
  const body = typeof requestId === 'string' ? { ...problem, requestId } : problem;
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
}

const type = (code: string) => `https://ontrackio.dev/problems/${code}`;

/** Maps what went wrong to an RFC 9457 problem: the field at fault and the fix, never a stack trace. */
export function toProblem(error: unknown): Problem {
  if (error instanceof BadRequest) {
    const [code, title] = error.status === 404 ? ['not-found', 'Not found'] : ['invalid-request', 'The request is not valid'];
    return { type: type(code), title, status: error.status, detail: error.message, errors: error.errors, ...(error.fix ? { fix: error.fix } : {}) };
  }
  // detail says what is wrong and fix what to do, each once (a DomainError's message carries both).
  if (error instanceof HardwareNotFound) return { type: type(error.code), title: 'Not found', status: 404, detail: error.reason, field: error.field, fix: error.fix };
  if (error instanceof ImportAlreadyRunning || error instanceof SerialAlreadyRegistered || error instanceof HardwareChangedMeanwhile) {
    return { type: type(error.code), title: 'Conflict', status: 409, detail: error.reason, field: error.field, fix: error.fix };
  }
  if (error instanceof HardwareChangedSinceRead) return { type: type(error.code), title: 'Precondition Failed', status: 412, detail: error.reason, field: error.field, fix: error.fix };
  if (error instanceof SourceNotConfigured) {
    return { type: type('not-configured'), title: 'Source not configured', status: 409, detail: error.message, missing: [...error.missing], fix: 'Finish Step 1 in Settings → Integrations, then reload Bulk import.' };
  }
  if (error instanceof DomainError) return { type: type(error.code), title: 'The request breaks a rule', status: 422, detail: error.reason, field: error.field, fix: error.fix };
  if (error instanceof DependencyUnavailable) {
    return { type: type('store-unavailable'), title: 'Storage unavailable', status: 503, detail: error.message, fix: error.fix, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof ImportRunFailed && error.cause instanceof RunLeaseLost) {
    return { type: type('run-closed'), title: 'The run was closed by another process', status: 409, detail: error.cause.message, result: error.result, fix: 'Run the import again.' };
  }
  if (error instanceof ImportRunFailed && error.cause instanceof DependencyUnavailable) return { ...toProblem(error.cause), result: error.result };
  if (error instanceof ImportRunFailed && error.cause instanceof ImportInterrupted) {
    return { type: type('shutting-down'), title: 'The server is shutting down', status: 503, detail: error.cause.message, result: error.result, fix: 'Run the import again in a moment.', retryAfterSeconds: 30 };
  }
  if (error instanceof PreviewFailed) {
    const shuttingDown = error.cause instanceof ImportInterrupted;
    return {
      type: type(shuttingDown ? 'shutting-down' : 'preview-failed'),
      title: shuttingDown ? 'The server is shutting down' : 'The preview stopped before the end',
      status: shuttingDown ? 503 : 502,
      detail: error.message,
      result: error.result,
      fix: 'Fix the cause, then preview again: nothing was changed.',
      ...(shuttingDown ? { retryAfterSeconds: 30 } : {}),
    };
  }
  if (error instanceof ImportRunFailed) {
    return { type: type('import-failed'), title: 'The import stopped before the end', status: 502, detail: error.message, result: error.result, fix: 'Fix the cause, then re-run: the import is idempotent.' };
  }
  if (error instanceof MdmSourceFailure) return { type: type('mdm-unavailable'), title: 'The MDM could not be read', status: 502, detail: error.message, fix: error.fix };
  const client = clientErrorProblem(error);
  if (client) return client;
  return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Something went wrong on our side; it has been logged.' };
}

/** The request's own fault as express, its router and body-parser report it (errors with a 4xx status). */
function clientErrorProblem(error: unknown): Problem | null {
  const { status, type: kind, code, message } = error as { status?: unknown; type?: string; code?: string; message?: string };
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  if (error instanceof URIError) {
    return { type: type('bad-path-encoding'), title: 'The address is not valid', status: 400, detail: `${message ? excerpt(message) : 'A path segment'}: it is not valid percent-encoding.`, fix: 'Encode special characters in the address as %XX with two hex digits (UTF-8).' };
  }
  if (status === 413) return { type: type('too-large'), title: 'Request body too large', status: 413, detail: 'The request body is larger than the server accepts (64 KB).', fix: 'Send a smaller body.' };
  if (kind === 'entity.parse.failed') {
    return { type: type('invalid-json'), title: 'The request is not valid', status: 400, detail: 'The body is not valid JSON.', fix: 'Send a JSON object with Content-Type: application/json.' };
  }
  if (kind === 'encoding.unsupported') {
    return { type: type('unsupported-encoding'), title: 'Unsupported Content-Encoding', status: 415, detail: `${excerpt(message ?? 'This Content-Encoding is not supported')}.`, fix: 'Send the body uncompressed, or compressed as gzip, deflate or br.' };
  }
  if (kind === 'charset.unsupported') return { type: type('unsupported-charset'), title: 'Unsupported charset', status: 415, detail: `${excerpt(message ?? 'This charset is not supported')}.`, fix: 'Send JSON as UTF-8.' };
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return { type: type('bad-encoding'), title: 'The body does not match its Content-Encoding', status: 400, detail: `The body could not be decoded as its Content-Encoding says (${message}).`, fix: 'Compress the body as Content-Encoding says, or leave the header out.' };
  }
  const title = STATUS_CODES[status] ?? 'Bad request';
  return { type: type('bad-request'), title, status, detail: (error as { expose?: boolean }).expose && message ? message : title };
}

/**
 * Requests too malformed for express (an oversized request line or header, broken HTTP) are answered
 * on the socket, as problem+json all the same.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      type: type(tooLarge ? 'headers-too-large' : 'malformed-request'),
      title: STATUS_CODES[status],
      status,
      detail: tooLarge ? 'The request line or headers are larger than the server accepts (16 KB).' : 'The request is not valid HTTP.',
      fix: tooLarge ? 'Send a shorter address and fewer or smaller headers.' : 'Send a well-formed HTTP/1.1 request.',
    });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}

export function problemMiddleware(onServerError: (error: unknown, request: Request) => void) {
  return (error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const problem = toProblem(error);
    if (problem.status >= 500 && problem.status !== 502) onServerError(error, request);
    // Half a streamed body is already out: a problem appended to it would read as part of it. The
    // connection is cut instead, which every client reports as a failed request.
    if (response.headersSent) return void response.destroy();
    sendProblem(response, problem);
  };
}
