import { expect } from 'chai';
import { ConfigurationError, loadConfig } from '../../src/infrastructure/config.js';
import { mongoDatabaseName } from '../../src/infrastructure/production-stores.js';

describe('Configuration', () => {
  it('defaults to the embedded store under ./data', () => {
    const config = loadConfig({});
    expect(config.eventStoreConnectionString).to.equal(null);
    expect(config.dataFile).to.match(/data\/ontrackio\.sqlite$/);
    expect(config).to.include({ assetTagPrefix: 'HW-', assetTagDigits: 5, port: 3000, host: '127.0.0.1', mdmMaxResponseBytes: 64 * 1024 * 1024, httpKeepAliveMs: 65_000 });
  });

  it('chooses the production stores only when both are set, and says which one is missing', () => {
    expect(() => loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' })).to.throw(ConfigurationError, /MONGODB_URI: is not set, but EVENTSTORE_CONNECTION_STRING is/);
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://localhost:27017' })).to.throw(ConfigurationError, /EVENTSTORE_CONNECTION_STRING: is not set/);
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false', MONGODB_URI: 'mongodb://localhost:27017/x' }).mongodbUri).to.equal('mongodb://localhost:27017/x');
  });

  it('refuses malformed connection strings and numbers, naming the variable and an example', () => {
    expect(() => loadConfig({ EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113', MONGODB_URI: 'mongodb://m' })).to.throw(ConfigurationError, /esdb:\/\/localhost:2113\?tls=false/);
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigurationError, /PORT: "eighty" is not a whole number/);
    expect(() => loadConfig({ ASSET_TAG_DIGITS: '40' })).to.throw(ConfigurationError, /ASSET_TAG_DIGITS/);
    expect(() => loadConfig({ ASSET_TAG_PREFIX: 'Asset Tag ' })).to.throw(ConfigurationError, /^ASSET_TAG_PREFIX: Asset tag prefix "Asset Tag" is not allowed\. Use 1–16 letters, digits or - _ \/ \./);
    expect(loadConfig({ ASSET_TAG_PREFIX: ' ' })).to.include({ assetTagPrefix: 'HW-' });
    expect(() => loadConfig({ MDM_MAX_RESPONSE_MIB: '0' })).to.throw(ConfigurationError, /MDM_MAX_RESPONSE_MIB/);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_SECONDS: '0' })).to.throw(ConfigurationError, /HTTP_KEEP_ALIVE_SECONDS: "0" is not a whole number from 1 to 3600/);
  });

  it('takes the MongoDB database from the URI, else "ontrackio"', () => {
    expect(mongoDatabaseName('mongodb://mongo:27017/register?replicaSet=rs0', null)).to.equal('register');
    expect(mongoDatabaseName('mongodb://mongo:27017', null)).to.equal('ontrackio');
    expect(mongoDatabaseName('mongodb://mongo:27017/x', 'override')).to.equal('override');
  });
});
