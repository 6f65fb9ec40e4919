import { expect } from 'chai';
import { InvalidTenantUrl, validateJamfTenantUrl } from '../../src/domain/connectors/jamf-tenant-url.js';
import { validateGuid, validateHttpsOrigin } from '../../src/domain/connectors/identifiers.js';
import { readiness } from '../../src/domain/connectors/connector-settings.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';

describe('Jamf Pro tenant URL', () => {
  const accepted: Array<[string, string]> = [
    ['https://acme.jamfcloud.com', 'https://acme.jamfcloud.com'],
    ['  https://ACME.jamfcloud.com ', 'https://acme.jamfcloud.com'],
    ['https://jamf.acme.example:8443', 'https://jamf.acme.example:8443'],
  ];
  for (const [raw, url] of accepted) {
    it(`accepts ${JSON.stringify(raw)} as ${url}`, () => expect(validateJamfTenantUrl(raw)).to.equal(url));
  }

  const refused: Array<[string, RegExp, string | null]> = [
    ['https://acme.jamfcloud.com/', /must not end with a slash/, 'https://acme.jamfcloud.com'],
    ['https://acme.jamfcloud.com/api', /must not end in \/api/, 'https://acme.jamfcloud.com'],
    ['https://acme.jamfcloud.com/api/', /must not end in \/api/, 'https://acme.jamfcloud.com'],
    ['https://acme.jamfcloud.com/api/v1/oauth/token', /must not end in \/api/, 'https://acme.jamfcloud.com'],
    ['http://acme.jamfcloud.com', /must use https/, 'https://acme.jamfcloud.com'],
    ['https://acme.jamfcloud.com/jss', /must not have a path \(\/jss\)/, 'https://acme.jamfcloud.com'],
    ['https://acme.jamfcloud.com?x=1', /must not have a query string/, 'https://acme.jamfcloud.com'],
    ['https://acme.jamfcloud.com#top', /must not have a fragment/, 'https://acme.jamfcloud.com'],
    ['https://admin:pw@acme.jamfcloud.com', /user name or password/, 'https://acme.jamfcloud.com'],
    ['acme.jamfcloud.com', /is not a URL/, 'https://acme.jamfcloud.com'],
    ['', /is empty/, null],
    ['ftp://acme.jamfcloud.com', /must use https/, null],
    ['https://acme.jamfcloud.com:0', /has port 0/, 'https://acme.jamfcloud.com'],
  ];
  for (const [raw, rule, corrected] of refused) {
    it(`refuses ${JSON.stringify(raw)}, naming the rule${corrected ? ' and showing the corrected URL' : ''}`, () => {
      const error = (() => {
        try {
          validateJamfTenantUrl(raw);
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(error).to.be.instanceOf(InvalidTenantUrl);
      expect((error as DomainError).field).to.equal('tenantUrl');
      expect((error as Error).message).to.match(rule);
      if (corrected) expect((error as Error).message).to.include(`Use ${corrected} instead.`);
    });
  }
});

describe('Intune identifiers and hosts', () => {
  it('accepts GUIDs for the tenant and client IDs, normalised to lower case', () => {
    expect(validateGuid('tenantId', ' 7F3A1C2E-9B4D-4E6F-8A1B-2C3D4E5F6A7B ')).to.equal('7f3a1c2e-9b4d-4e6f-8a1b-2c3d4e5f6a7b');
  });

  it('refuses anything else, saying where to copy the ID from', () => {
    expect(() => validateGuid('clientId', 'my-app')).to.throw(DomainError, /clientId "my-app" is not a GUID.*Application \(client\) ID/);
  });

  it('takes https origins for sovereign clouds and refuses paths', () => {
    expect(validateHttpsOrigin('graphBaseUrl', 'https://graph.microsoft.us')).to.equal('https://graph.microsoft.us');
    expect(() => validateHttpsOrigin('authorityHost', 'https://login.microsoftonline.us/tenant')).to.throw(DomainError, /authorityHost/);
    expect(() => validateHttpsOrigin('graphBaseUrl', 'https://graph.microsoft.us:0')).to.throw(DomainError, /graphBaseUrl/);
    expect(() => validateHttpsOrigin('graphBaseUrl', 'http://graph.microsoft.us')).to.throw(DomainError, /https/);
  });
});

describe('The Configured badge', () => {
  it('reads Configured only when enabled with every required field', () => {
    expect(readiness('jamf', { enabled: true, tenantUrl: 'https://a.jamfcloud.com', clientId: 'c', clientSecret: 's' })).to.deep.equal({ configured: true, missing: [] });
  });

  it('lists what is missing: disabled, fields, or nothing saved at all', () => {
    expect(readiness('intune', { enabled: false, tenantId: 't', clientId: '', clientSecret: null, authorityHost: null, graphBaseUrl: null }))
      .to.deep.equal({ configured: false, missing: ['enabled', 'clientId', 'clientSecret'] });
    expect(readiness('jamf', null)).to.deep.equal({ configured: false, missing: ['enabled', 'tenantUrl', 'clientId', 'clientSecret'] });
  });
});
