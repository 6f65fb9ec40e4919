/** What to do after a failed attempt. */
export type RetryVerdict = { retry: false } | { retry: true; retryAfterMs: number | null; reason: string };

export interface RetryPolicy {
  /** Longest total time spent waiting between attempts before giving up. */
  budgetMs: number;
  /** First back-off when the server gives no Retry-After; doubled each time, with jitter. */
  baseDelayMs: number;
  maxAttempts: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { budgetMs: 120_000, baseDelayMs: 1_000, maxAttempts: 8 };

export class RetriesExhausted extends Error {
  constructor(
    readonly lastReason: string,
    readonly attempts: number,
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    super(`${lastReason}; gave up after ${attempts} attempts and ${Math.round(waitedMs / 1000)} s of waiting.`);
    this.name = 'RetriesExhausted';
  }
}

/** Retry-After is either delay-seconds (fractions seen in the wild) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it succeeds, the verdict says stop, or the attempts or waiting budget run out. */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  verdictOf: (error: unknown) => RetryVerdict,
  policy: RetryPolicy,
  onWait: (ms: number) => void = () => undefined,
): Promise<T> {
  const sleep = policy.sleep ?? defaultSleep;
  let waited = 0;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      const verdict = verdictOf(error);
      if (!verdict.retry) throw error;
      const backoff = policy.baseDelayMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5);
      const delay = verdict.retryAfterMs ?? backoff;
      if (verdict.retryAfterMs !== null && verdict.retryAfterMs > policy.budgetMs - waited) {
        const reason = `${verdict.reason} and asked to wait ${Math.round(verdict.retryAfterMs / 1000)} s (Retry-After), longer than this run may still wait (${Math.round((policy.budgetMs - waited) / 1000)} s)`;
        throw new RetriesExhausted(reason, n, waited, error);
      }
      if (n >= policy.maxAttempts || waited + delay > policy.budgetMs) throw new RetriesExhausted(verdict.reason, n, waited, error);
      onWait(delay);
      await sleep(delay);
      waited += delay;
    }
  }
}
