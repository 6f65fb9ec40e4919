import { UnknownCommand } from '../shared/domain-error.js';
import { reported, reportedTime } from '../shared/text.js';
import { inferCategory } from './category.js';
import { lastListed } from './listing.js';
import type { EditDetails, HardwareCommand, ImportDevice, MarkMissingFromMdm, RegisterHardware } from './commands.js';
import { byLatestCheckIn, checkInInstant } from './check-in.js';
import { deriveName } from './device-name.js';
import { HardwareNotFound, NotAnImportableDevice, SerialAlreadyRegistered, SupersededEntry } from './errors.js';
import type { HardwareEvent, SourceLink } from './events.js';
import { refuseControlCharacters, validateDetailsEdit, type DetailsEdit, type Status } from './hand-maintained.js';
import { typedIdentity } from './typed-identity.js';
import { emptyFieldFills, identityChanges, identityOf, type Identity } from './identity.js';
import { DEFAULT_PRECEDENCE, platformOf, type SourcePrecedence } from './source-precedence.js';
import { sourceDisplayName } from './mdm-source.js';
import { refuseStatusAgainstHolder } from './status-and-holder.js';
import { screenDevice } from './screening.js';
import type { ExistingHardware, Hardware } from './state.js';

export function decide(command: HardwareCommand, state: Hardware): HardwareEvent[] {
  switch (command.type) {
    case 'ImportDevice':
      return state.exists ? updateFromMdm(command, state) : importNew(command);
    case 'RegisterHardware':
      return register(command, state);
    case 'EditDetails':
      return editDetails(command, state);
    case 'MarkMissingFromMdm':
      return markMissing(command, state);
    default: {
      const unknown: never = command;
      throw new UnknownCommand(unknown);
    }
  }
}

function serialOf({ data: { device } }: ImportDevice): string {
  const screened = screenDevice(device);
  if (screened.kind !== 'importable') throw new NotAnImportableDevice(screened.detail);
  return screened.serial;
}

function linkOf({ data: { device } }: ImportDevice): SourceLink {
  return { source: device.source, sourceDeviceId: device.sourceDeviceId, lastSyncedAt: reportedTime(device.lastSyncedAt) };
}

function importNew(command: ImportDevice): HardwareEvent[] {
  const { device, assignee, newHardware, runId } = command.data;
  const serial = serialOf(command);
  if (!newHardware) throw new Error(`ImportDevice for new serial ${serial} needs a hardware id and asset tag.`);
  const identity = identityOf(device);
  const now = command.metadata.now;
  return [
    {
      type: 'HardwareImported',
      data: {
        hardwareId: newHardware.hardwareId,
        serial,
        assetTag: newHardware.assetTag,
        ...identity,
        ...linkOf(command),
        name: deriveName({
          model: identity.model,
          manufacturer: identity.manufacturer,
          serial,
          assigneeName: assignee?.name ?? null,
          mdmDeviceName: reported(device.deviceName),
        }),
        category: inferCategory(identity.model, identity.operatingSystem),
        status: assignee ? 'assigned' : 'available',
        condition: 'good',
        assignee,
        acknowledgement: assignee ? { note: `Imported from MDM (${sourceDisplayName(device.source)})`, at: now } : null,
        specifications: device.specifications,
        importRunId: runId,
        importedAt: now,
      },
    },
  ];
}

/** Newest check-in wins between two records of one source that share a serial; ties go to the larger id. */
function isSuperseded(link: SourceLink, state: ExistingHardware): boolean {
  const kept = state.mdmRecords[link.source];
  // An entry the source no longer lists loses to any entry it does list.
  if (!kept || kept.sourceDeviceId === link.sourceDeviceId || kept.missingSince !== null) return false;
  return byLatestCheckIn(kept, link) < 0;
}

function updateFromMdm(command: ImportDevice, state: ExistingHardware): HardwareEvent[] {
  const link = linkOf(command);
  serialOf(command);
  if (isSuperseded(link, state)) {
    const kept = state.mdmRecords[link.source]!;
    throw new SupersededEntry(state.serial, kept.sourceDeviceId, kept.lastSyncedAt);
  }
  const { runId, assignee } = command.data;
  const now = command.metadata.now;
  const reportedNow = identityOf(command.data.device);
  const owns = ownsIdentity(state, link, reportedNow, command.data.precedence ?? DEFAULT_PRECEDENCE);
  const changes = owns ? identityChanges(state.identity, reportedNow) : emptyFieldFills(state.identity, reportedNow);
  const base = { hardwareId: state.hardwareId, serial: state.serial, importRunId: runId, ...link };
  const events: HardwareEvent[] = [];
  const missing = state.mdmRecords[link.source]?.missingSince;
  if (missing) {
    events.push({
      type: 'HardwareSeenAgainInMdm',
      data: { hardwareId: state.hardwareId, serial: state.serial, source: link.source, sourceDeviceId: link.sourceDeviceId, missingSince: missing, importRunId: runId, seenAt: now },
    });
  }
  if (Object.keys(changes).length > 0) {
    events.push({ type: 'HardwareIdentityUpdated', data: { ...base, changes, scope: owns ? 'all' : 'empty-fields', updatedAt: now } });
  } else if (state.mdmRecords[link.source]?.sourceDeviceId !== link.sourceDeviceId) {
    events.push({ type: 'HardwareSourceLinked', data: { ...base, linkedAt: now } });
  }
  if (assignee && completesAssignment(state)) {
    events.push({
      type: 'HardwareAssigned',
      data: {
        hardwareId: state.hardwareId,
        serial: state.serial,
        source: link.source,
        assignee,
        acknowledgement: { note: `Imported from MDM (${sourceDisplayName(link.source)})`, at: now },
        importRunId: runId,
        assignedAt: now,
      },
    });
  }
  return events;
}

/** A preferred source that has not heard from the device for this long gives way to one that has. */
export const OWNER_SILENT_DAYS = 30;

/**
 * One device in two MDMs (a Mac in Jamf and Intune) follows one of them, field by field, so that
 * differently named values (two MDMs' names for one model) do not overwrite each other on every run: the source
 * preferred for its platform, while that source lists the device and hears from it; the other source
 * fills only the fields it leaves empty, and takes over when it stops listing the device or falls
 * silent while the other still hears from it.
 */
function ownsIdentity(state: ExistingHardware, link: SourceLink, reported: Identity, precedence: SourcePrecedence): boolean {
  const preferred = precedence[platformOf(state.identity, reported)];
  if (link.source === preferred) return true;
  const kept = state.mdmRecords[preferred];
  if (!kept || kept.missingSince) return true;
  // No check-in of its own never takes over; one beats a preferred source with none (-∞ − -∞ is NaN: no).
  return checkInInstant(link.lastSyncedAt) - checkInInstant(kept.lastSyncedAt) > OWNER_SILENT_DAYS * 86_400_000;
}

/**
 * Status and assignment are preserved on re-import; the one thing an import adds is the assignment
 * it could not make the first time (nobody assigned the device, nobody chose its status by hand).
 */
function completesAssignment(state: ExistingHardware): boolean {
  return state.assignee === null && state.status === 'available' && !state.statusSetByHand;
}

function markMissing(command: MarkMissingFromMdm, state: Hardware): HardwareEvent[] {
  if (!state.exists) return [];
  const { source, runId, lastCompleteListingAt } = command.data;
  const record = state.mdmRecords[source];
  if (!record || record.missingSince !== null) return [];
  return [
    {
      type: 'HardwareMissingFromMdm',
      data: {
        hardwareId: state.hardwareId,
        serial: state.serial,
        source,
        sourceDeviceId: record.sourceDeviceId,
        lastListedAt: lastListed(record.lastListedAt, lastCompleteListingAt),
        importRunId: runId,
        missingSince: command.metadata.now,
      },
    },
  ];
}

function register(command: RegisterHardware, state: Hardware): HardwareEvent[] {
  if (state.exists) throw new SerialAlreadyRegistered(state.serial, state.assetTag);
  const d = command.data;
  const serial = reported(d.serial)?.toUpperCase();
  if (!serial) throw new NotAnImportableDevice('a serial number is required');
  const hand = validateDetailsEdit({
    name: d.name,
    category: d.category,
    status: d.status ?? 'available',
    condition: d.condition ?? 'good',
    cpu: d.cpu ?? null,
    ram: d.ram ?? null,
    storage: d.storage ?? null,
    purchasePrice: d.purchasePrice ?? null,
    purchaseDate: d.purchaseDate ?? null,
  }, command.metadata.now) as Required<DetailsEdit>;
  refuseControlCharacters(hand);
  refuseStatusAgainstHolder(hand.status, null);
  const identity = typedIdentity(d);
  return [
    {
      type: 'HardwareRegistered',
      data: {
        hardwareId: d.hardwareId,
        serial,
        assetTag: d.assetTag,
        ...hand,
        ...identity,
        registeredBy: d.registeredBy,
        registeredAt: command.metadata.now,
      },
    },
  ];
}

function editDetails(command: EditDetails, state: Hardware): HardwareEvent[] {
  if (!state.exists) throw new HardwareNotFound('with this id');
  const edit = validateDetailsEdit(command.data.changes, command.metadata.now);
  const changes: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(edit)) {
    if (value === undefined) continue;
    const before = state[field as keyof DetailsEdit];
    if (before !== value) {
      changes[field] = value;
      previous[field] = before ?? null;
    }
  }
  if (Object.keys(changes).length === 0) return [];
  refuseControlCharacters(changes);
  if (changes.status !== undefined) refuseStatusAgainstHolder(changes.status as Status, state.assignee);
  return [
    {
      type: 'HardwareDetailsEdited',
      data: {
        hardwareId: state.hardwareId,
        serial: state.serial,
        changes: changes as DetailsEdit,
        previous: previous as DetailsEdit,
        editedBy: command.data.editedBy,
        editedAt: command.metadata.now,
      },
    },
  ];
}
