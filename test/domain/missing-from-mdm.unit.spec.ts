import { expect } from 'chai';
import { decide } from '../../src/domain/hardware/decide.js';
import { evolve } from '../../src/domain/hardware/evolve.js';
import { initialState } from '../../src/domain/hardware/state.js';
import type { MarkMissingFromMdm } from '../../src/domain/hardware/commands.js';
import type { HardwareMissingFromMdm } from '../../src/domain/hardware/events.js';
import { deciderSpec } from '../support/decider-spec.js';
import { alice, importDevice, imported, latitude, macbook, NOW, stateAfter } from '../support/mothers.js';

const given = deciderSpec({ decide, evolve, initialState });
const LATER = '2026-12-01T09:00:00.000Z';

function markMissing(source: 'intune' | 'jamf', options: { lastCompleteListingAt?: string | null; now?: string } = {}): MarkMissingFromMdm {
  return { type: 'MarkMissingFromMdm', data: { source, runId: 'run-2', lastCompleteListingAt: options.lastCompleteListingAt ?? null }, metadata: { now: options.now ?? LATER } };
}

function missing(source: 'intune' | 'jamf', sourceDeviceId: string, serial: string, lastListedAt: string): HardwareMissingFromMdm {
  return { type: 'HardwareMissingFromMdm', data: { hardwareId: 'hw-1', serial, source, sourceDeviceId, lastListedAt, importRunId: 'run-2', missingSince: LATER } };
}

describe('Devices that left the MDM', () => {
  describe('a complete listing that leaves a linked device out', () => {
    it('marks it missing from that source, naming the run and when the source last listed it', () =>
      given(imported(latitude()))
        .when(markMissing('intune', { lastCompleteListingAt: '2026-11-30T09:00:00.000Z' }))
        .then(missing('intune', '9a1b2c3d-0000-4000-8000-000000000001', '7XK9QW3', '2026-11-30T09:00:00.000Z')));

    it('takes the last change the source recorded when it is later than the last complete listing', () =>
      given(imported(latitude()))
        .when(markMissing('intune', { lastCompleteListingAt: '2026-11-01T09:00:00.000Z' }))
        .then(missing('intune', '9a1b2c3d-0000-4000-8000-000000000001', '7XK9QW3', NOW)));

    it('changes nothing else: fields, status and assignee stay as they were', () => {
      const before = stateAfter(imported(latitude(), { assignee: alice }));
      const after = decide(markMissing('intune'), before).reduce(evolve, before);
      const { mdmRecords: _b, ...kept } = before as Extract<typeof before, { exists: true }>;
      expect(after).to.deep.include(kept);
      expect(after).to.have.nested.property('mdmRecords.intune.missingSince', LATER);
    });

    it('says it once: a record already missing gets no second event', () => {
      const once = decide(markMissing('intune'), stateAfter(imported(latitude())));
      given(imported(latitude()), ...once).when(markMissing('intune', { now: '2026-12-08T09:00:00.000Z' })).thenNothingHappens();
    });

    it('leaves alone a record the source never reported, and one that does not exist', () => {
      given(imported(macbook())).when(markMissing('intune')).thenNothingHappens();
      given().when(markMissing('jamf')).thenNothingHappens();
    });

    it('marks only the source that stopped listing it: the other MDM still lists it', () => {
      const fromIntune = macbook({ source: 'intune', sourceDeviceId: 'aad-7', lastSyncedAt: '2026-11-26T09:00:00.000Z' });
      const history = [imported(macbook()), ...decide(importDevice(fromIntune), stateAfter(imported(macbook())))];
      const state = [...history, ...decide(markMissing('intune'), stateAfter(...history))].reduce(evolve, initialState());
      expect(state).to.have.nested.property('mdmRecords.intune.missingSince', LATER);
      expect(state).to.have.nested.property('mdmRecords.jamf.missingSince', null);
    });
  });

  describe('a device listed again', () => {
    const gone = [imported(latitude()), missing('intune', '9a1b2c3d-0000-4000-8000-000000000001', '7XK9QW3', NOW)];

    it('records that the source lists it again, and since when it had been missing', () =>
      given(...gone)
        .when(importDevice(latitude(), { now: '2026-12-05T09:00:00.000Z', runId: 'run-3' }))
        .then({
          type: 'HardwareSeenAgainInMdm',
          data: { hardwareId: 'hw-1', serial: '7XK9QW3', source: 'intune', sourceDeviceId: '9a1b2c3d-0000-4000-8000-000000000001', missingSince: LATER, importRunId: 'run-3', seenAt: '2026-12-05T09:00:00.000Z' },
        }));

    it('is no longer missing once seen again', () => {
      const seen = decide(importDevice(latitude()), stateAfter(...gone));
      expect(stateAfter(...gone, ...seen)).to.have.nested.property('mdmRecords.intune.missingSince', null);
    });

    it('follows a re-enrolment of the device even when the new entry synced less recently than the lost one', () => {
      const reEnrolled = latitude({ sourceDeviceId: 'aad-NEW', lastSyncedAt: '2026-01-01T00:00:00.000Z' });
      const events = decide(importDevice(reEnrolled), stateAfter(...gone));
      expect(events.map((e) => e.type)).to.deep.equal(['HardwareSeenAgainInMdm', 'HardwareSourceLinked']);
      expect(events.reduce(evolve, stateAfter(...gone))).to.have.nested.property('mdmRecords.intune.sourceDeviceId', 'aad-NEW');
    });
  });

  describe('a device in both MDMs whose identity owner stopped listing it', () => {
    it('hands the identity fields to the source that still lists it', () => {
      const fromJamf = macbook({ osVersion: '15.0' });
      const fromIntune = macbook({ source: 'intune', sourceDeviceId: 'aad-7', osVersion: '15.2', lastSyncedAt: '2026-11-26T09:00:00.000Z' });
      const history = [imported(fromJamf), ...decide(importDevice(fromIntune), stateAfter(imported(fromJamf)))];
      expect(decide(importDevice(fromIntune), stateAfter(...history)), 'while Jamf lists it, Jamf owns it').to.deep.equal([]);
      const jamfGone = [...history, ...decide(markMissing('jamf'), stateAfter(...history))];
      const [event] = decide(importDevice(fromIntune), stateAfter(...jamfGone));
      expect(event!.data).to.deep.include({ scope: 'all', source: 'intune', changes: { osVersion: { from: '15.0', to: '15.2' } } });
    });
  });
});
