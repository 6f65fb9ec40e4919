import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Container } from 'inversify';
import type { Authenticator } from '../../../application/ports/authenticator.js';
import type { StoreHealth } from '../../../application/ports/store-health.js';
import { TOKENS } from '../../../application/tokens.js';
import { authenticate, requireAdmin } from './authentication.js';
import { BulkImportController } from './controllers/bulk-import.controller.js';
import { HardwareController } from './controllers/hardware.controller.js';
import { IntegrationsController } from './controllers/integrations.controller.js';
import { openApiDocument } from './openapi.js';
import { allowedMethods } from './allowed-methods.js';
import { excerpt } from '../../../domain/shared/quote.js';
import { problemMiddleware, sendProblem } from './problem.js';
import type { RegisterExportMetrics } from './register-csv.js';
import { Drain } from './drain.js';
import { jsonBody } from './json-body.js';
import { parseQueryString } from './query-string.js';
import { readsNoInput, readsNoQuery } from './validation.js';

export interface HttpAppOptions {
  rateLimitPerMinute: number;
  onServerError: (error: unknown, request: Request) => void;
  /** Static files served at / (the admin page), if any. */
  staticDir?: string;
  /** Browser modules the admin page imports, served as they are published (URL path → package folder). */
  vendor?: Record<string, string>;
  /** The graceful stop: readiness, refusal of new work, requests in flight. */
  drain?: Drain;
  /** One log line per request (pino-http), after the request id is set. */
  requestLog?: RequestHandler;
  /** GET /metrics, for Prometheus to scrape, and where the register's exports are counted. */
  metrics?: { contentType: string; render(): Promise<string>; exports?: RegisterExportMetrics };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SEND_NONE = 'Send the request with no body and no query string; /openapi.json lists what each route reads.';
const NO_QUERY = readsNoQuery('Leave the query string out: this route reads none. /openapi.json lists what each route reads.');
const BODY_ONLY = readsNoQuery('Send every field in the JSON body and no query string. /openapi.json lists what each route reads.');

/** The caller's X-Request-Id when it is a sane one, else a new one; echoed back, logged, and in every problem. */
function requestId(request: Request, response: Response, next: NextFunction): void {
  const given = request.get('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  (request as { id?: string }).id = id;
  response.setHeader('X-Request-Id', id);
  next();
}

/** The module's HTTP API, as the monolith's admin screens call it. */
export function createHttpApp(container: Container, options: HttpAppOptions): express.Express {
  if (!container.isBound(IntegrationsController)) container.bind(IntegrationsController).toSelf();
  if (!container.isBound(BulkImportController)) container.bind(BulkImportController).toSelf();
  if (!container.isBound(HardwareController)) container.bind(HardwareController).toSelf();
  const integrations = container.get(IntegrationsController);
  const imports = container.get(BulkImportController);
  const hardware = container.get(HardwareController);
  const signedIn = authenticate(container.get<Authenticator>(TOKENS.Authenticator));
  // Imports and connection tests reach the MDM: a few per minute per user is plenty.
  const limited = rateLimit({
    windowMs: 60_000,
    limit: options.rateLimitPerMinute,
    keyGenerator: (request) => request.principal?.email ?? 'anonymous',
    handler: (_request, response) =>
      sendProblem(response, { type: 'https://ontrackio.dev/problems/rate-limited', title: 'Too many requests', status: 429, detail: `At most ${options.rateLimitPerMinute} imports or connection tests a minute per user.`, fix: 'Wait a minute, then try again.' }),
  });

  const drain = options.drain ?? new Drain();
  imports.stopping = () => drain.draining;
  hardware.exportMetrics = options.metrics?.exports;
  const app = express();
  app.disable('x-powered-by');
  app.use(drain.track);
  app.use(requestId);
  if (options.requestLog) app.use(options.requestLog);
  app.set('query parser', parseQueryString);
  // No upgrade-insecure-requests: served as http://host:3000 (what docker-compose publishes), it made the
  // browser fetch the page's own script and stylesheet over https, where nothing answers.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // Bodies are read only after sign-in: nobody without a token makes the server inflate or parse anything.
  const body = jsonBody();

  app.get('/healthz', (_request, response) => response.json({ status: 'ok' }));
  app.get('/readyz', async (_request: Request, response: Response) => {
    if (drain.draining) return void response.status(503).json({ status: 'draining', components: [] });
    const components = await container.get<StoreHealth>(TOKENS.StoreHealth).check();
    const ready = components.every((c) => c.ok);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', components });
  });
  app.get('/openapi.json', (_request, response) => response.json(openApiDocument));
  const { metrics } = options;
  if (metrics) app.get('/metrics', async (_request, response) => void response.type(metrics.contentType).send(await metrics.render()));

  app.get('/api/me', signedIn, NO_QUERY, (request, response) => void response.json({ email: request.principal!.email, role: request.principal!.role }));

  const admin = express.Router();
  admin.use(signedIn, requireAdmin, body);
  admin.get('/integrations', NO_QUERY, integrations.list);
  admin.put('/integrations/:source', BODY_ONLY, integrations.save);
  admin.put('/integrations/:source/schedule', BODY_ONLY, integrations.saveSchedule);
  admin.get('/settings/source-precedence', NO_QUERY, integrations.precedence);
  admin.put('/settings/source-precedence', BODY_ONLY, integrations.savePrecedence);
  admin.post('/integrations/:source/test', drain.refuseWhenDraining, BODY_ONLY, limited, integrations.test);
  admin.get('/bulk-import/mdm', NO_QUERY, imports.overview);
  admin.get('/bulk-import/mdm/runs', imports.runs);
  admin.get('/bulk-import/mdm/runs/:runId', imports.runDetail);
  admin.get('/bulk-import/mdm/runs/:runId/stream', NO_QUERY, imports.runEvents);
  admin.post('/bulk-import/mdm/runs/:runId/retry', drain.refuseWhenDraining, readsNoInput(SEND_NONE), limited, imports.retry);
  admin.post('/bulk-import/mdm/:source', drain.refuseWhenDraining, readsNoInput(`${SEND_NONE} To see what an import would do, changing nothing, POST /api/admin/bulk-import/mdm/{source}/preview.`), limited, imports.run);
  admin.post('/bulk-import/mdm/:source/preview', drain.refuseWhenDraining, readsNoInput(SEND_NONE), limited, imports.preview);
  admin.get('/audit-log', imports.auditLogEntries);
  admin.post('/register/rebuild', drain.refuseWhenDraining, readsNoInput(SEND_NONE), imports.rebuild);
  app.use('/api/admin', admin);

  const register = express.Router();
  register.use(signedIn, body);
  register.get('/', hardware.search);
  register.get('/lookup', requireAdmin, hardware.lookup);
  register.get('/export.csv', hardware.exportCsv);
  register.get('/:id', NO_QUERY, hardware.one);
  register.get('/:id/events', NO_QUERY, hardware.events);
  register.post('/', requireAdmin, BODY_ONLY, hardware.create);
  register.patch('/:id', requireAdmin, BODY_ONLY, hardware.update);
  app.use('/api/hardware', register);

  if (options.staticDir) app.use(express.static(options.staticDir, { index: 'index.html' }));
  for (const [path, folder] of Object.entries(options.vendor ?? {})) app.use(path, express.static(folder, { index: false }));
  const methodsAt = allowedMethods(openApiDocument);
  app.use((request, response) => {
    const allowed = methodsAt(request.path);
    if (allowed.length === 0) {
      return sendProblem(response, { type: 'https://ontrackio.dev/problems/not-found', title: 'Not found', status: 404, detail: `No route ${request.method} ${excerpt(request.path)}. See /openapi.json.` });
    }
    response.set('Allow', allowed.join(', '));
    sendProblem(response, {
      type: 'https://ontrackio.dev/problems/method-not-allowed',
      title: 'Method Not Allowed',
      status: 405,
      detail: `${excerpt(request.path)} does not take ${request.method}; it takes ${allowed.join(', ')}.`,
      fix: 'Use one of the methods in the Allow header; /openapi.json says what each does.',
    });
  });
  app.use(problemMiddleware(options.onServerError));
  return app;
}
