import { formatAssetTag, validateConvention } from '../../domain/hardware/asset-tag.js';
import type { RegisterHardware } from '../../domain/hardware/commands.js';
import { decide } from '../../domain/hardware/decide.js';
import { hardwareById } from '../queries/hardware-by-id.js';
import type { DetailsEdit } from '../../domain/hardware/hand-maintained.js';
import { HardwareRepository } from '../hardware-repository.js';
import type { AssetTagSequence } from '../ports/asset-tag-sequence.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Projections } from '../ports/projections.js';
import type { HardwareRecord, HardwareRegisterQueries } from '../ports/read-models.js';
import type { WorkspaceSettings } from '../ports/workspace-settings.js';
import { readSerial, TYPED_SERIAL } from '../../domain/hardware/serial-number.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { HardwareEvent } from '../../domain/hardware/events.js';
import type { Hardware } from '../../domain/hardware/state.js';
import { StreamConflict } from '../ports/errors.js';

export interface HandEditDeps {
  store: EventStore;
  register: HardwareRegisterQueries;
  tags: AssetTagSequence;
  ids: IdGenerator;
  clock: Clock;
  settings: WorkspaceSettings;
  projections: Projections;
}

/**
 * How often a hand change is decided again when its record moved on between the read and the write
 * (another person's change, an import). Each such conflict means another write went through.
 */
const ATTEMPTS = 10;

/** A record that kept changing under one hand change, attempt after attempt. */
export class HardwareChangedMeanwhile extends DomainError {
  constructor(serial: string) {
    super('hardware-changed-meanwhile', `Hardware ${serial} kept changing while this change was saved (${ATTEMPTS} attempts); nothing was saved.`, undefined, 'Read the record again, then send the change again.');
  }
}

/** An edit made on a state of the record that is no longer its latest (HTTP's If-Match). */
export class HardwareChangedSinceRead extends DomainError {
  constructor(serial: string) {
    super(
      'hardware-changed-since-read',
      `Hardware ${serial} changed since it was read; nothing was saved.`,
      'If-Match',
      'Read the record again (its answer carries the new ETag), check the change still holds, then send it with that ETag in If-Match.',
    );
  }
}

export type RegisterHardwareInput = Omit<RegisterHardware['data'], 'hardwareId' | 'assetTag' | 'registeredBy'>;

/** The changes people make by hand: the fields an import must then leave alone. */
export class HandEdits {
  private readonly hardware: HardwareRepository;

  constructor(private readonly deps: HandEditDeps) {
    this.hardware = new HardwareRepository(deps.store);
  }

  async register(input: RegisterHardwareInput, by: string): Promise<HardwareRecord> {
    const reading = readSerial(input.serial, TYPED_SERIAL);
    if (reading.kind !== 'serial') {
      throw new DomainError('serial-required', 'serial is missing or a placeholder.', TYPED_SERIAL.field, TYPED_SERIAL.fix);
    }
    let assetTag: string | null = null;
    const now = this.deps.clock.now().toISOString();
    const hardwareId = this.deps.ids.newId();
    await this.decideAndSave(reading.serial, by, async (state) => {
      // A serial already held is refused by the decider, and no tag is reserved for it. A tag reserved
      // for a serial someone else registered first, between the read and the write, stays unused.
      assetTag ??= state.exists ? '' : formatAssetTag(validateConvention(await this.deps.settings.assetTagConvention()), await this.deps.tags.reserve(1));
      return decide({ type: 'RegisterHardware', data: { ...input, serial: reading.serial, hardwareId, assetTag, registeredBy: by }, metadata: { now } }, state);
    });
    await this.deps.projections.catchUp();
    return (await this.deps.register.bySerial(reading.serial))!;
  }

  /**
   * `readAt`: the revision the person saw. Given, the edit is made on that revision or not at all;
   * without it, on whatever the record holds when it is written.
   */
  async edit(hardwareId: string, changes: DetailsEdit, by: string, readAt?: number): Promise<HardwareRecord> {
    const record = await hardwareById(this.deps.register, hardwareId);
    const now = this.deps.clock.now().toISOString();
    await this.decideAndSave(record.serial, by, async (state) => decide({ type: 'EditDetails', data: { changes, editedBy: by }, metadata: { now } }, state), readAt);
    await this.deps.projections.catchUp();
    return (await this.deps.register.byId(hardwareId))!;
  }

  /**
   * Decides on the record as its stream holds it and appends with that revision. When another write
   * came first, the change is decided again on the newer record: a person's change names only the
   * fields they changed, so the outcome is that of the two requests one after the other. With
   * `readAt`, the change is made on that revision only: a record read past it refuses the change.
   */
  private async decideAndSave(serial: string, by: string, decideOn: (state: Hardware) => Promise<HardwareEvent[]>, readAt?: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const loaded = await this.hardware.load(serial);
      if (readAt !== undefined && loaded.expectedRevision !== readAt) throw new HardwareChangedSinceRead(serial);
      try {
        await this.hardware.save(loaded, await decideOn(loaded.state), { by });
        return;
      } catch (error) {
        if (!(error instanceof StreamConflict)) throw error;
        if (attempt === ATTEMPTS) throw new HardwareChangedMeanwhile(serial);
      }
    }
  }
}
