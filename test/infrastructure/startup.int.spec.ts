import { expect } from 'chai';
import { loadConfig } from '../../src/infrastructure/config.js';
import { startServer } from '../../src/infrastructure/server-main.js';
import { closedPort } from '../support/ports.js';
import { startSilentMongo } from '../support/silent-mongo.js';

describe('Start-up on the production stores', function () {
  this.timeout(30_000);

  it('fails fast, naming the store and the variable, when MongoDB does not answer', async () => {
    const [mongoPort, esdbPort] = [await closedPort(), await closedPort()];
    const config = loadConfig({
      EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${esdbPort}?tls=false`,
      MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/ontrackio`,
      SECRETS_KEY: 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=',
      API_TOKENS: 'startup-token-0123456789abcdef=ops@acme.example:admin',
      PORT: '0',
    });
    const started = Date.now();
    const error = await startServer(config).then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/MongoDB does not answer at MONGODB_URI.*Check the URI and that the server is up/);
    expect(Date.now() - started).to.be.below(20_000);
  });

  it('fails in seconds, naming MongoDB, when it answers the handshake and then nothing (STORE_TIMEOUT_SECONDS)', async () => {
    const mongo = await startSilentMongo();
    try {
      const config = loadConfig({
        EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${await closedPort()}?tls=false`,
        MONGODB_URI: mongo.uri,
        STORE_TIMEOUT_SECONDS: '2',
        SECRETS_KEY: 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=',
        API_TOKENS: 'startup-token-0123456789abcdef=ops@acme.example:admin',
        PORT: '0',
      });
      const started = Date.now();
      const error = await startServer(config).then(() => null, (e: unknown) => e);
      expect((error as Error | null)?.message).to.match(/MongoDB does not answer at MONGODB_URI: .*timed out.*Check the URI and that the server is up/);
      expect(Date.now() - started).to.be.within(1_500, 10_000);
    } finally {
      await mongo.close();
    }
  });

  it('refuses to start on the production stores without SECRETS_KEY', () => {
    const config = loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false', MONGODB_URI: 'mongodb://127.0.0.1:1/x' });
    return startServer(config).then(
      () => expect.fail('started without SECRETS_KEY'),
      (error: Error) => expect(error.message).to.match(/SECRETS_KEY: is required when EventStoreDB and MongoDB are configured/),
    );
  });
});
