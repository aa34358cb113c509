// The one way the console talks to hotlined: fetch with the session cookie, JSON both
// ways, the CSRF header on every request that changes something, and errors as
// ApiError {status, message, field} for the page to show next to the field named.
let csrf = '';
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || null;
  }
}

export function setCsrf(token) { csrf = token || ''; }
// The server ended the session another way (the live stream's `event: logout`).
export function sessionEnded() { onUnauthorized(''); }
// Called with the failed path when the server says the session is gone (401).
export function whenUnauthorized(f) { onUnauthorized = f; }

export async function api(method, path, body, extraHeaders) {
  const headers = { Accept: 'application/json', ...(extraHeaders || {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, e.message || 'network error', null);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/v1/session')) onUnauthorized(path);
    throw new ApiError(res.status, (data && data.error) || text || res.statusText,
      data && data.field);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, headers) => api('POST', path, body ?? {}, headers);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}
