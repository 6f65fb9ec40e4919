import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EndedRun, ImportMetrics } from '../application/ports/import-metrics.js';
import type { OutboundMetrics, Product } from '../adapters/driven/http/outbound-metrics.js';
import type { ExportOutcome, RegisterExportMetrics } from '../adapters/driving/http/register-csv.js';
import type { RunCounts } from '../domain/import-run/outcome.js';

const OUTCOMES: ReadonlyArray<keyof RunCounts> = ['created', 'updated', 'unchanged', 'skipped', 'errors'];

/** /metrics in Prometheus's format: import runs and devices, the MDM calls, how far projections lag, and register exports. */
export class PrometheusMetrics implements ImportMetrics, OutboundMetrics, RegisterExportMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({ name: 'ontrackio_import_runs_total', help: 'Import runs ended, by source and status', labelNames: ['source', 'status'], registers: [this.registry] });
  private readonly devices = new Counter({ name: 'ontrackio_import_devices_total', help: 'Devices processed by import runs, by source and outcome', labelNames: ['source', 'outcome'], registers: [this.registry] });
  private readonly duration = new Histogram({
    name: 'ontrackio_import_run_duration_seconds',
    help: 'How long import runs took, by source and status',
    labelNames: ['source', 'status'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  private readonly requests = new Counter({ name: 'ontrackio_mdm_requests_total', help: 'Calls to Entra ID, Graph and Jamf, by HTTP status or transport failure', labelNames: ['product', 'status'], registers: [this.registry] });
  private readonly throttles = new Counter({ name: 'ontrackio_mdm_throttled_total', help: 'Answers of 429 Too Many Requests from the MDMs', labelNames: ['product'], registers: [this.registry] });
  private readonly backoff = new Counter({ name: 'ontrackio_mdm_backoff_seconds_total', help: 'Seconds spent waiting before retrying an MDM call', labelNames: ['product'], registers: [this.registry] });
  private readonly exports = new Counter({ name: 'ontrackio_register_exports_total', help: 'CSV exports of the register ended, by outcome: complete, cut-off (the client went away) or failed', labelNames: ['outcome'], registers: [this.registry] });

  constructor(
    projectionLag: () => Promise<number>,
    /** Each source's last complete listing (ISO time), or null when none has been read whole. */
    lastCompleteListings: () => Promise<Record<string, string | null>>,
  ) {
    new Gauge({
      name: 'ontrackio_projection_lag_events',
      help: 'Events recorded but not yet in the register or audit log (counted up to 10,000)',
      registers: [this.registry],
      async collect() {
        this.set(await projectionLag().catch(() => -1));
      },
    });
    new Gauge({
      name: 'ontrackio_register_last_complete_listing_timestamp_seconds',
      help: 'When the newest import run that read a source\'s whole listing started (Unix time): what the register is in step with. Absent for a source never read whole',
      labelNames: ['source'],
      registers: [this.registry],
      async collect() {
        // A store that does not answer keeps the last values: the readiness probe says the store is down.
        const listings = await lastCompleteListings().catch(() => null);
        if (!listings) return;
        this.reset();
        for (const [source, at] of Object.entries(listings)) if (at) this.set({ source }, Date.parse(at) / 1000);
      },
    });
  }

  /** Process metrics too (CPU, memory, event loop): for the server process, once. */
  withProcessMetrics(): this {
    collectDefaultMetrics({ register: this.registry });
    return this;
  }

  runEnded({ source, status, durationMs, counts }: EndedRun): void {
    this.runs.inc({ source, status });
    this.duration.observe({ source, status }, durationMs / 1000);
    for (const outcome of OUTCOMES) if (counts[outcome] > 0) this.devices.inc({ source, outcome }, counts[outcome]);
  }

  answered(product: Product, status: number | string): void {
    this.requests.inc({ product, status: String(status) });
  }

  throttled(product: Product): void {
    this.throttles.inc({ product });
  }

  backedOff(product: Product, seconds: number): void {
    this.backoff.inc({ product }, seconds);
  }

  exportEnded(outcome: ExportOutcome): void {
    this.exports.inc({ outcome });
  }
}
