import { expect } from 'chai';
import tls from 'node:tls';
import sinon from 'sinon';
import { request } from 'undici';
import { outboundDispatcher } from '../../src/adapters/driven/http/outbound.js';
import { startHttpsServer, type RunningServer } from '../emulators/https-server.js';
import { mintTls, type EmulatorTls } from '../emulators/tls.js';

describe('Outbound TLS with an extra trusted CA', function () {
  this.timeout(20_000);
  let served: EmulatorTls;
  let server: RunningServer;

  before(async () => {
    served = await mintTls('outbound');
    // Every answer closes its connection, so each request opens a new one.
    server = await startHttpsServer(served, () => ({ status: 200, body: { ok: true }, headers: { connection: 'close' } }));
  });
  after(() => server.close());
  afterEach(() => sinon.restore());

  it('opens each new connection without building a secure context again (parsing every root certificate)', async () => {
    const dispatcher = outboundDispatcher({ extraCaPem: [served.caPem] });
    const built = sinon.spy(tls, 'createSecureContext');
    for (let i = 0; i < 4; i += 1) {
      const answer = await request(`${server.url}/page/${i}`, { dispatcher });
      expect(await answer.body.json()).to.deep.equal({ ok: true });
    }
    expect(built.callCount, 'secure contexts built per connection').to.equal(0);
    await dispatcher.close();
  });

  it('still refuses a server whose certificate no trusted CA signed', async () => {
    const stranger = await mintTls('stranger');
    const other = await startHttpsServer(stranger, () => ({ status: 200, body: {} }));
    try {
      const dispatcher = outboundDispatcher({ extraCaPem: [served.caPem] });
      const refused = await request(other.url, { dispatcher }).then(() => null, (error: unknown) => error as Error & { code?: string });
      expect(refused?.code ?? refused?.message).to.match(/CERT|certificate|self-signed|UNABLE/i);
      await dispatcher.close();
    } finally {
      await other.close();
    }
  });
});
