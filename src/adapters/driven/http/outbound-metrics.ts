/** The MDM product a call went to. */
export type Product = 'entra' | 'graph' | 'jamf';

/** What operators count about the calls to the MDMs: answers by status, throttling, and time spent backing off. */
export interface OutboundMetrics {
  /** An HTTP status, or the transport problem when no answer came (timeout, tls, network, too-large). */
  answered(product: Product, status: number | string): void;
  throttled(product: Product): void;
  backedOff(product: Product, seconds: number): void;
}

export const NO_OUTBOUND_METRICS: OutboundMetrics = { answered: () => undefined, throttled: () => undefined, backedOff: () => undefined };
