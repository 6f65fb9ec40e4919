import { expect } from 'chai';
import { auditLogProjection } from '../../src/application/projections/audit-log.projection.js';
import { hardwareRegisterProjection } from '../../src/application/projections/hardware-register.projection.js';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import type { HardwareEvent } from '../../src/domain/hardware/events.js';
import type { ImportRunEvent } from '../../src/domain/import-run/events.js';
import { decide } from '../../src/domain/hardware/decide.js';
import { alice, importDevice, imported, macbook, NOW, stateAfter } from '../support/mothers.js';

function recorded(event: HardwareEvent | ImportRunEvent, stream: string, revision: number, position: number): RecordedEvent {
  return { ...event, eventId: `e${position}`, stream, revision, position, metadata: {}, recordedAt: NOW };
}

describe('Projections', () => {
  describe('the hardware register', () => {
    const first = imported(macbook(), { assignee: alice });
    const update = decide(importDevice(macbook({ osVersion: '15.1' })), stateAfter(first))[0]!;
    const e0 = recorded(first, 'hardware-C02XK1JHJGH5', 0, 10);
    const e1 = recorded(update, 'hardware-C02XK1JHJGH5', 1, 11);

    it('builds the row every admin screen shows from the import', () => {
      const row = hardwareRegisterProjection.apply(undefined, e0)!;
      expect(row).to.deep.include({ id: 'hw-1', serial: 'C02XK1JHJGH5', assetTag: 'HW-00001', status: 'assigned', assignee: alice, revision: 0 });
      expect(row.sources).to.deep.equal([{ source: 'jamf', sourceDeviceId: '101', lastSyncedAt: '2026-11-26T08:00:00.000Z', missingSince: null, lastListedAt: NOW }]);
    });

    it('applies an identity update to the fields it names', () => {
      const row = hardwareRegisterProjection.apply(hardwareRegisterProjection.apply(undefined, e0), e1)!;
      expect(row).to.include({ osVersion: '15.1', revision: 1, name: "Alice's MacBook Pro" });
    });

    it('changes nothing when the same event is applied twice', () => {
      const once = hardwareRegisterProjection.apply(hardwareRegisterProjection.apply(undefined, e0), e1);
      const twice = hardwareRegisterProjection.apply(once, e1);
      expect(twice).to.deep.equal(once);
      expect(hardwareRegisterProjection.apply(once, e0)).to.deep.equal(once);
    });

    it('shows since when a source leaves the device out, and clears it when the source lists it again', () => {
      const gone = decide({ type: 'MarkMissingFromMdm', data: { source: 'jamf', runId: 'r2', lastCompleteListingAt: null }, metadata: { now: '2026-12-01T09:00:00.000Z' } }, stateAfter(first))[0]!;
      const back = decide(importDevice(macbook(), { now: '2026-12-02T09:00:00.000Z' }), stateAfter(first, gone))[0]!;
      const missingRow = hardwareRegisterProjection.apply(hardwareRegisterProjection.apply(undefined, e0), recorded(gone, 'hardware-C02XK1JHJGH5', 1, 11))!;
      expect(missingRow.sources[0]).to.include({ missingSince: '2026-12-01T09:00:00.000Z', lastListedAt: NOW });
      expect(missingRow).to.include({ status: 'assigned', updatedAt: '2026-12-01T09:00:00.000Z' });
      const backRow = hardwareRegisterProjection.apply(missingRow, recorded(back, 'hardware-C02XK1JHJGH5', 2, 12))!;
      expect(backRow.sources[0]).to.include({ missingSince: null, lastListedAt: '2026-12-02T09:00:00.000Z' });
    });

    it('keys rows by hardware stream and ignores other events', () => {
      expect(hardwareRegisterProjection.keyOf(e0)).to.equal('hardware-C02XK1JHJGH5');
      expect(hardwareRegisterProjection.keyOf({ ...e0, type: 'ImportStarted' })).to.equal(null);
    });
  });

  describe('the audit log', () => {
    const started = recorded({ type: 'ImportStarted', data: { runId: 'r1', source: 'intune', triggeredBy: 'admin@acme.example', startedAt: NOW } }, 'mdmImport-intune', 0, 5);
    const counts = { created: 2, updated: 0, unchanged: 1, skipped: 0, errors: 0, missing: 0 };
    const completed = recorded(
      { type: 'ImportCompleted', data: { runId: 'r1', source: 'intune', triggeredBy: 'admin@acme.example', startedAt: NOW, completedAt: NOW, durationMs: 0, counts, pages: 1 } },
      'mdmImport-intune', 2, 9,
    );

    it('records one entry per run with its counts and source', () => {
      const done = auditLogProjection.apply(auditLogProjection.apply(undefined, started), completed);
      expect(done).to.deep.include({ runId: 'r1', source: 'intune', status: 'completed', counts, triggeredBy: 'admin@acme.example' });
    });

    it('changes nothing when the same event is applied twice', () => {
      const done = auditLogProjection.apply(auditLogProjection.apply(undefined, started), completed);
      expect(auditLogProjection.apply(done, completed)).to.deep.equal(done);
      expect(auditLogProjection.apply(done, started)).to.deep.equal(done);
    });
  });
});
