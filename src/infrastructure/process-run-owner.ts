import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunOwner } from '../application/ports/run-owner.js';

/**
 * This process as a run owner: host/pid/instance. Another run's process is known to be gone only on
 * this host: the same pid under another instance (this process replaced it, as after a container
 * restart), or a pid with no process. Anything else waits for the lease to lapse.
 */
export function processRunOwner(): RunOwner {
  const host = hostname();
  const instance = randomUUID();
  return {
    id: `${host}/${process.pid}/${instance}`,
    isGone(owner) {
      const match = owner ? /^(.*)\/(\d+)\/([0-9a-f-]+)$/.exec(owner) : null;
      if (!match || match[1] !== host) return false;
      const pid = Number(match[2]);
      if (match[3] === instance) return false;
      if (pid === process.pid) return true;
      try {
        process.kill(pid, 0);
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ESRCH';
      }
    },
  };
}
