import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import { fieldNames, overfullPage } from '../mdm-entries.js';

export interface GraphPage {
  value: unknown[];
  nextLink: string | null;
}

const looksLikeHtml = (body: string) => /^\s*</.test(body);

/** A Graph collection page, or a failure that says what came instead: never an empty "success". */
export function readGraphPage(body: unknown): GraphPage {
  const fix = 'Check the Graph base URL in Settings → Integrations (leave it empty for the public cloud), then run the import again.';
  if (typeof body === 'string') {
    const what = looksLikeHtml(body) ? 'an HTML page' : 'text';
    throw new MdmSourceFailure('intune', `Microsoft Graph answered with ${what}, not device data.`, fix);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new MdmSourceFailure('intune', 'Microsoft Graph answered with something other than a JSON object of devices.', fix);
  }
  const { value, '@odata.nextLink': next } = body as Record<string, unknown>;
  if (!Array.isArray(value)) {
    throw new MdmSourceFailure('intune', `Microsoft Graph answered JSON without a "value" array of devices (it has ${fieldNames(body)}).`, fix);
  }
  const overfull = overfullPage('Microsoft Graph', value.length, 'one page', 1000);
  if (overfull) throw new MdmSourceFailure('intune', overfull, fix);
  if (next !== undefined && next !== null && typeof next !== 'string') {
    throw new MdmSourceFailure('intune', 'Microsoft Graph sent a paging link that is not text.', fix);
  }
  return { value, nextLink: next ?? null };
}
