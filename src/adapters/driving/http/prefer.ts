/** The longest a caller may hold a request open for a run to finish. */
export const MAX_WAIT_SECONDS = 3600;

/**
 * The seconds asked for with `Prefer: wait=N` (RFC 7240), capped; null when not asked. Preferences
 * the server does not know, or a malformed wait, are ignored, as the RFC says.
 */
export function preferredWait(header: string | undefined): number | null {
  if (!header) return null;
  for (const preference of header.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d{1,9})"?\s*(?:;.*)?$/i.exec(preference);
    if (match) return Math.min(Number(match[1]), MAX_WAIT_SECONDS);
  }
  return null;
}
