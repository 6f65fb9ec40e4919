import { resolve } from 'node:path';
import { validateConvention, type AssetTagConvention } from '../domain/hardware/asset-tag.js';
import { DomainError } from '../domain/shared/domain-error.js';

export interface Config {
  /** The embedded store's file; used unless EVENTSTORE_CONNECTION_STRING and MONGODB_URI are set. */
  dataFile: string;
  eventStoreConnectionString: string | null;
  mongodbUri: string | null;
  assetTagPrefix: string;
  assetTagDigits: number;
  /** A run with no page or heartbeat for this long is closed as abandoned (RUN_LEASE_SECONDS). */
  runLeaseMs: number;
  /** Outbound MDM calls: connect and per-response timeouts, the largest answer read, and the page bound of one listing. */
  mdmConnectTimeoutMs: number;
  mdmResponseTimeoutMs: number;
  /** MDM_ANSWER_DEADLINE_SECONDS: the longest an MDM's whole answer may take to arrive. */
  mdmAnswerDeadlineMs: number;
  mdmMaxResponseBytes: number;
  mdmMaxPages: number;
  /** On SIGTERM: how long requests in flight (a running import) may take before runs are recorded as interrupted. */
  drainTimeoutMs: number;
  /** HTTP_KEEP_ALIVE_SECONDS: how long an idle client connection is kept; above a load balancer's own idle timeout. */
  httpKeepAliveMs: number;
  /** STORE_TIMEOUT_SECONDS: the longest wait for one MongoDB answer (its socket timeout) and for the next event of an EventStoreDB read. */
  storeTimeoutMs: number;
  /** How often the sync schedules are checked (SCHEDULE_CHECK_SECONDS); 0 turns scheduled imports off in this process. */
  scheduleCheckMs: number;
  /** SECRETS_KEY_PREVIOUS: opens secrets sealed before a key rotation; they are re-sealed with SECRETS_KEY. */
  secretsKeyPrevious: string | null;
  port: number;
  /** Interface to listen on: loopback by default; 0.0.0.0 in a container. */
  host: string;
  /** SECRETS_KEY: seals connector secrets at rest. Required with the production stores. */
  secretsKey: string | null;
  /** The MongoDB database; default: the one in MONGODB_URI, else "ontrackio". */
  mongodbDatabase: string | null;
  /** The monolith's users collection that assignment reads. */
  mongodbUsersCollection: string;
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

/** The asset tag convention is checked at start-up: else every import would fail on it, as if its request were at fault. */
function assetTagConvention(env: Env): AssetTagConvention {
  const convention = { prefix: env.ASSET_TAG_PREFIX?.trim() || 'HW-', digits: integer(env, 'ASSET_TAG_DIGITS', 5, 1, 12) };
  try {
    return validateConvention(convention);
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigurationError('ASSET_TAG_PREFIX', error.reason, error.fix ?? '');
    throw error;
  }
}

/** Reads the process environment once, at start-up, and refuses values it cannot use. */
export function loadConfig(env: Env = process.env): Config {
  const eventStore = env.EVENTSTORE_CONNECTION_STRING?.trim();
  const mongo = env.MONGODB_URI?.trim();
  if (!!eventStore !== !!mongo) {
    const [set, unset] = eventStore ? ['EVENTSTORE_CONNECTION_STRING', 'MONGODB_URI'] : ['MONGODB_URI', 'EVENTSTORE_CONNECTION_STRING'];
    throw new ConfigurationError(unset, `is not set, but ${set} is: the production stores go together.`, `Set both to run on EventStoreDB and MongoDB, or neither for the embedded store.`);
  }
  if (eventStore && !/^(esdb|kurrentdb|esdb\+discover|kurrentdb\+discover):\/\//.test(eventStore)) {
    throw new ConfigurationError('EVENTSTORE_CONNECTION_STRING', `${JSON.stringify(eventStore.replace(/\/\/[^@]*@/, '//…@'))} is not an EventStoreDB connection string.`, 'Use, for example, esdb://localhost:2113?tls=false.');
  }
  if (mongo && !/^mongodb(\+srv)?:\/\//.test(mongo)) {
    throw new ConfigurationError('MONGODB_URI', 'is not a MongoDB connection string.', 'Use, for example, mongodb://localhost:27017/ontrackio.');
  }
  const convention = assetTagConvention(env);
  return {
    dataFile: env.DATA_FILE?.trim() === ':memory:' ? ':memory:' : resolve(env.DATA_FILE?.trim() || './data/ontrackio.sqlite'),
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING?.trim() || null,
    mongodbUri: env.MONGODB_URI?.trim() || null,
    assetTagPrefix: convention.prefix,
    assetTagDigits: convention.digits,
    runLeaseMs: integer(env, 'RUN_LEASE_SECONDS', 45, 2, 3600) * 1000,
    mdmConnectTimeoutMs: integer(env, 'MDM_CONNECT_TIMEOUT_SECONDS', 10, 1, 120) * 1000,
    mdmResponseTimeoutMs: integer(env, 'MDM_RESPONSE_TIMEOUT_SECONDS', 30, 1, 300) * 1000,
    mdmAnswerDeadlineMs: integer(env, 'MDM_ANSWER_DEADLINE_SECONDS', 120, 1, 3600) * 1000,
    mdmMaxResponseBytes: integer(env, 'MDM_MAX_RESPONSE_MIB', 64, 1, 1024) * 1024 * 1024,
    mdmMaxPages: integer(env, 'MDM_MAX_PAGES', 1000, 2, 100_000),
    drainTimeoutMs: integer(env, 'DRAIN_TIMEOUT_SECONDS', 25, 1, 600) * 1000,
    httpKeepAliveMs: integer(env, 'HTTP_KEEP_ALIVE_SECONDS', 65, 1, 3600) * 1000,
    storeTimeoutMs: integer(env, 'STORE_TIMEOUT_SECONDS', 60, 1, 3600) * 1000,
    scheduleCheckMs: integer(env, 'SCHEDULE_CHECK_SECONDS', 30, 0, 3600) * 1000,
    secretsKeyPrevious: env.SECRETS_KEY_PREVIOUS?.trim() || null,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    secretsKey: env.SECRETS_KEY?.trim() || null,
    mongodbDatabase: env.MONGODB_DATABASE?.trim() || null,
    mongodbUsersCollection: env.MONGODB_USERS_COLLECTION?.trim() || 'users',
    apiTokens: env.API_TOKENS?.trim() ?? '',
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 10, 1, 10_000),
  };
}
