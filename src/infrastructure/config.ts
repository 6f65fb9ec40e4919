import { resolve } from 'node:path';

export interface Config {
  /** The embedded store's file; used unless EVENTSTORE_CONNECTION_STRING and MONGODB_URI are set. */
  dataFile: string;
  eventStoreConnectionString: string | null;
  mongodbUri: string | null;
  assetTagPrefix: string;
  assetTagDigits: number;
  staleRunAfterMs: number;
  port: number;
  /** Interface to listen on: loopback by default; 0.0.0.0 in a container. */
  host: string;
  /** SECRETS_KEY: seals connector secrets at rest. Required with the production stores. */
  secretsKey: string | null;
  /** API_TOKENS: "token=email:role" entries for the standalone server's sign-in. */
  apiTokens: string;
  /** Imports and connection tests one user may start per minute. */
  rateLimitPerMinute: number;
}

export class ConfigurationError extends Error {
  constructor(variable: string, message: string, fix: string) {
    super(`${variable}: ${message} ${fix}`);
    this.name = 'ConfigurationError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(name, `${JSON.stringify(raw)} is not a whole number from ${min} to ${max}.`, `Set it to, for example, ${fallback}.`);
  }
  return value;
}

/** Reads the process environment once, at start-up, and refuses values it cannot use. */
export function loadConfig(env: Env = process.env): Config {
  return {
    dataFile: env.DATA_FILE?.trim() === ':memory:' ? ':memory:' : resolve(env.DATA_FILE?.trim() || './data/ontrackio.sqlite'),
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING?.trim() || null,
    mongodbUri: env.MONGODB_URI?.trim() || null,
    assetTagPrefix: env.ASSET_TAG_PREFIX ?? 'HW-',
    assetTagDigits: integer(env, 'ASSET_TAG_DIGITS', 5, 1, 12),
    staleRunAfterMs: integer(env, 'STALE_RUN_AFTER_MINUTES', 60, 1, 7 * 24 * 60) * 60_000,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    secretsKey: env.SECRETS_KEY?.trim() || null,
    apiTokens: env.API_TOKENS?.trim() ?? '',
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 10, 1, 10_000),
  };
}
