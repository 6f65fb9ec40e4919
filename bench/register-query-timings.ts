/** A server's address and the bearer token the timed requests carry. */
export interface QueryTarget {
  url: string;
  token: string;
}

export interface Timing {
  p50: number;
  p99: number;
}

export interface RegisterQueryTimings {
  lookupBySerial: Timing;
  deepPage: Timing;
  deepPageByKeyset: Timing;
  textSearch: Timing;
}

export function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1));
}

async function get(target: QueryTarget, path: string): Promise<Response> {
  return fetch(`${target.url}${path}`, { headers: { authorization: `Bearer ${target.token}` } });
}

/** `requests` requests one after the other, each read to its end: p50 and p99 in milliseconds. */
async function timeQueries(target: QueryTarget, requests: number, path: (i: number) => string): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    const started = process.hrtime.bigint();
    const response = await get(target, path(i));
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${path(i)} answered ${response.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/**
 * The register's queries through HTTP on a register of `size` records holding `serials`: lookup by
 * serial, a deep page by offset and by keyset cursor, and a text search, `requests` of each.
 */
export async function timeRegisterQueries(target: QueryTarget, size: number, serials: string[], requests: number): Promise<RegisterQueryTimings> {
  return {
    lookupBySerial: await timeQueries(target, requests, (i) => `/api/hardware?serial=${encodeURIComponent(serials[(i * 7919) % serials.length]!)}`),
    deepPage: await timeQueries(target, requests, (i) => `/api/hardware?offset=${size - 1000 - (i % 100)}&limit=50`),
    deepPageByKeyset: await (async () => {
      // Cursors for the same places near the end, as a client walking the pages would hold them.
      const cursors: string[] = [];
      for (let i = 0; i < 100; i += 1) {
        const response = await get(target, `/api/hardware?offset=${size - 1001 - i}&limit=1`);
        cursors.push(((await response.json()) as { next: string }).next);
      }
      return timeQueries(target, requests, (i) => `/api/hardware?after=${cursors[i % 100]}&limit=50`);
    })(),
    textSearch: await timeQueries(target, requests, (i) => `/api/hardware?q=${encodeURIComponent(serials[(i * 104729) % serials.length]!.slice(2, 8).toLowerCase())}&limit=50`),
  };
}
