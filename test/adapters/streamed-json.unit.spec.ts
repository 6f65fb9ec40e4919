import { expect } from 'chai';
import { StreamedJsonObject, type JsonSink } from '../../src/adapters/driving/streamed-json.js';

/** A sink that keeps what it is given, and when it was begun. */
function memorySink(): JsonSink & { text: string; begun: number } {
  const sink = {
    text: '',
    begun: 0,
    begin: () => void (sink.begun += sink.text === '' ? 1 : 100),
    write: async (text: string) => void (sink.text += text),
    end: (text: string) => void (sink.text += text),
  };
  return sink;
}

describe('A streamed JSON object, laid out', () => {
  const outcomes = [{ serial: 'A', detail: 'line\nbreak "quoted"', nested: { ok: true } }, { serial: 'B', tags: [] }, { serial: 'C' }];
  const missing = [{ serial: 'D', lastListedAt: null }];

  for (const indent of [0, 2, 4]) {
    it(`given two arrays written in pieces and other fields, then the text is JSON.stringify's with indent ${indent}`, async () => {
      const sink = memorySink();
      const body = new StreamedJsonObject(sink, { indent });
      await body.add('outcomes', outcomes.slice(0, 2));
      await body.add('outcomes', []);
      await body.add('outcomes', outcomes.slice(2));
      await body.add('missing', missing);
      await body.end({ runId: 'r1', outcomes: [], missing: [], counts: { created: 3 }, warnings: [] });
      expect(sink.text).to.equal(JSON.stringify({ outcomes, missing, runId: 'r1', counts: { created: 3 }, warnings: [] }, null, indent));
      expect(sink.begun, 'begun once, before the first piece').to.equal(1);
    });

    it(`given one array and no other fields, then the object closes after it (indent ${indent})`, async () => {
      const sink = memorySink();
      const body = new StreamedJsonObject(sink, { indent });
      await body.add('outcomes', outcomes);
      await body.end({ outcomes: [] });
      expect(sink.text).to.equal(JSON.stringify({ outcomes }, null, indent));
    });
  }

  it('given no items at all, then nothing is written and it has not started: the caller answers whole', async () => {
    const sink = memorySink();
    const body = new StreamedJsonObject(sink, { indent: 2 });
    await body.add('outcomes', []);
    expect([body.hasStarted, sink.text, sink.begun]).to.deep.equal([false, '', 0]);
  });
});
