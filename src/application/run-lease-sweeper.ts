import { MDM_SOURCES } from '../domain/hardware/mdm-source.js';
import { ImportRunRecorder, type LeaseTerms } from './import-run-recorder.js';
import type { Clock } from './ports/clock.js';
import type { EventStore } from './ports/event-store.js';

/**
 * Closes runs whose process died, so a crash never locks a source: at start-up (at once when the dead
 * process was on this host) and then every third of a lease.
 */
export class RunLeaseSweeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly terms: LeaseTerms,
    private readonly onClosed: (source: string, runId: string) => void = () => undefined,
  ) {}

  async sweep(): Promise<void> {
    for (const source of MDM_SOURCES) {
      const closed = await ImportRunRecorder.closeAbandoned(this.store, source, this.terms, this.clock.now().toISOString());
      if (closed) this.onClosed(source, closed);
    }
  }

  async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => this.sweep().catch(() => undefined), Math.max(1000, Math.floor(this.terms.leaseMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
