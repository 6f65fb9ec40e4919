import { auditLogProjection } from '../application/projections/audit-log.projection.js';
import { hardwareRegisterProjection } from '../application/projections/hardware-register.projection.js';
import type { Projection } from '../application/projections/projection.js';
import type { EventStore, Subscription } from '../application/ports/event-store.js';
import { DependencyUnavailable } from '../application/ports/errors.js';
import type { Projections, RebuildReport } from '../application/ports/projections.js';
import type { ProjectionStore, ReadModelSet, ReadModelStore } from '../application/ports/read-models.js';
import { giveTurn } from '../application/event-loop.js';

type Binding = { projection: Projection<unknown>; target: ProjectionStore<unknown> };

function bindings(set: ReadModelSet): Binding[] {
  return [
    { projection: hardwareRegisterProjection as Projection<unknown>, target: set.register as ProjectionStore<unknown> },
    { projection: auditLogProjection as Projection<unknown>, target: set.auditLog as ProjectionStore<unknown> },
  ];
}

const BATCH = 5000;
/** After a catch-up the store refused, the next try waits this long, doubling up to the last. */
const RETRY_MS = [1_000, 60_000] as const;

/**
 * Feeds the event log into the read models. Each projection keeps its own checkpoint, saved with the
 * documents it changed, so a restart resumes where it stopped and a redelivered event changes nothing.
 */
export class ProjectionRunner implements Projections {
  private running: Promise<unknown> = Promise.resolve();
  private waiting: Promise<void> | null = null;
  private subscription: Subscription | null = null;
  /** The position each projection was caught up to by this process, by its store. */
  private positions = new WeakMap<object, number>();
  private retry: { timer: NodeJS.Timeout | null; delayMs: number } = { timer: null, delayMs: RETRY_MS[0] };
  /** Told of each catch-up that failed and when it is tried again, so that a stalled register is seen. */
  private report: (error: unknown, retryInMs: number) => void = () => undefined;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
  ) {}

  /**
   * Catch-ups run one after another, so two never apply the same batch side by side. A call made
   * while one is still waiting to start shares it: that one reads everything recorded before it
   * starts, so a burst of appends costs one catch-up, not one each.
   */
  catchUp(): Promise<void> {
    if (this.waiting) return this.waiting;
    const next = this.running.then(() => {
      this.waiting = null;
      return this.project(this.readModels, 'side by side');
    });
    this.running = next.catch(() => undefined);
    this.waiting = next.then(() => undefined);
    return this.waiting;
  }

  rebuild(): Promise<RebuildReport> {
    const next = this.running.then(async () => {
      const started = Date.now();
      const session = await this.readModels.beginRebuild();
      // The live projections are about to be swapped for rebuilt ones, with checkpoints of their own.
      this.positions = new WeakMap();
      try {
        const events = await this.project(session);
        await session.swap();
        return { events, durationMs: Date.now() - started };
      } catch (error) {
        await session.discard();
        throw error;
      }
    });
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Events appended but not yet in every read model (counted up to `cap`). */
  async lag(cap = 10_000): Promise<number> {
    let behind = 0;
    for (const { projection, target } of bindings(this.readModels)) {
      const page = await this.store.readAll({ after: await target.checkpoint(), maxCount: cap, categories: projection.categories });
      behind = Math.max(behind, page.events.length);
    }
    return behind;
  }

  /**
   * Follows new events as they are appended (by this process or another on the same store). A store
   * that refuses the first catch-up (another process holds its write lock, the disk is full) does not
   * keep the process from starting: what is projected is served, and the catch-up is tried again.
   */
  async start(report?: (error: unknown, retryInMs: number) => void): Promise<void> {
    if (report) this.report = report;
    let failure: unknown = null;
    try {
      await this.catchUp();
    } catch (error) {
      if (!(error instanceof DependencyUnavailable)) throw error;
      failure = error;
    }
    const after = Math.min(...(await Promise.all(bindings(this.readModels).map((b) => b.target.checkpoint()))));
    // The subscription is only a wake-up: it must not wait for each catch-up before reading on. Only
    // the projections' categories wake it: other streams on a shared store are not sent to it.
    const categories = [...new Set(bindings(this.readModels).flatMap((b) => b.projection.categories))];
    this.subscription = await this.store.subscribe({ after, categories }, async () => this.catchUpOrRetry());
    if (failure) this.retryLater(failure);
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
    if (this.retry.timer) clearTimeout(this.retry.timer);
    this.retry.timer = null;
    await this.running;
  }

  /** A failed catch-up is tried again from its checkpoint, without waiting for the next append to wake it. */
  private catchUpOrRetry(): void {
    this.catchUp().then(
      () => (this.retry.delayMs = RETRY_MS[0]),
      (error: unknown) => this.retryLater(error),
    );
  }

  private retryLater(error: unknown): void {
    if (this.retry.timer || !this.subscription) return;
    const delayMs = this.retry.delayMs;
    this.report(error, delayMs);
    this.retry.delayMs = Math.min(delayMs * 2, RETRY_MS[1]);
    this.retry.timer = setTimeout(() => {
      this.retry.timer = null;
      this.catchUpOrRetry();
    }, delayMs);
    this.retry.timer.unref();
  }

  /**
   * Each projection has its own documents and checkpoint, so a catch-up runs them side by side: over
   * a network store their round trips overlap. A rebuild runs them one after the other, so that only
   * one batch of events is held at a time.
   */
  private async project(set: ReadModelSet, order: 'side by side' | 'one by one' = 'one by one'): Promise<number> {
    if (order === 'side by side') return (await Promise.all(bindings(set).map((binding) => this.projectOne(binding)))).reduce((a, b) => a + b, 0);
    let applied = 0;
    for (const binding of bindings(set)) applied += await this.projectOne(binding);
    return applied;
  }

  private async projectOne({ projection, target }: Binding): Promise<number> {
    // Where this process left the projection: re-reading the checkpoint is a round trip per catch-up.
    // Another instance may have gone further; events it applied are then read again, and the
    // projection's guarded writes leave them as they are.
    let after = this.positions.get(target) ?? (await target.checkpoint());
    let applied = 0;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: projection.batchSize ?? BATCH, categories: projection.categories });
      if (page.events.length > 0 || page.lastPosition !== after) {
        const keys = [...new Set(page.events.map((e) => projection.keyOf(e)).filter((k): k is string => k !== null))];
        const docs = keys.length > 0 ? await target.load(keys) : new Map<string, unknown>();
        await giveTurn();
        const changed = new Map<string, unknown>();
        for (const event of page.events) {
          const key = projection.keyOf(event);
          if (key === null) continue;
          const before = docs.get(key);
          const after = projection.apply(before, event);
          if (after !== undefined && after !== before) {
            docs.set(key, after);
            changed.set(key, after);
          }
        }
        // Only other projections' events passed: nothing to write, and the checkpoint may stay behind
        // (reading from it again finds none of this projection's events), which spares a write per page.
        if (page.events.length > 0) await target.commit([...changed.values()], page.lastPosition);
        await giveTurn();
        this.positions.set(target, page.lastPosition);
        applied += page.events.length;
        after = page.lastPosition;
      }
      if (page.isEnd) return applied;
    }
  }
}
