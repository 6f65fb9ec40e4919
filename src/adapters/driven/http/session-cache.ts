import { createHash } from 'node:crypto';

/**
 * Keeps the session for the settings last used, so repeated short calls (Look up by serial) reuse its
 * token and metadata instead of asking for them each time. Other settings replace it: one entry, and
 * the secret only as part of a hash in the key.
 */
export class SessionCache<Settings extends { clientSecret: string | null }, Session> {
  private current: { key: string; session: Promise<Session> } | null = null;

  constructor(private readonly open: (settings: Settings) => Promise<Session> | Session) {}

  get(settings: Settings): Promise<Session> {
    const key = createHash('sha256').update(JSON.stringify({ ...settings, enabled: undefined })).digest('hex');
    if (this.current?.key !== key) {
      const session = Promise.resolve(this.open(settings));
      session.catch(() => {
        if (this.current?.key === key) this.current = null;
      });
      this.current = { key, session };
    }
    return this.current.session;
  }
}
