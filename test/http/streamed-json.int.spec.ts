import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { ClientGone, responseSink } from '../../src/adapters/driving/http/streamed-json.js';
import { StreamedJsonObject } from '../../src/adapters/driving/streamed-json.js';

interface Route {
  url: string;
  /** How the writer ended: 'written', 'client gone', or its error's message. */
  ended: Promise<string>;
}

/** Serves a route that writes what `write` does to a streamed object, runs `check` against it, then closes it. */
async function withRoute(write: (body: StreamedJsonObject) => Promise<void>, check: (route: Route) => Promise<void>): Promise<void> {
  let report: (how: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => (report = resolve));
  const app = express();
  app.get('/', async (_request, response) => {
    try {
      await write(new StreamedJsonObject(responseSink(response)));
      report('written');
    } catch (error) {
      report(error instanceof ClientGone ? 'client gone' : (error as Error).message);
      response.destroy();
    }
  });
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await check({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, ended });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Writes `pieces` pieces of an array. */
const inPieces = (pieces: number, itemsPerPiece: number) => async (body: StreamedJsonObject) => {
  for (let piece = 0; piece < pieces; piece += 1) await body.add('items', Array.from({ length: itemsPerPiece }, (_, i) => ({ piece, i, text: 'x'.repeat(100) })));
  await body.end({ total: pieces * itemsPerPiece });
};

describe('A JSON object whose arrays are streamed', () => {
  it('given pieces of an array, when they are written, then the body is one JSON object with the other fields after the array', async () => {
    await withRoute(inPieces(3, 2), async (route) => {
      const response = await fetch(route.url);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      const body = (await response.json()) as { items: Array<{ piece: number }>; total: number };
      expect(body.items.map((item) => item.piece)).to.deep.equal([0, 0, 1, 1, 2, 2]);
      expect(body.total).to.equal(6);
      expect(await route.ended).to.equal('written');
    });
  });

  it('given a client that reads the first bytes and goes away, then the writer stops at its next piece instead of reading on for nobody', async () => {
    // About 1.2 GB if it were all written: only a writer that notices the client has gone ends in time.
    await withRoute(inPieces(1_000, 10_000), async (route) => {
      await new Promise<void>((resolve, reject) => {
        const asked = request(route.url, (response) => {
          response.once('data', () => {
            asked.destroy();
            resolve();
          });
        });
        asked.on('error', () => undefined);
        asked.once('error', reject);
        asked.end();
      });
      expect(await route.ended).to.equal('client gone');
    });
  });

  it('given two arrays written one after the other, then the body holds both, and the other fields once, without the arrays again', async () => {
    const twoArrays = async (body: StreamedJsonObject) => {
      await body.add('outcomes', [{ serial: 'A' }]);
      await body.add('outcomes', [{ serial: 'B' }]);
      await body.add('missing', [{ serial: 'C' }]);
      await body.end({ outcomes: [], missing: [], runId: 'r1' });
    };
    await withRoute(twoArrays, async (route) => {
      expect(await (await fetch(route.url)).json()).to.deep.equal({ outcomes: [{ serial: 'A' }, { serial: 'B' }], missing: [{ serial: 'C' }], runId: 'r1' });
      expect(await route.ended).to.equal('written');
    });
  });

  it('given an array written after another was begun, then it is refused rather than written as a second field of the same name', async () => {
    const reopened = async (body: StreamedJsonObject) => {
      await body.add('outcomes', [{ serial: 'A' }]);
      await body.add('missing', [{ serial: 'C' }]);
      await body.add('outcomes', [{ serial: 'B' }]);
      await body.end({});
    };
    await withRoute(reopened, async (route) => {
      await fetch(route.url).then((response) => response.text()).catch(() => undefined);
      expect(await route.ended).to.equal('The array outcomes was already closed: its items must come together.');
    });
  });
});
