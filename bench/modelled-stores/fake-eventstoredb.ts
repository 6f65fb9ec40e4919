import { Readable } from 'node:stream';
import { MaxAppendSizeExceededError, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { ProductionClients } from '../../src/infrastructure/production-stores.js';
import type { RoundTripMeter } from './round-trips.js';

interface StoredEvent {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  created: Date;
  position: { commit: bigint; prepare: bigint };
}

interface Proposed { id?: string; type: string; data: unknown; metadata?: unknown }

/** EventStoreDB's default MaxAppendSize: the most bytes of data and metadata one write may carry. */
const DEFAULT_MAX_APPEND_BYTES = 1_048_576;

function bytesOf(events: readonly Proposed[]): number {
  return events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata ?? {})), 0);
}

/**
 * EventStoreDB's client as the adapter calls it, over an in-memory log: every read and every append
 * is one counted round trip (a read's events then stream back over the same call).
 */
export function fakeEventStoreDb(meter: RoundTripMeter, server: { maxAppendBytes?: number } = {}): ProductionClients['esdb'] {
  const maxAppendBytes = server.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
  const log: StoredEvent[] = [];
  const subscribers = new Set<() => void>();
  const streams = new Map<string, StoredEvent[]>();

  /** The log is in position order: the index of the first event at or after a position. */
  function firstAtOrAfter(position: bigint): number {
    let low = 0;
    let high = log.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (log[mid]!.position.commit < position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  async function* streamed(events: () => StoredEvent[]) {
    for (const event of await meter.trip('readAll', events)) {
      meter.sent(event);
      yield { event, commitPosition: event.position.commit };
    }
  }

  const client = {
    readStream(name: string, options: { direction?: string; fromRevision?: bigint | string; maxCount?: number | bigint } = {}) {
      return (async function* () {
        const first = await meter.trip('readStream', () => streams.get(name));
        if (!first) throw new StreamNotFoundError(undefined as never, name);
        let events = options.direction === 'backwards' ? [...first].reverse() : first;
        if (typeof options.fromRevision === 'bigint') {
          const from = options.fromRevision;
          events = events.filter((e) => (options.direction === 'backwards' ? e.revision <= from : e.revision >= from));
        }
        if (options.maxCount !== undefined) events = events.slice(0, Number(options.maxCount));
        for (const event of events) {
          meter.sent(event);
          yield { event, commitPosition: event.position.commit };
        }
      })();
    },

    async appendToStream(name: string, proposed: Proposed | Proposed[], options: { expectedRevision: bigint | string }) {
      return meter.trip('appendToStream', () => {
        const stream = streams.get(name) ?? [];
        const current = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
        const expected = options.expectedRevision;
        const fits = expected === 'any' || (expected === 'no_stream' ? current === 'no_stream' : current === expected);
        if (!fits) throw new WrongExpectedVersionError(undefined, { streamName: name, current, expected } as never);
        const events = Array.isArray(proposed) ? proposed : [proposed];
        // The server refuses the whole write, whatever its expected revision.
        if (bytesOf(events) > maxAppendBytes) throw new MaxAppendSizeExceededError(undefined, maxAppendBytes);
        let position = { commit: 0n, prepare: 0n };
        for (const event of events) {
          const at = BigInt(log.length + 1) * 100n;
          position = { commit: at, prepare: at };
          const stored: StoredEvent = {
            id: event.id ?? crypto.randomUUID(), streamId: name, revision: BigInt(stream.length), type: event.type,
            data: event.data, metadata: event.metadata ?? {}, created: new Date(), position,
          };
          stream.push(stored);
          log.push(stored);
        }
        streams.set(name, stream);
        for (const notify of subscribers) queueMicrotask(notify);
        return { success: true, nextExpectedRevision: BigInt(stream.length - 1), position };
      });
    },

    readAll(options: { fromPosition?: { commit: bigint } | string; maxCount?: number | bigint; direction?: string } = {}) {
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      if (options.direction === 'backwards') return streamed(() => log.slice(-max).reverse());
      const from = typeof options.fromPosition === 'object' ? options.fromPosition.commit : -1n;
      return streamed(() => {
        const low = firstAtOrAfter(from);
        return log.slice(low, low + max);
      });
    },

    /**
     * As the server and client do: the stored events after the position that pass the filter, then
     * the filter's checkpoint at the end of the log and "caughtUp", then each new event. The events
     * wait in the client's buffer (a Readable in object mode) until read. One round trip to open it.
     */
    subscribeToAll(options: { fromPosition?: { commit: bigint } | string; filter?: { prefixes?: string[]; checkpointReached?: (s: unknown, p: { commit: bigint; prepare: bigint }) => unknown } } = {}) {
      const from = typeof options.fromPosition === 'object' ? options.fromPosition.commit : -1n;
      const wanted = (event: StoredEvent) => !options.filter?.prefixes || options.filter.prefixes.some((p) => event.streamId.startsWith(p));
      let at = 0;
      let closed = false;
      let opened = false;
      let caughtUp = false;
      // Sent as the reader takes them: the client's buffer holds 16 events, and the server waits on it.
      const subscription = Object.assign(new Readable({ objectMode: true, read: () => opened && deliver() }), {
        unsubscribe: async () => {
          if (closed) return;
          closed = true;
          subscribers.delete(deliver);
          subscription.push(null);
        },
      });
      const deliver = () => {
        while (!closed && at < log.length) {
          const event = log[at++]!;
          if (!wanted(event)) continue;
          meter.sent(event);
          if (!subscription.push({ event, commitPosition: event.position.commit })) return;
        }
        if (closed || caughtUp) return;
        caughtUp = true;
        const last = log.at(-1)?.position;
        if (last && options.filter) void options.filter.checkpointReached?.(subscription, last);
        subscription.emit('caughtUp');
        subscribers.add(deliver);
      };
      void meter.trip('subscribeToAll', () => (at = firstAtOrAfter(from + 1n))).then(() => {
        opened = true;
        deliver();
      });
      return subscription;
    },

    async dispose() {},
  };
  return client as unknown as ProductionClients['esdb'];
}
