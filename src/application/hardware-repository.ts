import { evolve } from '../domain/hardware/evolve.js';
import type { HardwareEvent } from '../domain/hardware/events.js';
import { initialState, type Hardware } from '../domain/hardware/state.js';
import type { EventData, EventStore, ExpectedRevision, StreamEvent } from './ports/event-store.js';
import { hardwareStream } from './streams.js';

export interface LoadedHardware {
  serial: string;
  state: Hardware;
  expectedRevision: ExpectedRevision;
}

function fold(serial: string, events: readonly StreamEvent[]): LoadedHardware {
  let state = initialState();
  for (const event of events) state = evolve(state, event as HardwareEvent);
  const last = events.at(-1);
  return { serial, state, expectedRevision: last ? last.revision : 'no_stream' };
}

/** A hardware stream's new events as an import run appends them: tagged with the run, one metadata object for all. */
export function taggedWithRun(events: readonly HardwareEvent[], metadata: { importRunId: string }): EventData[] {
  return events.map((e) => ({ type: e.type, data: e.data, metadata }));
}

/** Hardware state is its stream's events folded; nothing else is stored for decisions. */
export class HardwareRepository {
  constructor(private readonly store: EventStore) {}

  async load(serial: string): Promise<LoadedHardware> {
    return fold(serial, await this.store.readStream(hardwareStream(serial)));
  }

  /** `mayExist`: the serials whose streams are read; the others are taken to have none (see KnownHardware). */
  async loadMany(serials: readonly string[], mayExist?: ReadonlySet<string>): Promise<Map<string, LoadedHardware>> {
    const read = mayExist ? serials.filter((serial) => mayExist.has(serial)) : serials;
    const streams = read.length > 0 ? await this.store.readStreams(read.map(hardwareStream)) : new Map<string, StreamEvent[]>();
    const loaded = new Map<string, LoadedHardware>();
    for (const serial of serials) loaded.set(serial, fold(serial, streams.get(hardwareStream(serial)) ?? []));
    return loaded;
  }

  async save(loaded: LoadedHardware, events: HardwareEvent[], metadata: Record<string, unknown> = {}): Promise<void> {
    if (events.length === 0) return;
    await this.store.append(hardwareStream(loaded.serial), events.map((e) => ({ ...e, metadata })), loaded.expectedRevision);
  }
}
