import { expect } from 'chai';
import { openApiDocument } from '../../src/adapters/driving/http/openapi.js';

type Operation = { operationId?: string; tags?: string[]; security?: unknown; parameters?: unknown[]; responses: Record<string, unknown> };
const operations = Object.entries(openApiDocument.paths as unknown as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
);

describe('The OpenAPI document', () => {
  it('names every operation once and files it under a tag', () => {
    const ids = operations.map(({ route, operation }) => operation.operationId ?? `(none for ${route})`);
    expect(ids.filter((id) => id.startsWith('(none'))).to.deep.equal([]);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(operations.filter(({ operation }) => !operation.tags?.length).map(({ route }) => route)).to.deep.equal([]);
  });

  it('lists sign-in, an unwritable store and a malformed request for every signed-in route, and body refusals', () => {
    for (const { route, operation } of operations.filter(({ operation }) => operation.security)) {
      const statuses = Object.keys(operation.responses);
      expect(statuses, route).to.include.members(['401', '503']);
      expect(statuses, `${route}: a query parameter it does not read is refused`).to.include('400');
      if (!route.startsWith('GET')) expect(statuses, route).to.include.members(['413', '415']);
    }
  });
});
