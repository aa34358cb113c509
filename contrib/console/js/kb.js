// What the 政策通 (policy knowledge base) parts of the console share: the search
// (GET /v1/kb/search), a result's snippet drawn from its segments with the matched terms
// in <mark> (text as text, never markup), an entry as the API gives it (questions and tags
// as lists), its answer and facts as the entry page and the intake form's panel show them
// (entryBody), the citation "<id>@<version>" a direct answer carries (kb_entry), and who may
// edit an entry (supervisors any; a unit its own — the server decides, this spares buttons).
import { h, longTime } from './dom.js';
import { t } from './i18n.js';
import { get, query } from './api.js';
import { unitName } from './units.js';
import * as session from './session.js';

export const QUERY_MAX = 200; // kb_query is stored up to 200 characters

export const entryPath = (id) => '/v1/kb/entries/' + encodeURIComponent(id);
export const entryHref = (id, version) => '#/kb/' + encodeURIComponent(id) + (version ? query({ v: version }) : '');

// GET /v1/kb/search: {q, results: [{id, version, title, unit, unit_name, score, snippet, expired}]}
export async function search(q, { limit = 5, includeExpired = false } = {}) {
  const r = await get('/v1/kb/search' + query({ q: q.slice(0, QUERY_MAX), limit, include_expired: includeExpired ? 'true' : '' }));
  return (r && r.results) || [];
}

// snippet: [{text, hit}] (or a plain string) -> a <p> with the hits in <mark>.
export function snippet(segments) {
  const parts = typeof segments === 'string' ? [{ text: segments }] : [].concat(segments || []);
  return h('p', { class: 'kb-snippet' }, parts.map((s) => (s.hit ? h('mark', {}, s.text || '') : s.text || '')));
}

// A list field the API may give as a list or as its JSON text.
export function list(v) {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && v.startsWith('[')) { try { return JSON.parse(v); } catch { /* as text */ } }
  return v ? String(v).split(/[,，、\n]+/).map((s) => s.trim()).filter(Boolean) : [];
}

export function normalise(e) {
  return { ...e, questions: list(e.questions), tags: list(e.tags), version: Number(e.version) || e.version };
}

export const citation = (e) => `${e.id}@${e.version}`;
// "sb-card-lost@3" -> {id, version}
export function parseCitation(s) {
  const m = /^(.+)@(\d+)$/.exec(s || '');
  return m ? { id: m[1], version: Number(m[2]) } : null;
}

export function canEdit(e) {
  const k = session.kind();
  return k === 'supervisor' || (k === 'dept' && !!e && e.unit === session.unit());
}
export const canCreate = () => ['supervisor', 'dept'].includes(session.kind());

// An entry's expiry: past its effective_until (a date, Beijing time) today.
export function expired(e, today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)) {
  return !!(e.expired === true || (e.effective_until && e.effective_until < today));
}

export const updated = (e) => (e.updated_ms ? longTime(new Date(Number(e.updated_ms)).toISOString()) : e.updated_at ? longTime(e.updated_at) : '');
export const until = (e) => e.effective_until || t('kb.open_ended');

// The entry's answer and facts: shared with the intake form's answer panel (compact).
export function entryBody(e, { compact } = {}) {
  const dl = h('dl', { class: 'fields' });
  const add = (key, v) => { if (v !== undefined && v !== null && v !== '') dl.append(h('dt', {}, t(key)), h('dd', {}, String(v))); };
  add('kb.f.unit', unitName(e.unit));
  add('kb.f.source', e.source);
  add('kb.f.effective_from', e.effective_from);
  add('kb.f.effective_until', until(e));
  if (!compact) {
    add('kb.f.tags', e.tags.join('、'));
    add('kb.f.reviewed_at', e.reviewed_at);
    add('kb.f.version', 'v' + e.version);
    add('kb.f.updated', updated(e));
    add('kb.f.updated_by', e.updated_by);
  }
  return { answer: h('p', { class: 'content kb-answer' }, e.answer || ''), dl,
    questions: h('ul', { class: 'kb-questions' }, e.questions.map((q) => h('li', {}, q))) };
}

