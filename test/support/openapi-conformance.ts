import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { openApiDocument } from '../../src/adapters/driving/http/openapi.js';

type Responses = Record<string, { content?: Record<string, { schema: object }> }>;
type Operation = { responses: Responses };

const document = openApiDocument as unknown as { paths: Record<string, Record<string, Operation>>; components: object };
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });

/** Templates with fewer parameters first, as express matches /api/hardware/lookup before /api/hardware/:id. */
const templates = Object.keys(document.paths)
  .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`), params: (template.match(/\{/g) ?? []).length }))
  .sort((a, b) => a.params - b.params);

const validators = new Map<string, ValidateFunction>();
const problems: string[] = [];
let checked = 0;

function validator(key: string, schema: object): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    // The response schema with the document's components beside it, so its #/components refs resolve.
    validate = ajv.compile({ ...schema, components: document.components });
    validators.set(key, validate);
  }
  return validate;
}

/**
 * Checks one response an e2e test received against /openapi.json: the route's status must be listed,
 * and a JSON body must match the schema listed for it. Paths no route serves are not the document's.
 */
export function conformance(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  const path = new URL(url, 'http://x').pathname;
  const route = templates.find((t) => t.pattern.test(path));
  const operation = route && document.paths[route.template]![method.toLowerCase()];
  if (!route || !operation) return;
  checked += 1;
  const where = `${method.toUpperCase()} ${route.template} → ${status}`;
  const documented = operation.responses[String(status)] ?? operation.responses.default;
  if (!documented) return void problems.push(`${where}: status not in the document`);
  const type = (contentType ?? '').split(';')[0]!.trim();
  const content = documented.content;
  if (!content) return;
  const listed = content[type];
  if (!listed) return void problems.push(`${where}: content type ${type || '(none)'} not in the document (${Object.keys(content).join(', ')})`);
  if (!/json/.test(type)) return;
  const validate = validator(`${where} ${type}`, listed.schema);
  if (!validate(body)) problems.push(`${where}: ${ajv.errorsText(validate.errors?.slice(0, 3))}`);
}

/** Every response checked so far and what did not match the document (once per kind of mismatch). */
export function conformanceReport(): { checked: number; problems: string[] } {
  return { checked, problems: [...new Set(problems)] };
}

// When the run ends: every response an e2e suite received must be one the document describes.
after(function () {
  const { checked: count, problems: found } = conformanceReport();
  if (found.length > 0) throw new Error(`${found.length} kinds of response are not in /openapi.json (of ${count} checked):\n${found.join('\n')}`);
});
