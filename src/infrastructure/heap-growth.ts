import { setFlagsFromString } from 'node:v8';

/** How far past what the last full collection kept V8 may let the heap grow, in percent. */
export const HEAP_GROWTH_PERCENT = 50;

/**
 * By default V8 lets the heap grow to up to four times what survived the last full collection before
 * it collects again. An import allocates its pages fast and keeps little of them (a 200,000-device run
 * keeps 30–90 MB alive), so the process stood at 300–500 MB, most of it garbage. Growing by half of what
 * is live keeps the peak near the live size, for more frequent full collections (the bench measured no
 * loss of import speed). An operator's own --heap-growing-percent, on the command line or in
 * NODE_OPTIONS, is left to win. Returns the percent applied, or null when the operator's stands.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): number | null {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg));
  if (given) return null;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`);
  return HEAP_GROWTH_PERCENT;
}
