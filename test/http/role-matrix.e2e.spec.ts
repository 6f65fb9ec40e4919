import { expect } from 'chai';
import { startHttpWorld, type HttpWorld, type RoleName } from '../support/http-world.js';
import { WAIT_FOR_RESULT } from '../support/wait-for-result.js';

type Access = 'public' | 'signed-in' | 'admin';
const ROUTES: Array<{ method: string; path: string; template: string; access: Access; body?: unknown }> = [
  { method: 'GET', path: '/healthz', template: '/healthz', access: 'public' },
  { method: 'GET', path: '/readyz', template: '/readyz', access: 'public' },
  { method: 'GET', path: '/openapi.json', template: '/openapi.json', access: 'public' },
  { method: 'GET', path: '/api/admin/integrations', template: '/api/admin/integrations', access: 'admin' },
  { method: 'PUT', path: '/api/admin/integrations/jamf', template: '/api/admin/integrations/{source}', access: 'admin', body: { enabled: false, tenantUrl: '', clientId: '' } },
  { method: 'POST', path: '/api/admin/integrations/jamf/test', template: '/api/admin/integrations/{source}/test', access: 'admin' },
  { method: 'GET', path: '/api/admin/bulk-import/mdm', template: '/api/admin/bulk-import/mdm', access: 'admin' },
  { method: 'POST', path: '/api/admin/bulk-import/mdm/jamf', template: '/api/admin/bulk-import/mdm/{source}', access: 'admin' },
  { method: 'GET', path: '/api/admin/bulk-import/mdm/runs', template: '/api/admin/bulk-import/mdm/runs', access: 'admin' },
  { method: 'GET', path: '/api/admin/bulk-import/mdm/runs/r1', template: '/api/admin/bulk-import/mdm/runs/{runId}', access: 'admin' },
  { method: 'GET', path: '/api/admin/audit-log', template: '/api/admin/audit-log', access: 'admin' },
  { method: 'POST', path: '/api/admin/register/rebuild', template: '/api/admin/register/rebuild', access: 'admin' },
  { method: 'GET', path: '/api/hardware', template: '/api/hardware', access: 'signed-in' },
  { method: 'GET', path: '/api/hardware/h1', template: '/api/hardware/{id}', access: 'signed-in' },
  { method: 'GET', path: '/api/hardware/h1/events', template: '/api/hardware/{id}/events', access: 'signed-in' },
  { method: 'POST', path: '/api/hardware', template: '/api/hardware', access: 'admin', body: { serial: 'M1', name: 'Matrix', category: 'other' } },
  { method: 'PATCH', path: '/api/hardware/h1', template: '/api/hardware/{id}', access: 'admin', body: { name: 'x' } },
  { method: 'GET', path: '/api/hardware/lookup?source=jamf&serial=X1', template: '/api/hardware/lookup', access: 'admin' },
];
const ROLES: Array<RoleName | null> = [null, 'member', 'admin', 'it-admin', 'super-admin'];

function expected(access: Access, role: RoleName | null): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed';
  if (role === null) return 401;
  if (access === 'signed-in' || role !== 'member') return 'allowed';
  return 403;
}

describe('Role matrix: every route × every role', function () {
  this.timeout(60_000);
  let world: HttpWorld;
  before(async () => (world = await startHttpWorld()));
  after(() => world.stop());

  for (const route of ROUTES) {
    for (const role of ROLES) {
      const want = expected(route.access, role);
      it(`${route.method} ${route.path} as ${role ?? 'nobody'} → ${want === 'allowed' ? 'allowed' : want}`, async () => {
        const { status } = await world.call(route.method, route.path, { role, body: route.body });
        if (want === 'allowed') expect(status, `status ${status}`).to.not.be.oneOf([401, 403]);
        else expect(status).to.equal(want);
      });
    }
  }

  it('describes every route in the OpenAPI document', async () => {
    const doc = (await world.call('GET', '/openapi.json', { role: null })).body as { paths: Record<string, Record<string, unknown>> };
    for (const route of ROUTES) expect(doc.paths[route.template], route.template).to.have.property(route.method.toLowerCase());
  });
});

describe('Rate limit on imports and connection tests', function () {
  this.timeout(60_000);
  let world: HttpWorld;
  before(async () => (world = await startHttpWorld({ RATE_LIMIT_PER_MINUTE: '2' })));
  after(() => world.stop());

  it('answers 429 with a problem past the per-minute budget of a user', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await world.call('POST', '/api/admin/integrations/jamf/test')).status);
    expect(statuses).to.deep.equal([200, 200, 429]);
    const limited = await world.call('POST', '/api/admin/bulk-import/mdm/jamf', WAIT_FOR_RESULT);
    expect(limited.status).to.equal(429);
    expect(limited.body.fix).to.match(/Wait a minute/);
    expect((await world.call('POST', '/api/admin/integrations/jamf/test', { role: 'it-admin' })).status, 'another user has a budget of their own').to.equal(200);
  });
});
