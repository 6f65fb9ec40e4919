/**
 * How a message quotes a value it did not make: what an MDM answered, a request's field, a row of an
 * operator's file. Such a value may hold megabytes (which a failure would then carry into the run's
 * history), and parsed JSON may nest deeper than `JSON.stringify` can recurse. A quote is short, and
 * making one never throws.
 */

/** How many characters of a value a message quotes by default. */
export const QUOTE_CHARS = 120;

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never between the two halves of one character: a store cannot keep half of one.
  const end = (text.charCodeAt(max - 1) & 0xfc00) === 0xd800 ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}

/** Text as it is (a code, a header), cut to `max` characters; anything else as `quote` shows it. */
export function excerpt(value: unknown, max: number = QUOTE_CHARS): string {
  return typeof value === 'string' ? cut(value, max) : quote(value, max);
}

interface Open {
  container: unknown[] | Record<string, unknown>;
  keys: string[] | null;
  next: number;
}

/**
 * The first `max` characters of a value written as JSON, with "…" where it was cut. Written
 * with a stack of its own rather than by recursion, and it stops at `max`: a page of megabytes, or
 * an array nested a hundred thousand deep, costs only the part that is quoted.
 */
export function quote(value: unknown, max: number = QUOTE_CHARS): string {
  if (typeof value === 'string') return JSON.stringify(cut(value, max));
  let out = '';
  const open: Open[] = [];
  let pending: { value: unknown } | null = { value };
  while (out.length <= max) {
    if (pending) {
      const v = pending.value;
      pending = null;
      if (Array.isArray(v)) {
        out += '[';
        open.push({ container: v, keys: null, next: 0 });
      } else if (v !== null && typeof v === 'object') {
        out += '{';
        open.push({ container: v as Record<string, unknown>, keys: Object.keys(v), next: 0 });
      } else {
        // A string longer than what is left still shows past the cut, so the cut gets its "…".
        out += typeof v === 'string' ? JSON.stringify(v.slice(0, max + 1)) : String(v);
      }
      continue;
    }
    const top = open.at(-1);
    if (!top) break;
    const length = top.keys ? top.keys.length : (top.container as unknown[]).length;
    if (top.next >= length) {
      out += top.keys ? '}' : ']';
      open.pop();
      continue;
    }
    if (top.next > 0) out += ',';
    if (top.keys) {
      const key = top.keys[top.next]!;
      out += `${JSON.stringify(key.slice(0, max + 1))}:`;
      pending = { value: (top.container as Record<string, unknown>)[key] };
    } else {
      pending = { value: (top.container as unknown[])[top.next] };
    }
    top.next += 1;
  }
  return cut(out, max);
}
