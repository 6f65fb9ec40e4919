import { evolve } from '../domain/hardware/evolve.js';
import type { HardwareEvent } from '../domain/hardware/events.js';
import { initialState, type Hardware } from '../domain/hardware/state.js';
import type { EventData, EventStore, ExpectedRevision, StreamEvent } from './ports/event-store.js';
import type { StreamSnapshot, StreamSnapshots } from './ports/stream-snapshots.js';
import { hardwareStream } from './streams.js';

export interface LoadedHardware {
  serial: string;
  state: Hardware;
  expectedRevision: ExpectedRevision;
}

/**
 * The version of the fold that snapshots are taken under. Raise it with any change to how events fold
 * into state (`evolve`, the state's shape): snapshots of an older fold are then no longer read, and the
 * streams are folded from their start again. A test holds the fold's source to this number.
 */
export const HARDWARE_SNAPSHOT_VERSION = 1;
/**
 * A stream read this many events past its snapshot (or from its start) is given a new snapshot: a device
 * left unchanged then costs its snapshot and at most one event per run, and a device that changes at
 * every run is written a snapshot at every other run.
 */
export const EVENTS_BETWEEN_SNAPSHOTS = 2;

function fold(serial: string, events: readonly StreamEvent[], snapshot?: StreamSnapshot): LoadedHardware {
  let state = snapshot ? (snapshot.state as Hardware) : initialState();
  for (const event of events) state = evolve(state, event as HardwareEvent);
  const last = events.at(-1);
  return { serial, state, expectedRevision: last ? last.revision : snapshot ? snapshot.revision : 'no_stream' };
}

/** A hardware stream's new events as an import run appends them: tagged with the run, one metadata object for all. */
export function taggedWithRun(events: readonly HardwareEvent[], metadata: { importRunId: string }): EventData[] {
  return events.map((e) => ({ type: e.type, data: e.data, metadata }));
}

/**
 * Hardware state is its stream's events folded. Where snapshots are kept, a long stream is folded from
 * its last snapshot: a device's history grows with every change its MDM reports, and without them
 * every run would read all of it again.
 */
export class HardwareRepository {
  constructor(
    private readonly store: EventStore,
    private readonly snapshots: StreamSnapshots | null = null,
  ) {}

  async load(serial: string): Promise<LoadedHardware> {
    return fold(serial, await this.store.readStream(hardwareStream(serial)));
  }

  /**
   * `mayExist`: the serials whose streams are read; the others are taken to have none (see KnownHardware).
   * `keepSnapshots`: false for a preview, which writes nothing.
   */
  async loadMany(serials: readonly string[], mayExist?: ReadonlySet<string>, { keepSnapshots = true } = {}): Promise<Map<string, LoadedHardware>> {
    const read = (mayExist ? serials.filter((serial) => mayExist.has(serial)) : serials).map(hardwareStream);
    const snapshots = this.snapshots && read.length > 0 ? await this.snapshots.load(read, HARDWARE_SNAPSHOT_VERSION) : new Map<string, StreamSnapshot>();
    const after = new Map<string, number>();
    for (const [stream, { revision }] of snapshots) after.set(stream, revision);
    const streams = read.length > 0 ? await this.store.readStreams(read, after) : new Map<string, StreamEvent[]>();
    await this.dropUnbacked(snapshots, streams, keepSnapshots);
    const loaded = new Map<string, LoadedHardware>();
    const due: StreamSnapshot[] = [];
    for (const serial of serials) {
      const stream = hardwareStream(serial);
      const events = streams.get(stream) ?? [];
      const hardware = fold(serial, events, snapshots.get(stream));
      loaded.set(serial, hardware);
      if (events.length >= EVENTS_BETWEEN_SNAPSHOTS && typeof hardware.expectedRevision === 'number') {
        due.push({ stream, revision: hardware.expectedRevision, state: hardware.state });
      }
    }
    if (this.snapshots && keepSnapshots && due.length > 0) await this.snapshots.save(due, HARDWARE_SNAPSHOT_VERSION);
    return loaded;
  }

  /**
   * A snapshot beyond the end of its stream is of a history the store no longer holds (an event store
   * restored from an older backup): those devices are read from the start, and their snapshots dropped.
   */
  private async dropUnbacked(snapshots: Map<string, StreamSnapshot>, streams: Map<string, StreamEvent[]>, keepSnapshots: boolean): Promise<void> {
    const unbacked = [...snapshots.keys()].filter((stream) => !streams.has(stream));
    if (unbacked.length === 0) return;
    for (const stream of unbacked) snapshots.delete(stream);
    for (const [stream, events] of await this.store.readStreams(unbacked)) streams.set(stream, events);
    if (keepSnapshots) await this.snapshots!.forget(unbacked);
  }

  async save(loaded: LoadedHardware, events: HardwareEvent[], metadata: Record<string, unknown> = {}): Promise<void> {
    if (events.length === 0) return;
    await this.store.append(hardwareStream(loaded.serial), events.map((e) => ({ ...e, metadata })), loaded.expectedRevision);
  }
}
