import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { LIST_BYTES_PER_EVENT, type EventStore, type ReadAllPage } from '../../src/application/ports/event-store.js';
import { StreamConflict } from '../../src/application/ports/errors.js';

export interface EventStoreHarness {
  store: EventStore;
  close(): Promise<void>;
}

const event = (n: number) => ({ type: 'Numbered', data: { n }, metadata: { by: 'contract' } });

/**
 * What every event-store adapter must do. Stream categories are unique per test so that the suite can
 * run against a shared server that already holds other events.
 */
export function eventStoreContract(name: string, open: () => Promise<EventStoreHarness>): void {
  describe(`EventStore contract: ${name}`, function () {
    let harness: EventStoreHarness;
    let category: string;
    const stream = (id: string) => `${category}-${id}`;

    beforeEach(async () => {
      harness = await open();
      category = `c${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });
    afterEach(() => harness.close());

    it('reads an unknown stream as empty', async () => {
      expect(await harness.store.readStream(stream('none'))).to.deep.equal([]);
    });

    it('appends to a new stream and reads it back in order with revisions from 0', async () => {
      const { nextRevision } = await harness.store.append(stream('a'), [event(1), event(2)], 'no_stream');
      expect(nextRevision).to.equal(1);
      const read = await harness.store.readStream(stream('a'));
      expect(read.map((e) => [e.revision, e.type, e.data, e.metadata])).to.deep.equal([
        [0, 'Numbered', { n: 1 }, { by: 'contract' }],
        [1, 'Numbered', { n: 2 }, { by: 'contract' }],
      ]);
      expect(read[0]!.stream).to.equal(stream('a'));
      expect(Date.parse(read[0]!.recordedAt)).to.be.greaterThan(0);
      expect(read[0]!.eventId).to.be.a('string').and.not.equal(read[1]!.eventId);
    });

    it('appends at the expected revision', async () => {
      await harness.store.append(stream('b'), [event(1)], 'no_stream');
      await harness.store.append(stream('b'), [event(2)], 0);
      expect((await harness.store.readStream(stream('b'))).map((e) => e.data)).to.deep.equal([{ n: 1 }, { n: 2 }]);
    });

    it('refuses an append at a stale revision with StreamConflict, writing nothing', async () => {
      await harness.store.append(stream('c'), [event(1), event(2)], 'no_stream');
      const stale = await harness.store.append(stream('c'), [event(3)], 0).then(() => null, (e: unknown) => e);
      expect(stale).to.be.instanceOf(StreamConflict);
      expect(stale).to.include({ stream: stream('c'), actual: 1 });
      const twice = await harness.store.append(stream('c'), [event(3)], 'no_stream').then(() => null, (e: unknown) => e);
      expect(twice).to.be.instanceOf(StreamConflict);
      expect(await harness.store.readStream(stream('c'))).to.have.length(2);
    });

    it('takes an event holding a run list of the most one event carries, with room for its other fields, in one write', async () => {
      // Text of two-byte characters, as names in Cyrillic or Greek are, so the bound is met in bytes.
      const list = Array.from({ length: 64 }, (_, i) => ({ n: i, name: 'Ж'.repeat(LIST_BYTES_PER_EVENT / 128 - 16) }));
      const data = { runId: 'r', page: 1, outcomes: list, recordedAt: new Date(0).toISOString(), other: 'x'.repeat(8_192) };
      expect(Buffer.byteLength(JSON.stringify(list))).to.be.within(LIST_BYTES_PER_EVENT - 4_096, LIST_BYTES_PER_EVENT);
      await harness.store.append(stream('big'), [{ type: 'Listed', data, metadata: { by: 'contract' } }], 'no_stream');
      const [read] = await harness.store.readStream(stream('big'));
      expect(read!.data).to.deep.equal(data);
    });

    it("appends whatever the revision with 'any'", async () => {
      await harness.store.append(stream('d'), [event(1)], 'any');
      await harness.store.append(stream('d'), [event(2)], 'any');
      expect(await harness.store.readStream(stream('d'))).to.have.length(2);
    });

    it('reads only the event types asked for, keeping their revisions', async () => {
      await harness.store.append(stream('t'), [event(1), { type: 'Other', data: {} }, event(2)], 'no_stream');
      const read = await harness.store.readStream(stream('t'), { types: ['Numbered'] });
      expect(read.map((e) => [e.revision, e.data])).to.deep.equal([[0, { n: 1 }], [2, { n: 2 }]]);
      expect(await harness.store.readStream(stream('none'), { types: ['Numbered'] })).to.deep.equal([]);
    });

    it('reads a stream from a revision on, alone or with a type filter', async () => {
      await harness.store.append(stream('r'), [event(1), { type: 'Other', data: {} }, event(2), event(3)], 'no_stream');
      expect((await harness.store.readStream(stream('r'), { fromRevision: 2 })).map((e) => e.revision)).to.deep.equal([2, 3]);
      expect((await harness.store.readStream(stream('r'), { fromRevision: 1, types: ['Other'] })).map((e) => e.revision)).to.deep.equal([1]);
      expect(await harness.store.readStream(stream('r'), { fromRevision: 9 })).to.deep.equal([]);
    });

    it('reads a stream backwards, newest first, stopping at maxCount (of the types asked for)', async () => {
      await harness.store.append(stream('w'), [event(1), { type: 'Other', data: {} }, event(2), { type: 'Other', data: {} }], 'no_stream');
      expect((await harness.store.readStream(stream('w'), { backwards: true })).map((e) => e.revision)).to.deep.equal([3, 2, 1, 0]);
      expect((await harness.store.readStream(stream('w'), { backwards: true, maxCount: 1 })).map((e) => e.revision)).to.deep.equal([3]);
      expect((await harness.store.readStream(stream('w'), { backwards: true, maxCount: 1, types: ['Numbered'] })).map((e) => e.revision)).to.deep.equal([2]);
      expect((await harness.store.readStream(stream('w'), { backwards: true, fromRevision: 1 })).map((e) => e.revision)).to.deep.equal([1, 0]);
      // One event at a revision, as the import history steps from a run's end to the one before it.
      expect((await harness.store.readStream(stream('w'), { backwards: true, fromRevision: 2, maxCount: 1 })).map((e) => e.revision)).to.deep.equal([2]);
      expect(await harness.store.readStream(stream('none'), { backwards: true, maxCount: 1 })).to.deep.equal([]);
    });

    it('reads several streams at once, leaving out those that do not exist', async () => {
      await harness.store.append(stream('e1'), [event(1)], 'no_stream');
      await harness.store.append(stream('e2'), [event(2), event(3)], 'no_stream');
      const read = await harness.store.readStreams([stream('e1'), stream('e2'), stream('e3')]);
      expect(read.get(stream('e1'))!.map((e) => e.data)).to.deep.equal([{ n: 1 }]);
      expect(read.get(stream('e2'))!.map((e) => e.revision)).to.deep.equal([0, 1]);
      expect(read.has(stream('e3'))).to.equal(false);
    });

    it('reads each stream named with a revision from the one after it; one that does not reach that revision is left out', async () => {
      await harness.store.append(stream('f1'), [event(1), event(2), event(3)], 'no_stream');
      await harness.store.append(stream('f2'), [event(4), event(5)], 'no_stream');
      await harness.store.append(stream('f3'), [event(6)], 'no_stream');
      await harness.store.append(stream('f5'), [event(7)], 'no_stream');
      const after = new Map([[stream('f1'), 0], [stream('f2'), 1], [stream('f5'), 3], [stream('f6'), 0]]);
      const read = await harness.store.readStreams([stream('f1'), stream('f2'), stream('f3'), stream('f4'), stream('f5'), stream('f6')], after);
      expect(read.get(stream('f1'))!.map((e) => [e.revision, e.data])).to.deep.equal([[1, { n: 2 }], [2, { n: 3 }]]);
      expect(read.get(stream('f2')), 'reaches revision 1 and has nothing after it').to.deep.equal([]);
      expect(read.get(stream('f3'))!.map((e) => e.revision)).to.deep.equal([0]);
      expect(read.has(stream('f4')), 'no such stream').to.equal(false);
      expect(read.has(stream('f5')), 'ends at revision 0, before 3').to.equal(false);
      expect(read.has(stream('f6')), 'no such stream, though named with a revision').to.equal(false);
    });

    it('appends to many streams, reporting a conflicting one without losing the others', async () => {
      await harness.store.append(stream('f2'), [event(0)], 'no_stream');
      const outcomes = await harness.store.appendMany([
        { stream: stream('f1'), expectedRevision: 'no_stream', events: [event(1)] },
        { stream: stream('f2'), expectedRevision: 'no_stream', events: [event(2)] },
        { stream: stream('f3'), expectedRevision: 'no_stream', events: [event(3), event(4)] },
      ]);
      expect(outcomes.map((o) => [o.stream, o.ok])).to.deep.equal([[stream('f1'), true], [stream('f2'), false], [stream('f3'), true]]);
      expect(outcomes[1]).to.include({ actualRevision: 0 });
      expect(outcomes[2]).to.include({ nextRevision: 1 });
      expect(await harness.store.readStream(stream('f2'))).to.have.length(1);
      expect(await harness.store.readStream(stream('f3'))).to.have.length(2);
    });

    it('reads all events of chosen categories in position order, a page at a time, to the end', async () => {
      for (let i = 0; i < 5; i += 1) await harness.store.append(stream(`g${i}`), [event(i)], 'no_stream');
      await harness.store.append(stream('g-pair'), [event(5), event(6)], 'no_stream');
      const seen: number[] = [];
      let after = 0;
      let page: ReadAllPage;
      let pages = 0;
      do {
        page = await harness.store.readAll({ after, maxCount: 2, categories: [category] });
        seen.push(...page.events.map((e) => (e.data as { n: number }).n));
        expect(page.lastPosition).to.be.at.least(after);
        after = page.lastPosition;
        pages += 1;
      } while (!page.isEnd && pages < 20);
      expect(seen).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
      const all = await harness.store.readAll({ after: 0, maxCount: 1_000_000, categories: [category] });
      const positions = all.events.map((e) => e.position);
      expect(positions, 'global positions grow strictly, even within one append').to.deep.equal([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).to.equal(positions.length);
      const again = await harness.store.readAll({ after, maxCount: 10, categories: [category] });
      expect(again.events).to.deep.equal([]);
      expect(again.isEnd).to.equal(true);
    });

    it('reads two categories together in position order, a page at a time, leaving other categories out', async () => {
      const other = `${category}x`;
      const unchosen = `${category}y`;
      const appends: Array<[string, number]> = [[stream('k0'), 0], [`${other}-k1`, 1], [`${unchosen}-k2`, 99], [stream('k3'), 3], [`${other}-k4`, 4], [`${other}-k5`, 5], [stream('k6'), 6]];
      for (const [name, n] of appends) await harness.store.append(name, [event(n)], 'no_stream');
      const seen: number[] = [];
      let after = 0;
      let page: ReadAllPage;
      let pages = 0;
      do {
        page = await harness.store.readAll({ after, maxCount: 2, categories: [category, other] });
        expect(page.events.length).to.be.at.most(2);
        seen.push(...page.events.map((e) => (e.data as { n: number }).n));
        after = page.lastPosition;
        pages += 1;
      } while (!page.isEnd && pages < 20);
      expect(seen).to.deep.equal([0, 1, 3, 4, 5, 6]);
    });

    it('delivers past and new events to a subscriber, and stops when closed', async () => {
      await harness.store.append(stream('h'), [event(1)], 'no_stream');
      const received: number[] = [];
      let resolveTwo!: () => void;
      const two = new Promise<void>((r) => (resolveTwo = r));
      const subscription = await harness.store.subscribe({ after: 0, categories: [category] }, async (page) => {
        received.push(...page.events.map((e) => (e.data as { n: number }).n));
        if (received.length >= 2) resolveTwo();
      });
      await harness.store.append(stream('h'), [event(2)], 0);
      await Promise.race([two, new Promise((_, reject) => setTimeout(() => reject(new Error('subscriber got no new event in 5 s')), 5000))]);
      await subscription.close();
      await harness.store.append(stream('h'), [event(3)], 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(received).to.deep.equal([1, 2]);
    });
  });
}
