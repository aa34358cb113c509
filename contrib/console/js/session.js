// Who is logged in: the session the server holds (GET/POST/DELETE /v1/session), kept
// here for the pages (role, unit, display name) with its CSRF token given to the API client.
import { api, setCsrf } from './api.js';

let me = null;

function take(s) {
  me = s;
  setCsrf(s ? s.csrf : '');
  return s;
}

export const current = () => me;

export async function load() {
  try { return take(await api('GET', '/v1/session')); } catch { return take(null); }
}
export async function login(login, password) {
  return take(await api('POST', '/v1/session', { login, password }));
}
export async function logout() {
  try { await api('DELETE', '/v1/session'); } finally { take(null); }
}
export function forget() { take(null); }

// 'agent', 'supervisor', 'admin' or 'dept' (with me.unit the unit's code).
export function kind(s = me) {
  if (!s) return null;
  return s.role.startsWith('dept:') ? 'dept' : s.role;
}
export function unit(s = me) {
  return s && (s.unit || (s.role.startsWith('dept:') ? s.role.slice(5) : null));
}
