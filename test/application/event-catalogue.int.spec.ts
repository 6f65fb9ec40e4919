import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { HardwareEvent, HardwareImported } from '../../src/domain/hardware/events.js';
import { HARDWARE_EVENT_TYPES } from '../../src/domain/hardware/events.js';
import type { HandMaintained } from '../../src/domain/hardware/hand-maintained.js';
import type { IdentityChanges, IdentityField } from '../../src/domain/hardware/identity.js';
import type { ImportRunEvent } from '../../src/domain/import-run/events.js';
import { IMPORT_RUN_EVENT_TYPES } from '../../src/domain/import-run/events.js';
import type { DeviceOutcome, MissingDevice, RunCounts } from '../../src/domain/import-run/outcome.js';
import type { ImportPreviewed } from '../../src/domain/import-run/preview.js';
import { hardwareStream, importRunsStream, previewsStream } from '../../src/application/streams.js';
import { EmbeddedApp } from '../support/embedded-app.js';
import { macbook } from '../support/mothers.js';

/**
 * docs/events.md is what auditors and operators read the event streams by, so it must name every
 * field each event carries, no more, and say which ones may be absent. The field lists below are
 * checked against the event types when this file compiles (a field added to an event without being
 * listed here fails `tsc`), and against the page when it runs.
 */
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T] & string;
type OptionalKeys<T> = Exclude<keyof T & string, RequiredKeys<T>>;
type Unlisted<T, R extends readonly string[], O extends readonly string[]> = Exclude<RequiredKeys<T>, R[number]> | Exclude<OptionalKeys<T>, O[number]>;
interface Fields {
  required: string[];
  optional: string[];
}

/**
 * Every field of T, split into those always present and those that may be absent. With a field left
 * out, the result is `{ notListed: <the field> }`, which is not `Fields`: tsc names it.
 */
function fieldsOf<T>() {
  return <const R extends readonly RequiredKeys<T>[], const O extends readonly OptionalKeys<T>[]>(required: R, optional: O) =>
    ({ required: [...required], optional: [...optional] }) as unknown as [Unlisted<T, R, O>] extends [never] ? Fields : { notListed: Unlisted<T, R, O> };
}

type DataOf<E extends { type: string; data: unknown }, K extends E['type']> = Extract<E, { type: K }>['data'];
type AnyEvent = HardwareEvent | ImportRunEvent | ImportPreviewed;
const ofEvent = <K extends AnyEvent['type']>() => fieldsOf<DataOf<AnyEvent, K>>();

const EVENTS = {
  HardwareImported: ofEvent<'HardwareImported'>()(
    ['hardwareId', 'serial', 'assetTag', 'name', 'category', 'status', 'condition', 'manufacturer', 'model', 'operatingSystem', 'osVersion', 'macAddress', 'source', 'sourceDeviceId', 'lastSyncedAt', 'assignee', 'acknowledgement', 'specifications', 'importRunId', 'importedAt'],
    [],
  ),
  HardwareIdentityUpdated: ofEvent<'HardwareIdentityUpdated'>()(['hardwareId', 'serial', 'changes', 'scope', 'source', 'sourceDeviceId', 'lastSyncedAt', 'importRunId', 'updatedAt'], []),
  HardwareSourceLinked: ofEvent<'HardwareSourceLinked'>()(['hardwareId', 'serial', 'source', 'sourceDeviceId', 'lastSyncedAt', 'importRunId', 'linkedAt'], []),
  HardwareAssigned: ofEvent<'HardwareAssigned'>()(['hardwareId', 'serial', 'source', 'assignee', 'acknowledgement', 'importRunId', 'assignedAt'], []),
  HardwareMissingFromMdm: ofEvent<'HardwareMissingFromMdm'>()(['hardwareId', 'serial', 'source', 'sourceDeviceId', 'lastListedAt', 'importRunId', 'missingSince'], []),
  HardwareSeenAgainInMdm: ofEvent<'HardwareSeenAgainInMdm'>()(['hardwareId', 'serial', 'source', 'sourceDeviceId', 'missingSince', 'importRunId', 'seenAt'], []),
  HardwareRegistered: ofEvent<'HardwareRegistered'>()(
    ['hardwareId', 'serial', 'assetTag', 'name', 'category', 'status', 'condition', 'manufacturer', 'model', 'operatingSystem', 'osVersion', 'macAddress', 'cpu', 'ram', 'storage', 'purchasePrice', 'purchaseDate', 'registeredBy', 'registeredAt'],
    [],
  ),
  HardwareDetailsEdited: ofEvent<'HardwareDetailsEdited'>()(['hardwareId', 'serial', 'changes', 'editedBy', 'editedAt'], ['previous']),
  ImportStarted: ofEvent<'ImportStarted'>()(['runId', 'source', 'triggeredBy', 'startedAt'], ['owner', 'retryOf']),
  ImportPageRecorded: ofEvent<'ImportPageRecorded'>()(['runId', 'source', 'page', 'outcomes', 'counts', 'recordedAt'], ['part', 'parts', 'runCounts', 'announcedTotal']),
  ImportHeartbeat: ofEvent<'ImportHeartbeat'>()(['runId', 'source', 'at'], ['pages', 'runCounts']),
  ImportMissingRecorded: ofEvent<'ImportMissingRecorded'>()(['runId', 'source', 'devices', 'recordedAt', 'listingStartedAt'], []),
  ImportCompleted: ofEvent<'ImportCompleted'>()(['runId', 'source', 'triggeredBy', 'startedAt', 'completedAt', 'durationMs', 'counts', 'pages'], ['warnings', 'retryOf', 'completeListing']),
  ImportFailed: ofEvent<'ImportFailed'>()(['runId', 'source', 'triggeredBy', 'startedAt', 'failedAt', 'durationMs', 'reason', 'counts', 'pages'], ['retryOf', 'completeListing']),
  ImportPreviewed: ofEvent<'ImportPreviewed'>()(['previewId', 'source', 'triggeredBy', 'startedAt', 'finishedAt', 'counts', 'warnings', 'failure'], []),
} satisfies Record<AnyEvent['type'], Fields>;

const SHAPES: Record<string, Fields> = {
  Assignee: fieldsOf<NonNullable<HardwareImported['data']['assignee']>>()(['userId', 'email', 'name'], []),
  Acknowledgement: fieldsOf<NonNullable<HardwareImported['data']['acknowledgement']>>()(['note', 'at'], []),
  IdentityChanges: fieldsOf<NonNullable<IdentityChanges[IdentityField]>>()(['from', 'to'], []),
  DetailsEdit: fieldsOf<Partial<HandMaintained>>()([], ['name', 'category', 'status', 'condition', 'cpu', 'ram', 'storage', 'purchasePrice', 'purchaseDate']),
  DeviceOutcome: fieldsOf<DeviceOutcome>()(['outcome', 'sourceDeviceId', 'serial', 'deviceName'], ['hardwareId', 'assetTag', 'reason', 'detail']),
  RunCounts: fieldsOf<RunCounts>()(['created', 'updated', 'unchanged', 'skipped', 'errors', 'missing'], []),
  MissingDevice: fieldsOf<MissingDevice>()(['serial', 'hardwareId', 'assetTag', 'name', 'sourceDeviceId', 'lastListedAt'], []),
};

const PAGE = 'docs/events.md';

/** Each heading of the page (backticks dropped) with the field names its tables list; a trailing `?` marks a field that may be absent. */
function documentedFields(markdown: string): Map<string, Fields> {
  const sections = new Map<string, Fields>();
  let current: Fields | null = null;
  for (const line of markdown.split('\n')) {
    const heading = /^#{2,3} (.+)$/.exec(line);
    if (heading) {
      current = { required: [], optional: [] };
      sections.set(heading[1]!.replace(/`/g, '').trim(), current);
      continue;
    }
    if (!current || !line.startsWith('| `')) continue;
    const firstCell = line.split('|')[1]!;
    for (const [, name, absent] of firstCell.matchAll(/`([A-Za-z]+)`(\?)?/g)) (absent ? current.optional : current.required).push(name!);
  }
  return sections;
}

const sorted = ({ required, optional }: Fields): Fields => ({ required: [...required].sort(), optional: [...optional].sort() });

describe(`The event reference (${PAGE})`, () => {
  const documented = documentedFields(readFileSync(PAGE, 'utf8'));

  it('covers every event type the domain defines, and no other', () => {
    const defined = [...HARDWARE_EVENT_TYPES, ...IMPORT_RUN_EVENT_TYPES, 'ImportPreviewed'].sort();
    expect(Object.keys(EVENTS).sort(), 'the field lists of this spec').to.deep.equal(defined);
    const described = [...documented.keys()].filter((heading) => /^(Hardware|Import)[A-Z]\w+$/.test(heading)).sort();
    expect(described, `### sections in ${PAGE}`).to.deep.equal(defined);
  });

  for (const [name, fields] of Object.entries({ ...EVENTS, ...SHAPES })) {
    it(`${name}: names each field it carries, marking with ? those that may be absent`, () => {
      expect(documented.has(name), `a "### ${name}" section in ${PAGE}`).to.equal(true);
      expect(sorted(documented.get(name)!), `the table under ### ${name} in ${PAGE}`).to.deep.equal(sorted(fields));
    });
  }

  it('every event an import, a hand edit and a preview write carries the fields listed, and the metadata keys listed', async () => {
    let fleet = [macbook(), macbook({ sourceDeviceId: '102', serialNumber: 'C02XK1JHJGH6', userEmail: null })];
    const app = new EmbeddedApp({ jamf: () => fleet });
    try {
      app.loadUsers([{ id: 'u-alice', email: 'alice@acme.example', displayName: 'Alice Martin', active: true }]);
      await app.import('jamf');
      fleet = [macbook({ osVersion: '15.1' })];
      await app.import('jamf');
      const record = await app.edits.register({ serial: 'C02HANDREG01', name: 'Loaner 1', category: 'laptop' }, 'admin@acme.example');
      await app.edits.edit(record.id, { status: 'in_repair' }, 'admin@acme.example');
      await app.previewer.execute({ source: 'jamf', triggeredBy: 'admin@acme.example' });
      const { events } = await app.store.readAll({ after: 0, maxCount: 1000 });
      expect(events.map((event) => event.type), 'the scenario writes these types').to.include.members(['HardwareImported', 'HardwareIdentityUpdated', 'HardwareMissingFromMdm', 'HardwareRegistered', 'HardwareDetailsEdited', 'ImportStarted', 'ImportPageRecorded', 'ImportMissingRecorded', 'ImportCompleted', 'ImportPreviewed']);
      for (const event of events) {
        const listed = documented.get(event.type)!;
        const carried = Object.keys(event.data as object);
        const unlisted = carried.filter((key) => !listed.required.includes(key) && !listed.optional.includes(key));
        expect(unlisted, `${event.type} (${event.stream}@${event.revision}): fields not under ### ${event.type} in ${PAGE}`).to.deep.equal([]);
        expect(carried, `${event.type} (${event.stream}@${event.revision}): fields ${PAGE} says are always present`).to.include.members(listed.required);
      }
      const metadataKeys = [...new Set(events.flatMap((event) => Object.keys(event.metadata)))].sort();
      expect(sorted(documented.get('Metadata')!), `the table under ## Metadata in ${PAGE}`).to.deep.equal({ required: metadataKeys, optional: [] });
    } finally {
      await app.close();
    }
  });

  it('names the streams as the store names them', () => {
    const page = readFileSync(PAGE, 'utf8');
    for (const stream of [hardwareStream('<serial>'), importRunsStream('<source>' as never), previewsStream('<source>' as never)]) {
      expect(page, `${PAGE} names the stream`).to.include(`| \`${stream}\` |`);
    }
  });
});
