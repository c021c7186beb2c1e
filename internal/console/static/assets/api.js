// The console's one way to the platform's JSON API: same origin, the
// session cookie, and the CSRF token (kept in memory only) on every call
// that is not a GET.

let csrfToken = null;
let onUnauthorized = () => {};

export const setCsrf = (t) => { csrfToken = t; };
export const setUnauthorizedHandler = (f) => { onUnauthorized = f; };

// ApiError is a non-2xx answer: its status and problem+json body.
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.headers = headers;
  }
}

// qs builds a query string from an object, leaving out empty values.
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

// api calls the API and answers {data, headers, status}; a non-2xx answer
// throws ApiError, and 401 also tells the app (the session is gone).
export async function api(method, path, { body, headers = {}, query, quiet401 = false } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  const init = { method, headers: h, credentials: 'same-origin' };
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path + qs(query), init);
  } catch {
    throw new ApiError(0, { detail: 'The server could not be reached; check the connection and try again.' });
  }
  let data = null;
  const ct = resp.headers.get('Content-Type') || '';
  if (resp.status !== 204 && ct.includes('json')) {
    try { data = await resp.json(); } catch { data = null; }
  }
  if (!resp.ok) {
    if (resp.status === 401 && !quiet401) onUnauthorized();
    throw new ApiError(resp.status, data, resp.headers);
  }
  return { data, headers: resp.headers, status: resp.status };
}

// nextCursor reads the cursor of a Link: <…?cursor=X>; rel="next" header.
export function nextCursor(headers) {
  const link = headers.get('Link') || '';
  const m = /<([^>]*)>;\s*rel="next"/.exec(link);
  if (!m) return null;
  return new URL(m[1], location.origin).searchParams.get('cursor');
}
