import express, { type NextFunction, type Request, type Response } from 'express';
import { sendProblem } from './problem.js';
import { notAnObjectBody } from './validation.js';

const MAX_SHOWN = 100;

function carriesBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A body sent as anything but JSON is refused, naming what was sent, instead of being read as no body at all. */
function refuseOtherMediaTypes(request: Request, response: Response, next: NextFunction): void {
  if (!carriesBody(request) || request.is('application/json')) return next();
  const sent = request.headers['content-type'];
  sendProblem(response, {
    type: 'https://ontrackio.dev/problems/unsupported-media-type',
    title: 'Unsupported Media Type',
    status: 415,
    detail: sent ? `The body was sent as ${sent.slice(0, MAX_SHOWN)}; this API reads application/json only.` : 'The body was sent without a Content-Type; this API reads application/json only.',
    fix: 'Send the body as a JSON object with Content-Type: application/json.',
  });
}

/** JSON text that is neither an object nor an array, which body-parser's strict mode reports as not JSON at all. */
function asNotAnObject(error: unknown): unknown {
  const { type, body } = error as { type?: unknown; body?: unknown };
  if (type !== 'entity.parse.failed' || typeof body !== 'string') return error;
  try {
    return notAnObjectBody(JSON.parse(body)) ?? error;
  } catch {
    return error;
  }
}

/** Reads a request's JSON body (64 KB at most); anything else sent as a body is refused with what to do. */
export function jsonBody() {
  const parse = express.json({ limit: '64kb' });
  const parseSayingWhatWasSent = (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: unknown) => (error ? next(asNotAnObject(error)) : next()));
  return [refuseOtherMediaTypes, parseSayingWhatWasSent];
}
