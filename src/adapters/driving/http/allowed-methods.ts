/**
 * The methods the API serves at a path, read from its OpenAPI document: a request with another method
 * on a path that exists is answered 405 with `Allow`, not a 404 that says the path is not there.
 */
export function allowedMethods(document: { paths: object }): (path: string) => string[] {
  const routes = Object.entries(document.paths).map(([template, operations]) => ({
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: Object.keys(operations as object).map((method) => method.toUpperCase()),
  }));
  return (path) => {
    const allowed = new Set<string>();
    for (const route of routes) if (route.pattern.test(path)) route.methods.forEach((method) => allowed.add(method));
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  };
}
