/**
 * RFC 6750's b64token: what a bearer token is made of. A token answer is untrusted input: anything
 * else (a line break, a header after it) would go into every request's Authorization header, and a
 * client that refuses such a header names it, token and all, in its error.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Far above any real token (Entra ID's and Jamf's are a few KB at most). */
export const MAX_BEARER_CHARS = 16_384;

export function isBearerToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_BEARER_CHARS && B64TOKEN.test(value);
}
