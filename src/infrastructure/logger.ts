export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /secret|password|authorization|token|cookie|api[-_]?key/i;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

/** Masks every field whose name suggests a credential, at any depth, and bearer tokens inside text. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return value.replace(BEARER, '$1[redacted]');
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
  }
  return value;
}

/** JSON lines on a stream (stdout by default), every record redacted before it is written. */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message: redact(message), ...(redact(fields) as object) }) + '\n');
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
