import { expect } from 'chai';
import { decide, OWNER_SILENT_DAYS } from '../../src/domain/hardware/decide.js';
import { evolve } from '../../src/domain/hardware/evolve.js';
import { initialState } from '../../src/domain/hardware/state.js';
import { HardwareNotFound, SerialAlreadyRegistered, SupersededEntry } from '../../src/domain/hardware/errors.js';
import type { EditDetails, RegisterHardware } from '../../src/domain/hardware/commands.js';
import type { HardwareDetailsEdited, HardwareEvent } from '../../src/domain/hardware/events.js';
import type { DetailsEdit } from '../../src/domain/hardware/hand-maintained.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { deciderSpec } from '../support/decider-spec.js';
import { alice, importDevice, imported, latitude, macbook, NOW, RUN, stateAfter } from '../support/mothers.js';

const given = deciderSpec({ decide, evolve, initialState });

function edit(changes: DetailsEdit): EditDetails {
  return { type: 'EditDetails', data: { changes, editedBy: 'admin@acme.example' }, metadata: { now: NOW } };
}

/** An edit's event; `previous` is what the changed fields held before (events recorded before 2026-12-08 have none). */
function detailsEdited(changes: DetailsEdit, previous?: DetailsEdit): HardwareDetailsEdited {
  return { type: 'HardwareDetailsEdited', data: { hardwareId: 'hw-1', serial: 'C02XK1JHJGH5', changes, ...(previous ? { previous } : {}), editedBy: 'admin@acme.example', editedAt: NOW } };
}

describe('Hardware decider', () => {
  describe('importing an unseen serial', () => {
    it('creates the record with every mapped field of the product document', () =>
      given()
        .when(importDevice(macbook(), { assignee: alice, assetTag: 'HW-00042' }))
        .then({
          type: 'HardwareImported',
          data: {
            hardwareId: 'hw-1',
            serial: 'C02XK1JHJGH5',
            assetTag: 'HW-00042',
            manufacturer: 'Apple',
            model: 'MacBook Pro (14-inch, 2023)',
            operatingSystem: 'macOS',
            osVersion: '15.0',
            macAddress: 'A4:83:E7:12:34:56',
            source: 'jamf',
            sourceDeviceId: '101',
            lastSyncedAt: '2026-11-26T08:00:00.000Z',
            name: "Alice's MacBook Pro",
            category: 'laptop',
            status: 'assigned',
            condition: 'good',
            assignee: alice,
            acknowledgement: { note: 'Imported from MDM (Jamf Pro)', at: NOW },
            specifications: { processorType: 'Apple M3 Pro', totalRamMegabytes: 18432 },
            importRunId: RUN,
            importedAt: NOW,
          },
        }));

    it('reads the iOS an MDM reports for an iPad as iPadOS, and leaves an iPhone on iOS', () => {
      const systemOf = (model: string) => given().when(importDevice(latitude({ manufacturer: 'Apple', model, operatingSystem: 'iOS' }))).events()[0]!.data;
      expect(systemOf('iPad Air (5th generation)')).to.include({ operatingSystem: 'iPadOS', category: 'tablet' });
      expect(systemOf('iPad13,16')).to.include({ operatingSystem: 'iPadOS' });
      expect(systemOf('iPhone 15')).to.include({ operatingSystem: 'iOS', category: 'phone' });
    });

    it('imports unassigned and available when the email matched nobody, with no acknowledgement', () => {
      const [event] = given().when(importDevice(latitude())).events();
      expect(event).to.deep.include({ type: 'HardwareImported' });
      expect(event!.data).to.include({ status: 'available', name: 'ACME-7XK9QW3', category: 'laptop' });
      expect(event!.data).to.include({ assignee: null, acknowledgement: null });
    });

    it('leaves CPU, RAM, storage, purchase price and purchase date empty: raw specs go to the specifications', () => {
      const state = stateAfter(imported(macbook()));
      expect(state).to.include({ cpu: null, ram: null, storage: null, purchasePrice: null, purchaseDate: null });
    });

    it('falls back to the Ethernet MAC when Wi-Fi is not reported', () => {
      const [event] = given().when(importDevice(latitude({ wifiMacAddress: '', ethernetMacAddress: 'f8-b4-6a-01-02-03' }))).events();
      expect(event!.data).to.include({ macAddress: 'F8:B4:6A:01:02:03' });
    });

    it('records the Intune source name in the acknowledgement note', () => {
      const [event] = given().when(importDevice(latitude(), { assignee: alice })).events();
      expect(event!.data).to.deep.include({ acknowledgement: { note: 'Imported from MDM (Microsoft Intune)', at: NOW } });
    });
  });

  describe('re-importing a known serial', () => {
    it('counts an identical device as unchanged: no event', () =>
      given(imported(macbook())).when(importDevice(macbook())).thenNothingHappens());

    it('matches the serial whatever its case or spacing', () =>
      given(imported(macbook())).when(importDevice(macbook({ serialNumber: ' c02xk1jhjgh5 ' }))).thenNothingHappens());

    it('overwrites the identity fields that changed, and only those', () =>
      given(imported(macbook()))
        .when(importDevice(macbook({ osVersion: '15.1', wifiMacAddress: 'A483E7999999' })))
        .then({
          type: 'HardwareIdentityUpdated',
          data: {
            hardwareId: 'hw-1',
            serial: 'C02XK1JHJGH5',
            source: 'jamf',
            sourceDeviceId: '101',
            lastSyncedAt: '2026-11-26T08:00:00.000Z',
            changes: { osVersion: { from: '15.0', to: '15.1' }, macAddress: { from: 'A4:83:E7:12:34:56', to: 'A4:83:E7:99:99:99' } },
            scope: 'all',
            importRunId: RUN,
            updatedAt: NOW,
          },
        }));

    it('never nulls a field the MDM stopped reporting', () =>
      given(imported(macbook()))
        .when(importDevice(macbook({ manufacturer: '', model: null, operatingSystem: '  ', osVersion: '', wifiMacAddress: '' })))
        .thenNothingHappens());

    it('keeps a hand-edited name when the MDM reports the device again', () =>
      given(imported(macbook()), detailsEdited({ name: 'Design laptop' }))
        .when(importDevice(macbook({ model: 'MacBook Pro (16-inch, 2023)', osVersion: '15.1' }), { assignee: null }))
        .then({
          type: 'HardwareIdentityUpdated',
          data: {
            hardwareId: 'hw-1', serial: 'C02XK1JHJGH5', source: 'jamf', sourceDeviceId: '101', lastSyncedAt: '2026-11-26T08:00:00.000Z',
            changes: { model: { from: 'MacBook Pro (14-inch, 2023)', to: 'MacBook Pro (16-inch, 2023)' }, osVersion: { from: '15.0', to: '15.1' } },
            scope: 'all', importRunId: RUN, updatedAt: NOW,
          },
        }));

    it('preserves every hand-maintained field, the asset tag and the assignment through a re-import', () => {
      const hand: DetailsEdit = {
        name: 'Design laptop', cpu: 'M3 Pro 12-core', ram: '18 GB', storage: '1 TB', purchasePrice: 2499,
        purchaseDate: '2024-01-15', category: 'desktop', status: 'in_repair', condition: 'fair',
      };
      const history: HardwareEvent[] = [imported(macbook(), { assignee: alice, assetTag: 'HW-00007' }), detailsEdited(hand)];
      const reimport = decide(importDevice(macbook({ osVersion: '15.2', userEmail: 'someone.else@acme.example' }), { assignee: null, assetTag: 'HW-99999' }), stateAfter(...history));
      const after = stateAfter(...history, ...reimport);
      expect(after).to.deep.include({ ...hand, assetTag: 'HW-00007', assignee: alice });
      expect(after).to.have.nested.property('identity.osVersion', '15.2');
    });

    it('links a second source reporting the same serial to the one record (a Mac in Jamf and Intune)', () =>
      given(imported(macbook()))
        .when(importDevice(macbook({ source: 'intune', sourceDeviceId: 'aad-1', manufacturer: 'Apple', lastSyncedAt: '2026-11-26T09:00:00.000Z' })))
        .then({
          type: 'HardwareSourceLinked',
          data: { hardwareId: 'hw-1', serial: 'C02XK1JHJGH5', source: 'intune', sourceDeviceId: 'aad-1', lastSyncedAt: '2026-11-26T09:00:00.000Z', importRunId: RUN, linkedAt: NOW },
        }));
  });

  describe('one device in two MDMs', () => {
    const fromJamf = macbook({ source: 'jamf', sourceDeviceId: '101', operatingSystem: 'macOS', osVersion: '15.0', wifiMacAddress: null, lastSyncedAt: '2026-11-26T08:00:00.000Z' });
    const fromIntune = (overrides: Parameters<typeof macbook>[0] = {}) =>
      macbook({ source: 'intune', sourceDeviceId: 'aad-7', model: 'MacBookPro14,5', osVersion: '15.0.1', wifiMacAddress: 'A483E7123456', lastSyncedAt: '2026-11-26T09:00:00.000Z', ...overrides });

    it('follows the MDM that first reported it; the other only fills fields left empty', () => {
      const events = given(imported(fromJamf)).when(importDevice(fromIntune())).events();
      expect(events).to.deep.equal([
        {
          type: 'HardwareIdentityUpdated',
          data: {
            hardwareId: 'hw-1', serial: 'C02XK1JHJGH5', source: 'intune', sourceDeviceId: 'aad-7', lastSyncedAt: '2026-11-26T09:00:00.000Z',
            changes: { macAddress: { from: null, to: 'A4:83:E7:12:34:56' } }, scope: 'empty-fields', importRunId: RUN, updatedAt: NOW,
          },
        },
      ]);
    });

    it('does not flip values back and forth between the two on every run', () => {
      const history = [imported(fromJamf)];
      const first = decide(importDevice(fromIntune()), stateAfter(...history));
      const again = decide(importDevice(fromIntune()), stateAfter(...history, ...first));
      const jamfAgain = decide(importDevice(fromJamf), stateAfter(...history, ...first, ...again));
      expect(again).to.deep.equal([]);
      expect(jamfAgain).to.deep.equal([]);
    });

    it(`hands the identity to the other MDM once the first has not heard from the device for ${OWNER_SILENT_DAYS} days`, () => {
      const migrated = fromIntune({ lastSyncedAt: '2027-01-10T09:00:00.000Z' });
      const [event] = given(imported(fromJamf)).when(importDevice(migrated)).events();
      expect(event!.data).to.deep.include({ scope: 'all', source: 'intune' });
      expect((event!.data as { changes: object }).changes).to.have.keys('model', 'osVersion', 'macAddress');
    });
  });

  describe('assignment on re-import', () => {
    const bob = { userId: 'u-bob', email: 'bob@acme.example', name: 'Bob Stone' };

    it('completes the assignment of a device imported unassigned once its user exists (import or activate the user, then re-run)', () =>
      given(imported(latitude()))
        .when(importDevice(latitude(), { assignee: bob }))
        .then({
          type: 'HardwareAssigned',
          data: {
            hardwareId: 'hw-1', serial: '7XK9QW3', source: 'intune', assignee: bob,
            acknowledgement: { note: 'Imported from MDM (Microsoft Intune)', at: NOW }, importRunId: RUN, assignedAt: NOW,
          },
        }));

    it('keeps the derived name when it completes an assignment', () => {
      const events = given(imported(latitude())).when(importDevice(latitude(), { assignee: bob })).events();
      expect(stateAfter(imported(latitude()), ...events)).to.include({ name: 'ACME-7XK9QW3', status: 'assigned' });
    });

    it('never reassigns: an existing assignment is preserved whoever the MDM names now', () =>
      given(imported(macbook(), { assignee: alice })).when(importDevice(macbook(), { assignee: bob })).thenNothingHappens());

    it('never overrides a status someone chose by hand, even one set back to available', () =>
      given(imported(latitude()), detailsEdited({ status: 'in_repair' }), detailsEdited({ status: 'available' }))
        .when(importDevice(latitude(), { assignee: bob }))
        .thenNothingHappens());

    it('does not assign hardware registered by hand', () => {
      const registered: HardwareEvent = {
        type: 'HardwareRegistered',
        data: {
          hardwareId: 'hw-1', serial: '7XK9QW3', assetTag: 'HW-00001', name: 'Spare', category: 'laptop', status: 'available', condition: 'good',
          manufacturer: 'Dell Inc.', model: 'Latitude 7440', operatingSystem: 'Windows', osVersion: '10.0.22631.4460', macAddress: '3C:21:9C:0A:1B:2C',
          cpu: null, ram: null, storage: null, purchasePrice: null, purchaseDate: null, registeredBy: 'admin@acme.example', registeredAt: NOW,
        },
      };
      expect(given(registered).when(importDevice(latitude(), { assignee: bob })).events().map((e) => e.type)).to.deep.equal(['HardwareSourceLinked']);
    });
  });

  describe('two entries of one source with the same serial (re-enrolment)', () => {
    const stale = macbook({ sourceDeviceId: '90', osVersion: '14.6', lastSyncedAt: '2026-05-01T00:00:00.000Z' });
    const current = macbook({ sourceDeviceId: '101', osVersion: '15.0', lastSyncedAt: '2026-11-26T08:00:00.000Z' });

    it('skips the entry synced less recently than the one the record follows', () =>
      given(imported(current)).when(importDevice(stale)).thenThrows(SupersededEntry, /also reported by device 101.*kept/));

    it('lets the more recently synced entry take over', () => {
      const events = given(imported(stale)).when(importDevice(current)).events();
      expect(events).to.have.length(1);
      expect(events[0]).to.deep.include({ type: 'HardwareIdentityUpdated' });
      expect(events[0]!.data).to.include({ sourceDeviceId: '101' });
    });

    it('ends on the same record whichever order the MDM lists them in', () => {
      const apply = (first: typeof stale, second: typeof stale) => {
        let state = stateAfter(imported(first));
        try {
          state = decide(importDevice(second), state).reduce(evolve, state);
        } catch (error) {
          if (!(error instanceof SupersededEntry)) throw error;
        }
        return state;
      };
      expect(apply(stale, current)).to.deep.include({ identity: apply(current, stale).exists ? (apply(current, stale) as { identity: unknown }).identity : null });
      expect(apply(stale, current)).to.have.nested.property('mdmRecords.jamf.sourceDeviceId', '101');
      expect(apply(current, stale)).to.have.nested.property('mdmRecords.jamf.sourceDeviceId', '101');
    });

    it('takes a check-in time that does not read as a time as not reported: the entry with a real one wins, in either order', () => {
      const unreadable = macbook({ sourceDeviceId: '300', osVersion: '15.1', lastSyncedAt: 'yesterday' });
      expect(() => decide(importDevice(unreadable), stateAfter(imported(current)))).to.throw(SupersededEntry);
      expect(decide(importDevice(current), stateAfter(imported(unreadable)))).to.have.length(1);
      expect(stateAfter(imported(unreadable))).to.have.nested.property('mdmRecords.jamf.lastSyncedAt', null);
    });

    it('reads only an ISO 8601 check-in time as a time: "12/31/2099" is not reported, and does not win', () => {
      const guessed = macbook({ sourceDeviceId: '300', osVersion: '15.1', lastSyncedAt: '12/31/2099' });
      expect(() => decide(importDevice(guessed), stateAfter(imported(current)))).to.throw(SupersededEntry);
      expect(stateAfter(imported(guessed))).to.have.nested.property('mdmRecords.jamf.lastSyncedAt', null);
      for (const iso of ['2026-11-26T08:00:00Z', '2026-11-26T08:00:00.307+02:00', '2026-11-26']) {
        expect(stateAfter(imported(macbook({ lastSyncedAt: iso })))).to.have.nested.property('mdmRecords.jamf.lastSyncedAt', iso);
      }
    });

    it('compares check-ins as instants: one instant written two ways is a tie for the larger id, and a real check-in from any year beats none', () => {
      const a = macbook({ sourceDeviceId: '200', lastSyncedAt: '2026-11-26T10:00:00+02:00' });
      const b = macbook({ sourceDeviceId: '300', lastSyncedAt: '2026-11-26T08:00:00.000Z', osVersion: '15.1' });
      expect(() => decide(importDevice(a), stateAfter(imported(b)))).to.throw(SupersededEntry);
      expect(decide(importDevice(b), stateAfter(imported(a)))).to.have.length(1);
      const old = macbook({ sourceDeviceId: '100', lastSyncedAt: '1999-12-31T23:00:00Z' });
      const never = macbook({ sourceDeviceId: '900', lastSyncedAt: null, osVersion: '15.1' });
      expect(() => decide(importDevice(never), stateAfter(imported(old)))).to.throw(SupersededEntry);
      expect(decide(importDevice(old), stateAfter(imported(never)))).to.have.length(1);
    });

    it('breaks a tie in sync time by the larger device id, so the outcome never depends on order', () => {
      const a = macbook({ sourceDeviceId: '200', lastSyncedAt: '2026-11-26T08:00:00.000Z' });
      const b = macbook({ sourceDeviceId: '300', lastSyncedAt: '2026-11-26T08:00:00.000Z', osVersion: '15.1' });
      expect(() => decide(importDevice(a), stateAfter(imported(b)))).to.throw(SupersededEntry);
      expect(decide(importDevice(b), stateAfter(imported(a)))).to.have.length(1);
    });
  });

  describe('hand-made changes', () => {
    const registration: RegisterHardware = {
      type: 'RegisterHardware',
      data: { hardwareId: 'hw-9', assetTag: 'HW-00009', serial: ' pf3abc12 ', name: 'Spare laptop', category: 'laptop', registeredBy: 'admin@acme.example' },
      metadata: { now: NOW },
    };

    it('registers a device by hand with its serial normalised', () => {
      const [event] = given().when(registration).events();
      expect(event!.data).to.include({ serial: 'PF3ABC12', status: 'available', condition: 'good', name: 'Spare laptop' });
    });

    it('refuses to register a serial twice', () =>
      given(imported(macbook())).when({ ...registration, data: { ...registration.data, serial: 'C02XK1JHJGH5' } }).thenThrows(SerialAlreadyRegistered));

    it('lets a later import update the identity of a hand-registered device but not its name', () => {
      const [registered] = given().when({ ...registration, data: { ...registration.data, serial: 'C02XK1JHJGH5' } }).events();
      const events = given(registered!).when(importDevice(macbook())).events();
      const state = stateAfter(registered!, ...events);
      expect(state).to.include({ name: 'Spare laptop', assetTag: 'HW-00009' });
      expect(state).to.have.nested.property('identity.model', 'MacBook Pro (14-inch, 2023)');
    });

    it('records only the fields an edit really changes', () =>
      given(imported(macbook(), { assignee: alice })).when(edit({ name: "Alice's MacBook Pro", cpu: 'M3 Pro' })).then(detailsEdited({ cpu: 'M3 Pro' }, { cpu: null })));

    it('refuses an edit with a bad value, naming the field and the fix', () => {
      expect(() => given(imported(macbook())).when(edit({ purchasePrice: -5 })).events())
        .to.throw(DomainError, /purchasePrice -5 is not valid.*0 or more/);
      expect(() => given(imported(macbook())).when(edit({ purchaseDate: '2024-02-30' })).events())
        .to.throw(DomainError, /purchaseDate.*YYYY-MM-DD/);
      expect(() => given(imported(macbook())).when(edit({ status: 'stolen' as never })).events()).to.throw(DomainError, /status/);
      // A value nested deeper than JSON.stringify can recurse is quoted too, cut.
      const deep = JSON.parse('['.repeat(6_000) + ']'.repeat(6_000)) as never;
      expect(() => given(imported(macbook())).when(edit({ cpu: deep })).events()).to.throw(DomainError, /^cpu \[{120}… is not valid/);
    });

    it('records what each changed field held before, so the event reads from → to', () =>
      given(imported(macbook(), { assignee: alice }), detailsEdited({ cpu: 'M1' }))
        .when(edit({ cpu: 'M3 Pro', condition: 'fair', purchasePrice: 2499, name: "Alice's MacBook Pro" }))
        .then(detailsEdited({ cpu: 'M3 Pro', condition: 'fair', purchasePrice: 2499 }, { cpu: 'M1', condition: 'good', purchasePrice: null })));

    it('refuses a price that is no amount: more than 2 decimals, or a trillion and above', () => {
      for (const purchasePrice of [1e300, 12.345, 5e-7, 1_000_000_000_000]) {
        expect(() => given(imported(macbook())).when(edit({ purchasePrice })).events(), String(purchasePrice))
          .to.throw(DomainError, /^purchasePrice .* is not valid\. Give the amount with at most 2 decimals, below 1,000,000,000,000/);
      }
      given(imported(macbook())).when(edit({ purchasePrice: 1299.99 })).then(detailsEdited({ purchasePrice: 1299.99 }, { purchasePrice: null }));
      given(imported(macbook())).when(edit({ purchasePrice: 999_999_999_999.99 })).then(detailsEdited({ purchasePrice: 999_999_999_999.99 }, { purchasePrice: null }));
    });

    it('refuses a purchase date after today in the furthest time zone (UTC+14), naming the field', () => {
      const dayOf = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString().slice(0, 10);
      const hours = 60 * 60 * 1000;
      expect(() => given(imported(macbook())).when(edit({ purchaseDate: '2099-01-01' })).events())
        .to.throw(DomainError, /^purchaseDate "2099-01-01" is in the future\. Give the date the device was bought: today or earlier\.$/);
      expect(() => given(imported(macbook())).when(edit({ purchaseDate: dayOf(38 * hours) })).events()).to.throw(DomainError, /in the future/);
      given(imported(macbook())).when(edit({ purchaseDate: dayOf(14 * hours) })).then(detailsEdited({ purchaseDate: dayOf(14 * hours) }, { purchaseDate: null }));
      expect(() => given().when({ ...registration, data: { ...registration.data, purchaseDate: '2099-01-01' } }).events()).to.throw(DomainError, /in the future/);
    });

    it('keeps typed CPU, RAM and storage without surrounding spaces, and clears a blank one', () => {
      const typed = imported(macbook());
      given(typed).when(edit({ cpu: ' M3 Pro ', ram: '   ', storage: '' })).then(detailsEdited({ cpu: 'M3 Pro' }, { cpu: null }));
      given(typed, detailsEdited({ ram: '16 GB' })).when(edit({ ram: ' ' })).then(detailsEdited({ ram: null }, { ram: '16 GB' }));
      const [registered] = given().when({ ...registration, data: { ...registration.data, cpu: '  ', storage: ' 1 TB' } }).events();
      expect(registered!.data).to.include({ cpu: null, storage: '1 TB' });
    });

    it('refuses typed text that holds a control character, but takes back an MDM-given name as it is', () => {
      const named = imported(macbook({ deviceName: 'Lab\u001b[1mMac' }));
      expect(() => given(named).when(edit({ cpu: 'M3\tPro' })).events()).to.throw(DomainError, /^cpu "M3\\tPro" is not valid\. Type it as one line of text: character 3 \(U\+0009\)/);
      expect(() => given().when({ ...registration, data: { ...registration.data, name: 'Spare\nlaptop' } }).events()).to.throw(DomainError, /^name "Spare\\nlaptop" is not valid/);
      given(named).when(edit({ name: 'Lab\u001b[1mMac', status: 'in_repair' })).then(detailsEdited({ status: 'in_repair' }, { status: 'available' }));
    });

    it('refuses a typed MAC that is no address, and typed identity text with a control character, rather than drop them', () => {
      const registering = (fields: Partial<RegisterHardware['data']>) => given().when({ ...registration, data: { ...registration.data, ...fields } });
      for (const macAddress of ['zz', 'AA:BB:CC:DD:EE', '00:00:00:00:00:00']) {
        expect(() => registering({ macAddress }).events(), macAddress).to.throw(DomainError, /^macAddress ".*" is not valid\. Give the 12 hex digits/);
      }
      expect(() => registering({ manufacturer: 'Dell\nInc.' }).events()).to.throw(DomainError, /^manufacturer "Dell\\nInc\." is not valid\. Type it as one line/);
      const [event] = registering({ macAddress: ' 3c-21-9c-0a-1b-2c ', model: '  ', osVersion: ' 14.7.1 ' }).events();
      expect(event!.data).to.include({ macAddress: '3C:21:9C:0A:1B:2C', model: null, osVersion: '14.7.1' });
    });

    it('refuses a typed status that contradicts who holds the device, naming the status and the fix', () => {
      given(imported(macbook())).when(edit({ status: 'assigned' })).thenThrows(DomainError, /^status "assigned" needs a person who holds the device, and nobody does\. Assign the device to a person/);
      given(imported(macbook(), { assignee: alice })).when(edit({ status: 'available' }))
        .thenThrows(DomainError, /^status "available" says nobody holds the device, but it is assigned to alice@acme\.example\. Recover it from alice@acme\.example first/);
      given().when({ ...registration, data: { ...registration.data, status: 'assigned' } }).thenThrows(DomainError, /^status "assigned" needs a person/);
    });

    it('takes a status that fits who holds the device, and leaves an edit without a status alone', () => {
      given(imported(macbook(), { assignee: alice })).when(edit({ status: 'lost' })).then(detailsEdited({ status: 'lost' }, { status: 'assigned' }));
      given(imported(macbook(), { assignee: alice }), detailsEdited({ status: 'in_repair' })).when(edit({ status: 'assigned' })).then(detailsEdited({ status: 'assigned' }, { status: 'in_repair' }));
      given(imported(macbook()), detailsEdited({ status: 'retired' })).when(edit({ status: 'available' })).then(detailsEdited({ status: 'available' }, { status: 'retired' }));
      // A record an earlier version let contradict itself still takes edits to its other fields.
      given(imported(macbook(), { assignee: alice }), detailsEdited({ status: 'available' })).when(edit({ cpu: 'M3 Pro' })).then(detailsEdited({ cpu: 'M3 Pro' }, { cpu: null }));
    });

    it('refuses to edit hardware that does not exist', () => given().when(edit({ cpu: 'x' })).thenThrows(HardwareNotFound));
  });
});
