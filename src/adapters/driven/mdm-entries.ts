import type { MdmDevice } from '../../domain/hardware/mdm-device.js';
import type { RejectedEntry } from '../../application/ports/mdm-source.js';
import { excerpt, quote } from '../../domain/shared/quote.js';
import { holdsControlCharacter, holdsHalfCharacter } from '../../domain/shared/text.js';

/**
 * Graph pages hold up to 1,000 devices and Jamf clamps a page to 2,000. A page with many more entries
 * is not a listing: read entry by entry, each bad one would become a reported error, millions of them
 * from one answer.
 */
const MAX_PAGE_ENTRIES = 10_000;

/** Why a page of `count` entries is not read, when it holds more than `MAX_PAGE_ENTRIES`; null when it is a page. */
export function overfullPage(product: string, count: number, page: string, realMax: number): string | null {
  if (count <= MAX_PAGE_ENTRIES) return null;
  const n = (value: number) => value.toLocaleString('en-US');
  return `${product} sent ${n(count)} entries in ${page}, where a page holds up to ${n(realMax)}; over ${n(MAX_PAGE_ENTRIES)} is not read.`;
}

/** An MDM entry that is not a usable device record; the message says what is wrong with it. */
export class InvalidEntry extends Error {
  constructor(message: string, readonly sourceDeviceId: string | null = null) {
    super(message);
    this.name = 'InvalidEntry';
  }
}

/** The first few field names of an answer that is not the expected shape, each cut short, for its failure to name. */
export function fieldNames(body: object): string {
  return Object.keys(body).slice(0, 5).map((key) => excerpt(key, 40)).join(', ') || 'no fields';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${quote(value, 60)}`;
}

/**
 * Maps one page of raw entries: a bad entry becomes that device's error, reported with its position in
 * the listing (1-based), and the rest of the page goes on.
 */
export function mapEntries(
  raw: readonly unknown[],
  positionBefore: number,
  map: (entry: Record<string, unknown>) => MdmDevice,
  what: string,
): { devices: MdmDevice[]; rejected: RejectedEntry[] } {
  const devices: MdmDevice[] = [];
  const rejected: RejectedEntry[] = [];
  raw.forEach((entry, index) => {
    const position = positionBefore + index + 1;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      rejected.push({ position, sourceDeviceId: null, detail: `Entry ${position} of ${what} is ${describeValue(entry)}, not a device record.` });
      return;
    }
    try {
      devices.push(map(entry as Record<string, unknown>));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rejected.push({ position, sourceDeviceId: error instanceof InvalidEntry ? error.sourceDeviceId : null, detail: `Entry ${position} of ${what}: ${message}` });
    }
  });
  return { devices, rejected };
}

/** An id the MDM gives as text (or, for Jamf, a number); anything else makes the entry unusable. */
export function entryId(raw: Record<string, unknown>, field: string, numbersAllowed: boolean): string {
  const value = raw[field];
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 200 && !holdsControlCharacter(value) && !holdsHalfCharacter(value)) return value;
  if (numbersAllowed && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new InvalidEntry(`its ${field} is ${describeValue(value)}, not an identifier.`);
}

/** How many devices are fetched by id at once. */
const BY_ID_CONCURRENCY = 8;

/**
 * Devices fetched one by one by their MDM ids, a few at a time, as pages: `fetchOne` answers the raw
 * record, or null when the MDM no longer has it (which is said per device, not a failure of the run).
 */
export async function* pagesById(
  ids: readonly string[],
  fetchOne: (id: string) => Promise<unknown | null>,
  map: (entry: Record<string, unknown>) => MdmDevice,
  what: string,
  gone: (id: string) => string,
): AsyncIterable<{ devices: MdmDevice[]; rejected: RejectedEntry[] }> {
  for (let start = 0; start < ids.length; start += BY_ID_CONCURRENCY) {
    const chunk = ids.slice(start, start + BY_ID_CONCURRENCY);
    const answers = await Promise.all(chunk.map((id) => fetchOne(id)));
    const present = answers.map((answer, i) => ({ answer, position: start + i })).filter((a) => a.answer !== null);
    const page = { devices: [] as MdmDevice[], rejected: [] as RejectedEntry[] };
    for (const { answer, position } of present) {
      const one = mapEntries([answer], position, map, what);
      page.devices.push(...one.devices);
      page.rejected.push(...one.rejected);
    }
    answers.forEach((answer, i) => {
      if (answer === null) page.rejected.push({ position: start + i + 1, sourceDeviceId: chunk[i]!, reason: 'no-longer-in-mdm', detail: gone(chunk[i]!) });
    });
    yield page;
  }
}
