import { CATEGORIES } from '../../../domain/hardware/category.js';
import { CONDITIONS, STATUSES } from '../../../domain/hardware/hand-maintained.js';
import { MDM_SOURCES } from '../../../domain/hardware/mdm-source.js';
import { OUTCOME_KINDS } from '../../../domain/import-run/outcome.js';
import { REGISTER_SORTS } from '../../../application/ports/read-models.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const source = { name: 'source', in: 'path', required: true, schema: { enum: [...MDM_SOURCES] } };
const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
/** A record's strong ETag, and the conditional headers that name it. */
const withETag = (response: { description: string; content: object }) => ({ ...response, headers: { ETag: { schema: { type: 'string' }, description: 'The record\'s strong entity tag: send it in If-Match to edit the record only as read' } } });
const ifMatch = { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The ETag of the record as read (or *): the edit is saved only if the record is still so, else 412 and nothing is saved' };
const ifNoneMatch = { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'An ETag read before: 304 while the record is unchanged' };
const query = (name: string, schema: object, description?: string) => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });
const startedWindow = [
  query('from', { type: 'string', examples: ['2026-12-01', '2026-12-01T09:00:00+01:00'] }, 'Runs started at or after this instant: a time with its zone (Z or an offset), or a date alone, from the start of that day in UTC'),
  query('to', { type: 'string', examples: ['2026-12-07', '2026-12-07T18:00:00Z'] }, 'Runs started at or before this instant: a time with its zone, or a date alone, to the end of that day in UTC; not before from'),
];
/** An exact filter given blank is refused (400), not read as a value no record has. */
const notBlank = { type: 'string', pattern: '\\S' };
/** What narrows the register, shared by the search and the export; the export takes no page. */
const registerFilters = [
  query('serial', notBlank), query('assetTag', notBlank), query('assignee', notBlank, "The assignee's email"), query('status', { enum: [...STATUSES] }),
  query('category', { enum: [...CATEGORIES] }), query('source', { enum: [...MDM_SOURCES] }),
  query('missingFrom', { enum: [...MDM_SOURCES] }, 'Records this source reported and its complete listings now leave out'), query('q', { type: 'string' }, 'Free text: name, serial, asset tag, model, manufacturer, assignee, or a MAC address in any notation (3C:21:9C:0A:1B:2C, 3c-21-9c-0a-1b-2c, 3c21.9c0a.1b2c, or its first three bytes or more)'),
];
const registerOrder = [query('sort', { enum: [...REGISTER_SORTS] }, 'Column to sort by; ties by asset tag'), query('order', { enum: ['asc', 'desc'] })];
const common = {
  '401': problem('No valid bearer token'),
  '403': problem('The role does not allow this'),
  '503': problem('The store cannot be written right now (disk full, read-only, locked); Retry-After says when to retry'),
};
const bodyErrors = { '413': problem('Body over 64 KB'), '415': problem('A body that is not JSON, or an unsupported Content-Encoding or charset') };
const admin = [{ bearerAuth: [] }];
/** For the routes that read no body and no query string. */
const noInput = problem('A body field or query parameter was sent; this route reads none, and refuses each one by name rather than ignore it');
const runIdParam = { name: 'runId', in: 'path', required: true, schema: { type: 'string' } };
const nullableString = { type: ['string', 'null'] };
const handText = { ...nullableString, description: 'Kept without surrounding spaces; a blank clears it (null)' };
const purchasePrice = { type: ['number', 'null'], minimum: 0, exclusiveMaximum: 1_000_000_000_000, description: 'At most 2 decimals (422 otherwise)' };
const purchaseDate = { type: ['string', 'null'], format: 'date', description: 'Not after today in the furthest time zone, UTC+14 (422 otherwise)' };
const COUNTED = ['created', 'updated', 'unchanged', 'skipped', 'errors', 'missing'];
const counts = { type: 'object', required: COUNTED, properties: Object.fromEntries(COUNTED.map((k) => [k, { type: 'integer', minimum: 0 }])) };

/** The routes as written; withSharedAnswers completes each with the answers all routes share. */
const described = {
  openapi: '3.1.0',
  info: {
    title: 'OnTrackio MDM device import',
    version: '0.1.0',
    description: 'Imports every managed device from Microsoft Intune and Jamf Pro into the hardware register, matched by serial number.',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details; field and fix say what to change.',
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, field: { type: 'string' }, fix: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } },
      },
      IntuneSettings: {
        type: 'object',
        required: ['enabled', 'tenantId', 'clientId'],
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' }, tenantId: { type: 'string', format: 'uuid' }, clientId: { type: 'string', format: 'uuid' }, clientSecret: { type: 'string', writeOnly: true, description: 'Omit to keep the stored secret.' }, authorityHost: { ...nullableString, description: 'Sovereign clouds, e.g. https://login.microsoftonline.us' }, graphBaseUrl: { ...nullableString, description: 'Sovereign clouds, e.g. https://graph.microsoft.us' } },
      },
      JamfSettings: {
        type: 'object',
        required: ['enabled', 'tenantUrl', 'clientId'],
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' }, tenantUrl: { type: 'string', description: 'https and host only: no path, no trailing slash, no /api' }, clientId: { type: 'string', format: 'uuid' }, clientSecret: { type: 'string', writeOnly: true, description: 'Omit to keep the stored secret.' } },
      },
      ConnectionCheck: { type: 'object', required: ['ok', 'message'], properties: { ok: { type: 'boolean' }, message: { type: 'string' }, cause: { type: 'string' }, fix: { type: 'string' }, at: { type: 'string', format: 'date-time' }, by: { type: 'string' }, onUnsavedValues: { type: 'boolean' } } },
      Integration: {
        type: 'object',
        properties: { source: { enum: [...MDM_SOURCES] }, name: { type: 'string' }, enabled: { type: 'boolean' }, status: { enum: ['Configured', 'Not configured'] }, missing: { type: 'array', items: { type: 'string' } }, settings: { type: 'object', description: 'Non-secret fields only' }, secretStored: { type: 'boolean' }, secretProblem: { ...nullableString, description: 'Why a stored secret cannot be used (the secrets key changed)' }, lastTest: { oneOf: [ref('ConnectionCheck'), { type: 'null' }] } },
      },
      RunCounts: counts,
      Readiness: {
        type: 'object',
        required: ['status', 'components'],
        properties: {
          status: { enum: ['ready', 'unavailable', 'draining'] },
          components: { type: 'array', items: { type: 'object', required: ['component', 'ok'], properties: { component: { type: 'string' }, ok: { type: 'boolean' }, detail: { type: 'string' } } } },
        },
      },
      SourceOverview: {
        type: 'object',
        required: ['source', 'name', 'status', 'missing', 'lastRun', 'schedule'],
        properties: { source: { enum: [...MDM_SOURCES] }, name: { type: 'string' }, status: { enum: ['Configured', 'Not configured'] }, missing: { type: 'array', items: { type: 'string' } }, lastRun: { oneOf: [ref('AuditEntry'), { type: 'null' }] }, schedule: ref('ScheduleView') },
      },
      SourcePrecedence: { type: 'object', required: ['apple', 'other'], additionalProperties: false, properties: { apple: { enum: [...MDM_SOURCES], description: 'macOS, iOS, iPadOS, tvOS, watchOS, visionOS' }, other: { enum: [...MDM_SOURCES] } } },
      ScheduleInput: {
        type: 'object',
        required: ['kind'],
        additionalProperties: false,
        properties: { kind: { enum: ['off', 'every', 'daily'] }, hours: { type: 'integer', minimum: 1, maximum: 168, description: 'For every' }, at: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'For daily: HH:MM, 24-hour clock' }, timeZone: { type: 'string', description: 'For daily: an IANA name such as Europe/Paris' } },
      },
      ScheduleView: {
        type: 'object',
        required: ['schedule', 'nextRunAt', 'lastScheduledRun', 'problem', 'paused'],
        properties: {
          schedule: { type: 'object', required: ['kind'], properties: { kind: { enum: ['off', 'every', 'daily'] }, hours: { type: 'integer' }, at: { type: 'string' }, timeZone: { type: 'string' }, savedAt: { type: 'string' } } },
          nextRunAt: { ...nullableString, description: 'When the next scheduled import is due; a time in the past means at the next check; null when off or paused' },
          lastScheduledRun: { oneOf: [ref('AuditEntry'), { type: 'null' }] },
          problem: { ...nullableString, description: 'The last scheduled run failed and no run has succeeded since: why' },
          paused: { ...nullableString, description: 'The schedule is on but no run starts, as the connector is switched off or missing settings: why, and what to do' },
        },
      },
      DeviceOutcome: { type: 'object', properties: { outcome: { enum: [...OUTCOME_KINDS] }, sourceDeviceId: { type: 'string' }, serial: nullableString, deviceName: nullableString, hardwareId: { type: 'string' }, assetTag: { type: 'string' }, reason: { type: 'string' }, detail: { type: 'string' } } },
      MissingDevice: {
        type: 'object',
        required: ['serial', 'hardwareId', 'assetTag', 'name', 'sourceDeviceId', 'lastListedAt'],
        properties: { serial: { type: 'string' }, hardwareId: { type: 'string' }, assetTag: { type: 'string' }, name: { type: 'string' }, sourceDeviceId: { type: 'string' }, lastListedAt: { ...nullableString, description: 'When the source is last known to have listed it' } },
      },
      SourceLink: {
        type: 'object',
        required: ['source', 'sourceDeviceId', 'lastSyncedAt', 'missingSince', 'lastListedAt'],
        properties: { source: { enum: [...MDM_SOURCES] }, sourceDeviceId: { type: 'string' }, lastSyncedAt: { ...nullableString, description: 'The device\'s last check-in with this MDM' }, missingSince: { ...nullableString, description: 'Since when this source\'s complete listings leave the device out; null while it lists it' }, lastListedAt: { ...nullableString, description: 'When the source last listed it: its last report on the record or its last complete listing, whichever is later (while missing: the last time it did)' } },
      },
      ImportResult: {
        type: 'object',
        description: 'The result banner.',
        properties: { runId: { type: 'string' }, source: { enum: [...MDM_SOURCES] }, status: { enum: ['completed', 'failed'] }, triggeredBy: { type: 'string' }, startedAt: { type: 'string' }, finishedAt: { type: 'string' }, durationMs: { type: 'integer' }, counts: ref('RunCounts'), skippedDevices: { type: 'array', items: ref('DeviceOutcome') }, failedDevices: { type: 'array', items: ref('DeviceOutcome') }, missingDevices: { type: 'array', items: ref('MissingDevice'), description: 'Records the complete listing left out for the first time (up to 1,000; the run stream keeps them all)' }, warnings: { type: 'array', items: { type: 'string' }, description: 'What the MDM listing got wrong in a completed run (fewer devices than announced, …)' }, failure: nullableString },
      },
      RunSummary: { type: 'object', properties: { kind: { enum: ['import', 'preview'], description: 'A preview changed nothing; it is listed so an auditor sees who looked' }, retryOf: { type: 'string', description: 'The run whose failed devices this run re-imported' }, runId: { type: 'string' }, source: { enum: [...MDM_SOURCES] }, triggeredBy: { type: 'string' }, startedAt: { type: 'string' }, finishedAt: nullableString, status: { enum: ['running', 'completed', 'failed'] }, counts: ref('RunCounts'), failureReason: nullableString, pages: { type: 'integer' } } },
      PreviewResult: {
        type: 'object',
        required: ['previewId', 'source', 'status', 'triggeredBy', 'startedAt', 'finishedAt', 'durationMs', 'counts', 'created', 'updated', 'skippedDevices', 'failedDevices', 'missingDevices', 'warnings', 'failure', 'listLimit'],
        properties: {
          previewId: { type: 'string' }, source: { enum: [...MDM_SOURCES] }, status: { enum: ['completed', 'failed'] }, triggeredBy: { type: 'string' }, startedAt: { type: 'string' }, finishedAt: { type: 'string' }, durationMs: { type: 'integer' }, counts: ref('RunCounts'),
          created: { type: 'array', items: { type: 'object', required: ['serial', 'name', 'category', 'sourceDeviceId'], properties: { serial: { type: 'string' }, name: { type: 'string' }, model: nullableString, category: { type: 'string' }, sourceDeviceId: { type: 'string' }, assigneeEmail: nullableString } }, description: 'Asset tags are given only by the import itself' },
          updated: {
            type: 'array',
            items: {
              type: 'object',
              required: ['serial', 'assetTag', 'name', 'sourceDeviceId', 'changes', 'notes'],
              properties: {
                serial: { type: 'string' }, assetTag: { type: 'string' }, name: { type: 'string' }, sourceDeviceId: { type: 'string' },
                changes: { type: 'array', items: { type: 'object', required: ['field', 'from', 'to'], properties: { field: { type: 'string' }, from: nullableString, to: { type: 'string' } } } },
                notes: { type: 'array', items: { type: 'string' }, description: 'What else the import would record (listed again, assigned, also reported by …)' },
              },
            },
          },
          skippedDevices: { type: 'array', items: ref('DeviceOutcome') }, failedDevices: { type: 'array', items: ref('DeviceOutcome') }, missingDevices: { type: 'array', items: ref('MissingDevice') },
          warnings: { type: 'array', items: { type: 'string' } }, failure: nullableString, listLimit: { type: 'integer', description: 'Each list holds at most this many entries; the counts are whole' },
        },
      },
      RunProgress: {
        type: 'object',
        required: ['runId', 'source', 'status', 'triggeredBy', 'startedAt', 'finishedAt', 'pages', 'counts', 'devicesRead', 'total', 'totalFrom', 'elapsedMs', 'estimatedRemainingMs', 'lastActivityAt', 'failureReason'],
        properties: {
          runId: { type: 'string' }, source: { enum: [...MDM_SOURCES] }, status: { enum: ['running', 'completed', 'failed'] }, triggeredBy: { type: 'string' }, startedAt: { type: 'string' }, finishedAt: nullableString, pages: { type: 'integer' }, counts: ref('RunCounts'),
          devicesRead: { type: 'integer', description: 'MDM entries read so far' },
          total: { type: ['integer', 'null'], description: 'The bar\'s end: what the MDM announced (Jamf Pro), else what the last completed run read' },
          totalFrom: { enum: ['mdm', 'last-run', null] },
          elapsedMs: { type: 'integer' }, estimatedRemainingMs: { type: ['integer', 'null'], description: 'At the pace so far' }, lastActivityAt: { type: 'string' }, failureReason: nullableString,
        },
      },
      RunDetail: {
        allOf: [
          ref('RunSummary'),
          {
            type: 'object',
            required: ['progress', 'outcomes', 'missing'],
            properties: {
              progress: { oneOf: [ref('RunProgress'), { type: 'null' }], description: 'null for a preview' },
              outcomes: { type: ['array', 'null'], items: ref('DeviceOutcome'), description: 'Every device\'s outcome once the run has ended (only the kinds asked for with outcome); null while it runs' },
              missing: { type: ['array', 'null'], items: ref('MissingDevice'), description: 'Records newly missing from the listing in this run; null while it runs' },
              banner: ref('ImportResult'),
            },
          },
        ],
      },
      AuditEntry: { type: 'object', properties: { runId: { type: 'string' }, source: { enum: [...MDM_SOURCES] }, triggeredBy: { type: 'string', description: 'The person, cli:<account>, or schedule' }, startedAt: { type: 'string' }, finishedAt: nullableString, status: { enum: ['running', 'completed', 'failed'] }, counts: ref('RunCounts'), failureReason: nullableString, pages: { type: 'integer' }, announcedTotal: { type: ['integer', 'null'] }, lastActivityAt: { type: 'string' } } },
      Hardware: {
        type: 'object',
        properties: {
          id: { type: 'string' }, serial: { type: 'string' }, assetTag: { type: 'string' }, name: { type: 'string' }, manufacturer: nullableString, model: nullableString, operatingSystem: nullableString, osVersion: nullableString, macAddress: nullableString,
          category: { enum: [...CATEGORIES] }, status: { enum: [...STATUSES] }, condition: { enum: [...CONDITIONS] }, assignee: { type: ['object', 'null'] }, acknowledgement: { type: ['object', 'null'] },
          cpu: nullableString, ram: nullableString, storage: nullableString, purchasePrice: { type: ['number', 'null'] }, purchaseDate: nullableString, specifications: { type: 'object' }, sources: { type: 'array', items: ref('SourceLink') }, createdAt: { type: 'string' }, updatedAt: { type: 'string' }, revision: { type: 'integer' },
        },
      },
      HardwarePage: { type: 'object', properties: { items: { type: 'array', items: ref('Hardware') }, total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' }, next: { type: ['string', 'null'], description: 'Pass as after for the page that follows; null on the last page' } } },
      RegisterHardware: { type: 'object', required: ['serial', 'name', 'category'], additionalProperties: false, properties: { serial: { type: 'string' }, name: { type: 'string' }, category: { enum: [...CATEGORIES] }, status: { enum: [...STATUSES], description: 'Default available; not assigned (422), as a record registered by hand has no assignee' }, condition: { enum: [...CONDITIONS] }, manufacturer: nullableString, model: nullableString, operatingSystem: nullableString, osVersion: nullableString, macAddress: nullableString, cpu: handText, ram: handText, storage: handText, purchasePrice, purchaseDate } },
      EditHardware: { type: 'object', additionalProperties: false, description: 'Hand-maintained fields only.', properties: { name: { type: 'string' }, category: { enum: [...CATEGORIES] }, status: { enum: [...STATUSES], description: 'Never one that contradicts the assignment (422): not assigned while nobody holds the device, not available while someone does' }, condition: { enum: [...CONDITIONS] }, cpu: handText, ram: handText, storage: handText, purchasePrice, purchaseDate } },
      SerialLookup: { type: 'object', required: ['outcome', 'registered'], properties: { outcome: { enum: ['found', 'not-found', 'ambiguous'] }, device: { type: 'object' }, devices: { type: 'array', items: { type: 'object' } }, message: { type: 'string' }, registered: { type: ['object', 'null'], required: ['id', 'assetTag', 'name'], properties: { id: { type: 'string' }, assetTag: { type: 'string' }, name: { type: 'string' } }, description: 'The record that already has this serial (registering it again is refused), or null' } } },
    },
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness', responses: { '200': json({ type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }) } } },
    '/metrics': { get: { summary: 'Prometheus metrics: import runs and devices, MDM calls, throttling, back-off, projection lag', responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    '/readyz': {
      get: {
        summary: 'Readiness: the stores answer and can be written (503 while draining for a shutdown)',
        responses: { '200': json(ref('Readiness')), '503': json(ref('Readiness'), 'A store does not answer or cannot be written, or the server is draining') },
      },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': json({ type: 'object' }) } } },
    '/api/me': {
      get: { summary: 'Who the bearer token signs in as', security: admin, responses: { '200': json({ type: 'object', required: ['email', 'role'], properties: { email: { type: 'string' }, role: { enum: ['admin', 'it-admin', 'super-admin', 'member'] } } }) } },
    },
    '/api/admin/integrations': { get: { summary: 'Connector cards', security: admin, responses: { '200': json({ type: 'array', items: ref('Integration') }), ...common } } },
    '/api/admin/integrations/{source}': {
      put: {
        summary: 'Save a connector\'s settings (an omitted secret keeps the stored one)',
        security: admin,
        parameters: [source],
        requestBody: { required: true, content: { 'application/json': { schema: { oneOf: [ref('IntuneSettings'), ref('JamfSettings')] } } } },
        responses: { '200': json(ref('Integration')), '400': problem('A field is malformed'), '422': problem('A field breaks a rule (GUID, tenant URL), or another address or identity without the secret typed again'), ...bodyErrors, ...common },
      },
    },
    '/api/admin/integrations/{source}/schedule': {
      put: {
        summary: 'Set the source\'s sync schedule: off, every N hours (the first run at the next check), or daily at HH:MM in an IANA time zone; scheduled runs are recorded as triggered by "schedule"',
        security: admin,
        parameters: [source],
        requestBody: { required: true, content: { 'application/json': { schema: ref('ScheduleInput') } } },
        responses: { '200': json(ref('ScheduleView')), '400': problem('A field is malformed'), '422': problem('hours, at or timeZone breaks a rule (field and fix say which)'), ...bodyErrors, ...common },
      },
    },
    '/api/admin/settings/source-precedence': {
      get: { summary: 'Which MDM a device reported by both follows, per platform (default: Jamf Pro for Apple devices, Intune for the rest)', security: admin, responses: { '200': json(ref('SourcePrecedence')), ...common } },
      put: {
        summary: 'Choose which MDM a device reported by both follows, per platform; field by field from the next run, and the other source takes over once the preferred one stops listing the device',
        security: admin,
        requestBody: { required: true, content: { 'application/json': { schema: ref('SourcePrecedence') } } },
        responses: { '200': json(ref('SourcePrecedence')), '400': problem('apple or other is not intune or jamf'), ...bodyErrors, ...common },
      },
    },
    '/api/admin/integrations/{source}/test': {
      post: {
        summary: 'Test connection, on the saved settings (empty body) or on submitted values',
        security: admin,
        parameters: [source],
        requestBody: { required: false, content: { 'application/json': { schema: { oneOf: [ref('IntuneSettings'), ref('JamfSettings')] } } } },
        responses: { '200': json(ref('ConnectionCheck')), '422': problem('Unsaved values that differ from the saved address or identity, without the secret typed again'), '429': problem('Rate limited'), ...bodyErrors, ...common },
      },
    },
    '/api/admin/bulk-import/mdm': { get: { summary: 'Per source: the Configured badge and the last run', security: admin, responses: { '200': json({ type: 'array', items: ref('SourceOverview') }), ...common } } },
    '/api/admin/bulk-import/mdm/{source}': {
      post: {
        summary: 'Start an import run: 202 with where to follow it, or, with Prefer: wait=N, the result banner when the run ends within N seconds',
        security: admin,
        parameters: [source, { name: 'Prefer', in: 'header', required: false, schema: { type: 'string', examples: ['wait=600'] }, description: 'RFC 7240 wait=N (seconds, at most 3600): hold the request until the run ends and answer its banner (200, or 502 when it failed); a run still going after N seconds is answered 202 as without it' }],
        responses: {
          '202': { description: 'The run exists and goes on in the background; follow it at Location', headers: { Location: { schema: { type: 'string' }, description: '/api/admin/bulk-import/mdm/runs/{runId}' } }, content: { 'application/json': { schema: ref('RunProgress') } } },
          '200': json(ref('ImportResult'), 'With Prefer: wait=N, the run ended in time: its banner'), '400': noInput, '409': problem('Not configured, a run of this source is in progress, or this run was closed by another process'), '429': problem('Rate limited'), '502': problem('The MDM was lost half-way, or answered something other than device data; the body carries the partial result'), ...common },
      },
    },
    '/api/admin/bulk-import/mdm/{source}/preview': {
      post: {
        summary: 'What an import would do now: records created, updated (each field old → new), unchanged, skipped, newly missing. Appends nothing to the register and reserves no asset tag; recorded as a preview run in the history',
        security: admin,
        parameters: [source],
        responses: {
          '200': json(ref('PreviewResult')),
          '400': noInput,
          '409': problem('Not configured'),
          '429': problem('Rate limited'),
          '502': problem('The MDM was lost half-way, or answered something other than device data; the body carries what was seen (result)'),
          ...common,
        },
      },
    },
    '/api/admin/bulk-import/mdm/runs': {
      get: {
        summary: 'Import history, read from the event stream',
        security: admin,
        parameters: [query('source', { enum: [...MDM_SOURCES] }), ...startedWindow, query('limit', { type: 'integer', minimum: 1, maximum: 1000 })],
        responses: { '200': json({ type: 'array', items: ref('RunSummary') }), '400': problem('A filter is malformed'), ...common },
      },
    },
    '/api/admin/bulk-import/mdm/runs/{runId}': {
      get: {
        summary: 'One run: live progress while it goes; once ended, every device outcome (or those of the kinds asked), the newly missing devices and the banner too',
        security: admin,
        parameters: [
          runIdParam,
          query('outcome', { type: 'string', pattern: `^(${OUTCOME_KINDS.join('|')})(,(${OUTCOME_KINDS.join('|')}))*$` }, 'Only device outcomes of these kinds, comma-separated (skipped,error for a run\'s problems); the banner, counts and missing devices are unchanged'),
        ],
        responses: { '200': json(ref('RunDetail')), '400': problem('outcome names a kind that does not exist'), '404': problem('Unknown run'), ...common },
      },
    },
    '/api/admin/bulk-import/mdm/runs/{runId}/retry': {
      post: {
        summary: 'Re-import only the devices that ended in error in this run, each fetched again by its MDM id (Graph managedDevices/{id}; Jamf computers-inventory/{id} and the mobile-devices detail), as a new run linked to it (retryOf); answered as an import is',
        security: admin,
        parameters: [runIdParam, { name: 'Prefer', in: 'header', required: false, schema: { type: 'string' }, description: 'RFC 7240 wait=N, as for an import' }],
        responses: {
          '202': { description: 'The retry run exists and goes on in the background', headers: { Location: { schema: { type: 'string' } } }, content: { 'application/json': { schema: ref('RunProgress') } } },
          '200': json(ref('ImportResult'), 'With Prefer: wait=N, the retry ended in time: its banner'),
          '400': noInput,
          '404': problem('Unknown run'),
          '409': problem('A run of this source is in progress'),
          '422': problem('Nothing to retry: no device ended in error, the run is still going, or its failed entries carry no MDM id'),
          '429': problem('Rate limited'),
          '502': problem('The MDM was lost during the retry'),
          ...common,
        },
      },
    },
    '/api/admin/bulk-import/mdm/runs/{runId}/stream': {
      get: {
        summary: 'The run\'s progress as Server-Sent Events: `progress` (a RunProgress) whenever it moves, then `end` (an ImportResult) and the stream closes; `reconnect` when this instance stops',
        security: admin,
        parameters: [runIdParam],
        responses: { '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, '404': problem('Unknown run'), ...common },
      },
    },
    '/api/admin/audit-log': {
      get: { summary: 'The audit-log projection: one entry per run', security: admin, parameters: [query('source', { enum: [...MDM_SOURCES] }), ...startedWindow, query('limit', { type: 'integer', minimum: 1, maximum: 1000 })], responses: { '200': json({ type: 'array', items: ref('AuditEntry') }), '400': problem('A filter is malformed, or to is before from'), ...common } },
    },
    '/api/admin/register/rebuild': { post: { summary: 'Replay every event into fresh read models, then swap them in', security: admin, responses: { '200': json({ type: 'object', properties: { events: { type: 'integer' }, durationMs: { type: 'integer' } } }), '400': noInput, ...common } } },
    '/api/hardware': {
      get: {
        summary: 'Search the register',
        security: admin,
        parameters: [...registerFilters, query('offset', { type: 'integer' }), query('after', { type: 'string' }, 'Keyset paging: the next value of the page before (same sort and order); not with offset'), query('limit', { type: 'integer' }), ...registerOrder],
        responses: { '200': json(ref('HardwarePage')), '401': common['401'] },
      },
      post: { summary: 'Register a device by hand', security: admin, requestBody: { required: true, content: { 'application/json': { schema: ref('RegisterHardware') } } }, responses: { '201': withETag(json(ref('Hardware'))), '400': problem('Malformed'), '409': problem('Serial already registered'), '422': problem('A value breaks a rule of the register: a serial that is a placeholder or not whole printable text, a MAC that is not 12 hex digits, typed text over two lines (field and fix say which)'), ...common } },
    },
    '/api/hardware/export.csv': {
      get: {
        summary: 'The filtered register as CSV (every matching row, streamed: offset, limit and after are refused); values that would run as spreadsheet formulas are prefixed with an apostrophe',
        security: admin,
        parameters: [...registerFilters, ...registerOrder],
        responses: { '200': { description: 'CSV with a header row', content: { 'text/csv': { schema: { type: 'string' } } } }, ...common },
      },
    },
    '/api/hardware/lookup': {
      get: { summary: 'Look up by serial in the MDM to prefill the Hardware form (writes nothing)', security: admin, parameters: [{ ...query('source', { enum: [...MDM_SOURCES] }), required: true }, { ...query('serial', { type: 'string' }), required: true }], responses: { '200': json(ref('SerialLookup')), '409': problem('Source not configured'), '422': problem('The serial is empty, a placeholder, or not whole printable text'), ...common } },
    },
    '/api/hardware/{id}': {
      get: { summary: 'One device', security: admin, parameters: [id, ifNoneMatch], responses: { '200': withETag(json(ref('Hardware'))), '304': { description: 'Unchanged since the ETag in If-None-Match' }, '404': problem('Unknown id'), '401': common['401'] } },
      patch: { summary: 'Edit the hand-maintained fields (only those sent); with If-Match, only while the record is as read', security: admin, parameters: [id, ifMatch], requestBody: { required: true, content: { 'application/json': { schema: ref('EditHardware') } } }, responses: { '200': withETag(json(ref('Hardware'))), '400': problem('Malformed (a field, or If-Match)'), '404': problem('Unknown id'), '409': problem('The record kept changing through ten attempts; read it again'), '412': problem('If-Match names another ETag than the record\'s current one: it changed since it was read, and nothing was saved'), '422': problem('A value breaks a rule of the register'), ...common } },
    },
    '/api/hardware/{id}/events': { get: { summary: 'The device\'s event history', security: admin, parameters: [id], responses: { '200': json({ type: 'array', items: { type: 'object' } }), '404': problem('Unknown id'), '401': common['401'] } } },
  },
} as const;

/** Stable names for client generators, and the group each route is listed under. */
const OPERATIONS: Record<string, [operationId: string, tag: string]> = {
  'get /healthz': ['health', 'operations'],
  'get /readyz': ['readiness', 'operations'],
  'get /metrics': ['metrics', 'operations'],
  'get /openapi.json': ['openApiDocument', 'operations'],
  'get /api/me': ['whoAmI', 'operations'],
  'get /api/admin/integrations': ['listIntegrations', 'integrations'],
  'put /api/admin/integrations/{source}': ['saveIntegration', 'integrations'],
  'post /api/admin/integrations/{source}/test': ['testConnection', 'integrations'],
  'put /api/admin/integrations/{source}/schedule': ['saveSchedule', 'integrations'],
  'get /api/admin/settings/source-precedence': ['getSourcePrecedence', 'integrations'],
  'put /api/admin/settings/source-precedence': ['saveSourcePrecedence', 'integrations'],
  'get /api/admin/bulk-import/mdm': ['bulkImportOverview', 'bulk import'],
  'post /api/admin/bulk-import/mdm/{source}': ['importFromMdm', 'bulk import'],
  'post /api/admin/bulk-import/mdm/{source}/preview': ['previewImport', 'bulk import'],
  'get /api/admin/bulk-import/mdm/runs': ['listImportRuns', 'bulk import'],
  'get /api/admin/bulk-import/mdm/runs/{runId}': ['getImportRun', 'bulk import'],
  'get /api/admin/bulk-import/mdm/runs/{runId}/stream': ['streamImportRun', 'bulk import'],
  'post /api/admin/bulk-import/mdm/runs/{runId}/retry': ['retryFailedDevices', 'bulk import'],
  'get /api/admin/audit-log': ['listAuditLog', 'bulk import'],
  'post /api/admin/register/rebuild': ['rebuildRegister', 'register'],
  'get /api/hardware': ['searchRegister', 'register'],
  'post /api/hardware': ['registerHardware', 'register'],
  'get /api/hardware/lookup': ['lookupBySerial', 'register'],
  'get /api/hardware/export.csv': ['exportRegister', 'register'],
  'get /api/hardware/{id}': ['getHardware', 'register'],
  'patch /api/hardware/{id}': ['editHardware', 'register'],
  'get /api/hardware/{id}/events': ['hardwareHistory', 'register'],
};

type Operation = { operationId?: string; tags?: string[]; security?: unknown; parameters?: ReadonlyArray<{ in: string; name: string }>; requestBody?: unknown; responses: Record<string, unknown> };

/**
 * The answers every route shares, added where a route does not say more: a malformed request (400),
 * sign-in (401, 403 where a role is needed), an unknown source (404), a body refused unread (413,
 * 415), and a store that cannot be written (503).
 */
function withSharedAnswers<D extends { paths: object }>(document: D): D {
  for (const [path, operations] of Object.entries(document.paths) as Array<[string, Record<string, Operation>]>) {
    for (const [method, operation] of Object.entries(operations)) {
      const [operationId, tag] = OPERATIONS[`${method} ${path}`] ?? [];
      if (operationId) Object.assign(operation, { operationId, tags: [tag] });
      const add = (status: string, answer: object) => (operation.responses[status] ??= answer);
      const parameters = operation.parameters ?? [];
      const sendsBody = method !== 'get';
      // A signed-in route refuses a query parameter it does not read, so each can answer 400.
      if (parameters.length > 0 || sendsBody || operation.security) add('400', problem('Malformed request: a parameter, a query value or a query parameter the route does not read, the body or the address encoding'));
      if (sendsBody) Object.entries(bodyErrors).forEach(([status, answer]) => add(status, answer));
      if (parameters.some((p) => p.in === 'path' && p.name === 'source')) add('404', problem('Unknown source: not intune or jamf'));
      if (operation.security) {
        add('401', common['401']);
        add('503', common['503']);
      }
    }
  }
  return document;
}

/** OpenAPI 3.1 description of every route the module serves. */
export const openApiDocument = withSharedAnswers(described);