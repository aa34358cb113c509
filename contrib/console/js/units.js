// The unit directory (GET /v1/departments), read once after login: pages show
// 武汉市水务集团有限公司 where the API gives `water`, and the dispatch forms offer the units.
import { get } from './api.js';

let byCode = new Map();
let list = [];

export async function load() {
  try {
    const r = await get('/v1/departments');
    list = r.departments || [];
    byCode = new Map(list.map((d) => [d.code, d]));
  } catch { /* codes are shown as they are */ }
}

// The unit's name, or its code when the directory does not know it.
export function unitName(code) {
  return (code && byCode.get(code)?.name) || code || '';
}

// [code, name] pairs for a <select>.
export function unitOptions() {
  return list.map((d) => [d.code, d.name]);
}
