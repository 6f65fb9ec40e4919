import { expect } from 'chai';
import { isBearerToken, MAX_BEARER_CHARS } from '../../src/adapters/driven/http/bearer-token.js';

describe('a bearer token from a token answer', () => {
  it('is a JWT, or base64 with its padding, as Entra ID and Jamf send them', () => {
    expect(isBearerToken('eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJl-_')).to.equal(true);
    expect(isBearerToken('abc+/def==')).to.equal(true);
    expect(isBearerToken('a'.repeat(MAX_BEARER_CHARS))).to.equal(true);
  });

  it('is not text that would carry a line break, a space or a second header into the Authorization header', () => {
    for (const value of ['abc\r\nX-Injected: yes', 'abc def', 'abc\n', ' abc', 'abc=def', '', 'ä']) expect(isBearerToken(value), JSON.stringify(value)).to.equal(false);
  });

  it('is not over 16,384 characters, nor anything but text', () => {
    expect(isBearerToken('a'.repeat(MAX_BEARER_CHARS + 1))).to.equal(false);
    for (const value of [null, undefined, 42, {}, ['abc']]) expect(isBearerToken(value)).to.equal(false);
  });
});
