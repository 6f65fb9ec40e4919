import { formatAssetTag, validateConvention } from '../../domain/hardware/asset-tag.js';
import type { RegisterHardware } from '../../domain/hardware/commands.js';
import { decide } from '../../domain/hardware/decide.js';
import { HardwareNotFound } from '../../domain/hardware/errors.js';
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

export interface HandEditDeps {
  store: EventStore;
  register: HardwareRegisterQueries;
  tags: AssetTagSequence;
  ids: IdGenerator;
  clock: Clock;
  settings: WorkspaceSettings;
  projections: Projections;
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
    const loaded = await this.hardware.load(reading.serial);
    const assetTag = loaded.state.exists ? '' : formatAssetTag(validateConvention(await this.deps.settings.assetTagConvention()), await this.deps.tags.reserve(1));
    const events = decide(
      { type: 'RegisterHardware', data: { ...input, serial: reading.serial, hardwareId: this.deps.ids.newId(), assetTag, registeredBy: by }, metadata: { now: this.deps.clock.now().toISOString() } },
      loaded.state,
    );
    await this.hardware.save(loaded, events, { by });
    await this.deps.projections.catchUp();
    return (await this.deps.register.bySerial(reading.serial))!;
  }

  async edit(hardwareId: string, changes: DetailsEdit, by: string): Promise<HardwareRecord> {
    const record = await this.deps.register.byId(hardwareId);
    if (!record) throw new HardwareNotFound(`with id ${hardwareId}`);
    const loaded = await this.hardware.load(record.serial);
    const events = decide({ type: 'EditDetails', data: { changes, editedBy: by }, metadata: { now: this.deps.clock.now().toISOString() } }, loaded.state);
    await this.hardware.save(loaded, events, { by });
    await this.deps.projections.catchUp();
    return (await this.deps.register.byId(hardwareId))!;
  }
}
