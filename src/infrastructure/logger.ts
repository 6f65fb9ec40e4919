import { pino, type Logger as Pino } from 'pino';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The logger the HTTP request log (pino-http) writes through. */
export interface PinoBacked extends Logger {
  readonly pino: Pino;
}

const CREDENTIALS = ['clientSecret', 'client_secret', 'secret', 'password', 'token', 'accessToken', 'access_token', 'authorization', 'Authorization', 'cookie', 'apiKey'];

/** Where credentials may sit in a record: at the top, one or two levels down, and in the request log's headers. */
export const REDACTED_PATHS = [
  ...CREDENTIALS,
  ...CREDENTIALS.map((key) => `*.${key}`),
  ...CREDENTIALS.map((key) => `*.*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

/** Errors keep their name and message (foreign text, so a bearer token in it is masked), never a stack. */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return { name: error.name, message: error.message.replace(BEARER, '$1[redacted]') };
}

/**
 * JSON lines through pino: level and message under those names, ISO time, credentials redacted by
 * configuration. Written synchronously (to stdout unless told otherwise), so nothing is lost at exit.
 */
export function jsonLogger(write?: (line: string) => void): PinoBacked {
  const destination = write ? { write } : pino.destination({ fd: 1, sync: true });
  const logger = pino(
    {
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { error: serializeError, err: serializeError },
    },
    destination,
  );
  const at = (level: 'info' | 'warn' | 'error') => (message: string, fields: Record<string, unknown> = {}) => logger[level](fields, message);
  return { pino: logger, info: at('info'), warn: at('warn'), error: at('error') };
}
