import { expect } from 'chai';
import { SecretUnreadable } from '../../src/application/ports/secret-box.js';
import { randomBytes } from 'node:crypto';
import { AesGcmSecretBox, parseSecretsKey } from '../../src/infrastructure/aes-gcm-secret-box.js';
import { ConfigurationError } from '../../src/infrastructure/config.js';
import { jsonLogger } from '../../src/infrastructure/logger.js';
import { ConfiguredTokenAuthenticator } from '../../src/infrastructure/token-authenticator.js';

describe('Secrets at rest (AES-256-GCM)', () => {
  const box = new AesGcmSecretBox(randomBytes(32));

  it('seals a secret so it can be opened again, with a fresh nonce each time', () => {
    const a = box.seal('s3cret');
    expect(a).to.match(/^v1\./).and.not.include('s3cret');
    expect(box.seal('s3cret')).to.not.equal(a);
    expect(box.open(a)).to.equal('s3cret');
  });

  it('refuses to open a tampered secret or one sealed with another key, saying what to do', () => {
    const sealed = box.seal('s3cret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).to.throw(SecretUnreadable, /enter it again/);
    expect(() => new AesGcmSecretBox(randomBytes(32)).open(sealed)).to.throw(SecretUnreadable);
  });

  it('opens with the previous key during a rotation, and seals with the current one', () => {
    const previous = randomBytes(32);
    const old = new AesGcmSecretBox(previous).seal('s3cret');
    const rotating = new AesGcmSecretBox(randomBytes(32), previous);
    expect(rotating.open(old)).to.equal('s3cret');
    expect(() => new AesGcmSecretBox(previous).open(rotating.seal('s3cret'))).to.throw(SecretUnreadable);
  });

  it('refuses a key that is not 32 bytes or is weak', () => {
    expect(() => parseSecretsKey('too-short')).to.throw(ConfigurationError, /SECRETS_KEY: must be 32 bytes/);
    expect(() => parseSecretsKey(Buffer.alloc(32, 7).toString('base64'))).to.throw(ConfigurationError, /too weak/);
    expect(parseSecretsKey(randomBytes(32).toString('hex'))).to.have.length(32);
  });
});

describe('Log redaction (pino, by configuration)', () => {
  const logged = (fields: Record<string, unknown>, message = 'saved') => {
    const lines: string[] = [];
    jsonLogger((line) => lines.push(line)).info(message, fields);
    return JSON.parse(lines[0]!) as Record<string, unknown>;
  };

  it('writes one JSON line per record with level, message and ISO time', () => {
    const line = logged({ source: 'jamf' });
    expect(line).to.include({ level: 'info', message: 'saved', source: 'jamf' });
    expect(Date.parse(line.time as string)).to.be.a('number').and.not.NaN;
  });

  it('masks credential fields at the top and one or two levels down, and request headers', () => {
    expect(logged({ clientSecret: 'x', settings: { client_secret: 'abc', tenantUrl: 'https://a' }, nested: { deeper: { password: 'p' } }, req: { headers: { authorization: 'Bearer abc' } } })).to.deep.include({
      clientSecret: '[redacted]',
      settings: { client_secret: '[redacted]', tenantUrl: 'https://a' },
      nested: { deeper: { password: '[redacted]' } },
      req: { headers: { authorization: '[redacted]' } },
    });
  });

  it('logs an error as its name and message, a bearer token in it masked', () => {
    expect(logged({ error: new Error('Graph said: Bearer eyJabc.def is expired') }).error).to.deep.equal({ name: 'Error', message: 'Graph said: Bearer [redacted] is expired' });
  });
});

describe('Bearer tokens from API_TOKENS', () => {
  const auth = new ConfiguredTokenAuthenticator('aaaaaaaaaaaaaaaaaaaaaaaa1=ann@acme.example:it-admin, bbbbbbbbbbbbbbbbbbbbbbbb2=ben@acme.example:member');

  it('signs in a known token as its user and role, and nobody else', async () => {
    expect(await auth.authenticate('aaaaaaaaaaaaaaaaaaaaaaaa1')).to.deep.equal({ email: 'ann@acme.example', role: 'it-admin' });
    expect(await auth.authenticate('bbbbbbbbbbbbbbbbbbbbbbbb2')).to.deep.equal({ email: 'ben@acme.example', role: 'member' });
    expect(await auth.authenticate('nope')).to.equal(null);
  });

  it('refuses malformed entries, short tokens and unknown roles at start-up', () => {
    expect(() => new ConfiguredTokenAuthenticator('token-without-email')).to.throw(ConfigurationError, /token=email:role/);
    expect(() => new ConfiguredTokenAuthenticator('short=ann@acme.example:admin')).to.throw(ConfigurationError, /shorter than 24/);
    expect(() => new ConfiguredTokenAuthenticator('cccccccccccccccccccccccc3=ann@acme.example:root')).to.throw(ConfigurationError, /role "root"/);
    expect(() => new ConfiguredTokenAuthenticator('cccccccccccccccccccccccc3=ann@acme.example:admin,dddddddddddddddddddddddd4=ben@acme.example:member,cccccccccccccccccccccccc3=cy@acme.example:member'))
      .to.throw(ConfigurationError, /the token for cy@acme\.example \(entry 3\) is also the token of entry 1 \(ann@acme\.example\)/);
  });
});
