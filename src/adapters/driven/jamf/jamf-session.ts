import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { Dispatcher } from 'undici';
import type { JamfSettings } from '../../../domain/connectors/connector-settings.js';
import { parseRetryAfter, withRetries, type RetryPolicy, type RetryVerdict } from '../http/retry.js';
import { classifyTransportError } from '../http/outbound-failure.js';
import type { TransportLimits } from '../http/outbound.js';
import { fetchWithinBound } from '../http/bounded-fetch.js';
import { NO_OUTBOUND_METRICS, type OutboundMetrics } from '../http/outbound-metrics.js';
import { isBearerToken } from '../http/bearer-token.js';
import { NoJamfApiHere, NotAJamfToken } from './jamf-failures.js';

const TOKEN_PATHS = ['/api/v1/oauth/token', '/api/oauth/token'] as const;
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const MAX_COOKIES = 50;
const MAX_COOKIE_BYTES = 4096;

interface Token {
  value: string;
  /** When to renew: ahead of expiry, since a client's lifetime can be as short as a minute. */
  renewAt: number;
}

/**
 * One Jamf Pro conversation: a cached bearer renewed before expiry (one renewal at a time), the
 * token path the server supports, and Jamf Cloud's sticky-session cookies kept for the run.
 */
export class JamfSession {
  private readonly http: AxiosInstance;
  private token: Token | null = null;
  private renewal: Promise<Token> | null = null;
  private tokenPath: string | null = null;
  private readonly cookies = new Map<string, string>();

  get tenantUrl(): string {
    return this.settings.tenantUrl;
  }

  constructor(
    private readonly settings: JamfSettings,
    dispatcher: Dispatcher,
    private readonly retry: RetryPolicy,
    private readonly limits: TransportLimits,
    private readonly metrics: OutboundMetrics = NO_OUTBOUND_METRICS,
  ) {
    // Paths only, never an absolute URL, and no redirect followed: the bearer goes to the tenant URL alone.
    this.http = axios.create({
      baseURL: settings.tenantUrl,
      allowAbsoluteUrls: false,
      adapter: 'fetch',
      env: { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetchWithinBound(input, init ?? {}, limits) },
      fetchOptions: { dispatcher, redirect: 'manual' },
      maxRedirects: 0,
      // No timeout of axios's own: the dispatcher bounds the connection and each pause of an answer,
      // and fetchWithinBound the whole answer, each failure named after the host.
      // No maxContentLength: the dispatcher refuses a larger answer (limits.maxResponseBytes) as it
      // arrives, and axios's own count re-streams every page through JavaScript to make it.
      headers: { Accept: 'application/json' },
    });
    this.http.interceptors.response.use(
      (response) => {
        metrics.answered('jamf', response.status);
        return response;
      },
      (error: unknown) => {
        if (error instanceof AxiosError && !error.response) {
          const failure = classifyTransportError(error, `${settings.tenantUrl}${error.config?.url ?? ''}`, limits);
          metrics.answered('jamf', failure?.problem ?? 'network');
          throw failure ?? error;
        }
        if (error instanceof AxiosError && error.response) metrics.answered('jamf', error.response.status);
        throw error;
      },
    );
  }

  /**
   * Keeps what Set-Cookie asks for, within RFC 6265's minimums (50 cookies, 4,096 bytes each): every
   * request sends them all back, so a server that sets new ones on every page would otherwise grow
   * each request of the run. Cookies already kept (the sticky session's, set with the token) stay.
   */
  private keepCookies(setCookie: unknown): void {
    const lines = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? setCookie.split(/,(?=\s*[^;,=\s]+=)/) : [];
    for (const line of lines) {
      const [pair] = String(line).split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0 || pair!.length > MAX_COOKIE_BYTES) continue;
      const name = pair!.slice(0, eq).trim();
      if (this.cookies.has(name) || this.cookies.size < MAX_COOKIES) this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size > 0 ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private async requestToken(): Promise<Token> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.settings.clientId, client_secret: this.settings.clientSecret ?? '' });
    const paths = this.tokenPath ? [this.tokenPath] : TOKEN_PATHS;
    for (const path of paths) {
      try {
        const response = await this.http.post(path, form.toString(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...this.cookieHeader() } });
        this.keepCookies(response.headers['set-cookie']);
        this.tokenPath = path;
        const { access_token: value, expires_in: expiresIn } = (response.data ?? {}) as { access_token?: unknown; expires_in?: unknown };
        if (typeof value !== 'string' || value.trim() === '') throw new NotAJamfToken(this.settings.tenantUrl, path);
        if (!isBearerToken(value)) throw new NotAJamfToken(this.settings.tenantUrl, path, 'with an access_token that is not a bearer token');
        const lifetimeMs = Math.min(Math.max(1, Number(expiresIn) || 60), 86_400) * 1000;
        return { value, renewAt: Date.now() + Math.min(lifetimeMs * 0.8, lifetimeMs - 5_000) };
      } catch (error) {
        // Servers older than the versioned path answer 404 there: fall back to the unversioned one.
        if (error instanceof AxiosError && error.response?.status === 404) continue;
        throw error;
      }
    }
    throw new NoJamfApiHere(this.settings.tenantUrl);
  }

  /** The current bearer, renewed when due; concurrent callers share one renewal. */
  async bearer(force = false): Promise<string> {
    if (!force && this.token && Date.now() < this.token.renewAt) return this.token.value;
    if (force) this.token = null;
    this.renewal ??= this.requestToken().finally(() => (this.renewal = null));
    this.token = await this.renewal;
    return this.token.value;
  }

  /** GET with the bearer; 429 and 5xx retried with back-off, a 401 renews the token once and retries. */
  async get<T>(path: string): Promise<T> {
    let renewed = false;
    const verdict = (error: unknown): RetryVerdict => {
      if (!(error instanceof AxiosError) || !error.response) return { retry: false };
      const { status, headers } = error.response;
      if (status === 401 && !renewed) {
        renewed = true;
        this.token = null;
        return { retry: true, retryAfterMs: 0, reason: 'Jamf Pro answered 401' };
      }
      if (status === 429) this.metrics.throttled('jamf');
      if (RETRYABLE.has(status)) return { retry: true, retryAfterMs: parseRetryAfter(headers['retry-after'] as string | undefined), reason: `Jamf Pro answered ${status}` };
      return { retry: false };
    };
    return withRetries(async () => {
      const token = await this.bearer();
      const response = await this.http.get<T>(path, { headers: { Authorization: `Bearer ${token}`, ...this.cookieHeader() } });
      this.keepCookies(response.headers['set-cookie']);
      return response.data;
    }, verdict, this.retry, (ms) => this.metrics.backedOff('jamf', ms / 1000));
  }
}
