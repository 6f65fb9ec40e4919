// Calls to the admin API with the signed-in token, and problem+json turned into sentences.
export const NAMES = { intune: 'Microsoft Intune', jamf: 'Jamf Pro' };

export class ApiError extends Error {
  constructor(problem, status) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.problem = problem ?? {};
    this.status = status;
  }
}

export const token = () => sessionStorage.getItem('token');
export const authorization = () => (token() ? { authorization: `Bearer ${token()}` } : {});

/** The answer's body and its ETag (what an edit of a record sends back in If-Match). */
export async function apiAnswer(method, path, body, headers = {}) {
  const response = await fetch(path, {
    method,
    headers: { ...authorization(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(data, response.status);
  return { data, etag: response.headers.get('etag') };
}

export async function api(method, path, body) {
  return (await apiAnswer(method, path, body)).data;
}

export function describeProblem(error) {
  if (!(error instanceof ApiError)) return String(error.message ?? error);
  if (error.status === 401) return 'Sign in first: the access token is missing or not recognised.';
  const { detail, fix, errors } = error.problem;
  const fields = (errors ?? []).map((e) => e.message).join('; ');
  return [detail, fields && fields !== detail?.replace(/\.$/, '') ? fields : '', fix].filter(Boolean).join(' ');
}

/** The field a problem blames, what is wrong with it, and the sentence for the form's result line. */
export function blame(error) {
  const problem = error.problem ?? {};
  const first = problem.errors?.[0];
  return {
    field: problem.field ?? first?.field ?? null,
    fieldMessage: problem.field ? problem.detail : first?.message,
    message: problem.fix ? problem.detail : describeProblem(error),
    fix: problem.fix,
  };
}

let openApi = null;
/** The API's own description: choice lists are read from it, so the page never drifts from what it accepts. */
export async function openApiDocument() {
  openApi ??= await (await fetch('/openapi.json')).json();
  return openApi;
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : 'never');
/**
 * A time as the clock of a named zone shows it, the zone said after it ("Dec 8, 2026, 2:30 AM
 * (Europe/Paris)"); without a zone, the browser's own, named the same way. Beside a schedule, so
 * that "daily at 02:30 (Europe/Paris)" is never followed by the same moment on another clock.
 */
export function whenIn(iso, timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone) {
  return `${new Date(iso).toLocaleString(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' })} (${timeZone})`;
}
export const duration = (ms) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.round(ms / 1000)} s`);

/** Saves a Blob under a file name. */
export function download(blob, fileName) {
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
}
