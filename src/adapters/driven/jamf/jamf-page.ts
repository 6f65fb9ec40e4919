import { MdmSourceFailure } from '../../../application/ports/mdm-source.js';
import { fieldNames, overfullPage } from '../mdm-entries.js';
import { quote } from '../../../domain/shared/quote.js';

export interface SearchResults {
  /** The total the server announced; null when it sent none that is a count. */
  totalCount: number | null;
  results: unknown[];
}

const FIX = 'Check the Tenant URL in Settings → Integrations: https and the Jamf Pro server name only, for example https://acme.jamfcloud.com.';

/** A Jamf Pro search page, or a failure that says what came instead: never an empty "success". */
export function readJamfPage(body: unknown, what: string): SearchResults {
  if (typeof body === 'string') {
    // axios hands over the text of a JSON answer it could not parse.
    if (/^\s*[[{]/.test(body)) {
      throw new MdmSourceFailure('jamf', `Jamf Pro answered ${what} with JSON that does not parse: cut short on the way, or not Jamf's.`, 'Run the import again; if it comes back, check the Tenant URL in Settings → Integrations and any proxy between this server and Jamf Pro.');
    }
    const html = /^\s*</.test(body);
    throw new MdmSourceFailure('jamf', `Jamf Pro answered ${what} with ${html ? 'an HTML page' : 'text'}, not device data.`, FIX);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new MdmSourceFailure('jamf', `Jamf Pro answered ${what} with something other than a JSON object of devices.`, FIX);
  }
  const { totalCount, results } = body as Record<string, unknown>;
  if (!Array.isArray(results)) {
    throw new MdmSourceFailure('jamf', `Jamf Pro answered ${what} with JSON that has no "results" array (it has ${fieldNames(body)}).`, FIX);
  }
  const overfull = overfullPage('Jamf Pro', results.length, `one page of ${what}`, 2000);
  if (overfull) throw new MdmSourceFailure('jamf', overfull, FIX);
  const count = typeof totalCount === 'number' && Number.isSafeInteger(totalCount) && totalCount >= 0 ? totalCount : null;
  return { totalCount: count, results };
}

/** What the result must say when the listing and the announced total disagree. */
export function totalWarning(what: string, announced: unknown, served: number): string | null {
  if (typeof announced !== 'number' || !Number.isSafeInteger(announced) || announced < 0) {
    return `Jamf Pro announced ${quote(announced, 60)} as the number of ${what}, which is not a count; ${served} were read.`;
  }
  if (served < announced) return `Jamf Pro announced ${announced} ${what} but sent ${served}; the rest could not be read. Re-run the import later.`;
  if (served > announced) return `Jamf Pro announced ${announced} ${what} but sent ${served}.`;
  return null;
}
