// What the supervision pages share (督办件, 电视问政, 问责, 督办汇总): the tabs between them
// for a supervisor, a case's deadline clock coloured as a ticket's is (dom.js dueClock),
// and the table of cases (id as a link, kind, title, state, lead unit, clock).
import { h, clear, shortTime, span, dueClock } from './dom.js';
import { t } from './i18n.js';
import { unitName } from './units.js';
import { get } from './api.js';
import * as session from './session.js';

export const KINDS = ['problem', 'monthly', 'benchmark'];
export const CASE_STATES = ['open', 'rectifying', 'rectified', 'closed'];
// The forms an accountability record may take, as hotlined.yaml configures them
// (supervision.accountability_forms; GET /v1/accountability/forms), read once.
let forms = null;
export async function accountabilityForms() {
  if (!forms) forms = (await get('/v1/accountability/forms')).forms || [];
  return forms;
}

// The tabs atop every supervision page of a supervisor; a unit has only its cases.
export function tabs(current) {
  if (session.kind() === 'dept') return null;
  const items = [['cases', 'sv.tab.cases'], ['case-new', 'sv.tab.new'], ['programmes', 'sv.tab.programmes'],
    ['accountability', 'sv.tab.accountability'], ['sv-report', 'sv.tab.report']];
  return h('nav', { class: 'tabs', 'aria-label': t('sv.tabs') }, items.map(([path, key]) =>
    h('a', { href: '#/' + path, 'aria-current': path === current ? 'page' : null }, t(key))));
}

// A case's clock while the units work on it (open, rectifying): time left to its
// deadline or how late it is, ok / warn / overdue as the server's stage says.
export function caseClock(cs, now = Date.now()) {
  const dueIso = cs.rectify_due_at || cs.deadline_at;
  if (!dueIso || !['open', 'rectifying'].includes(cs.state)) return null;
  return dueClock(dueIso, cs.created_at, cs.rectify_status, null, now);
}

export function caseClockCell(cs) {
  const c = caseClock(cs);
  if (!c) return h('td', { class: 'clock' }, cs.deadline || '—');
  return h('td', { class: 'clock ' + c.cls, title: shortTime(cs.deadline_at) },
    c.left < 0 ? t('clock.late') : t('clock.left'), ' ', span(c.left, t));
}

export function caseLink(id) {
  return h('a', { href: '#/case/' + encodeURIComponent(id) }, id);
}

// A table of cases; .update(list) redraws it, and the clocks every 30 s.
export function caseTable(caption) {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, t('sv.none'));
  const wrap = h('div', { class: 'table-wrap' },
    h('table', { class: 'tickets cases' }, h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, ['sv.id', 'sv.kind', 'col.title', 'col.state', 'sv.lead', 'sv.deadline']
        .map((k) => h('th', { scope: 'col' }, t(k))))), body), empty);
  let current = [];
  wrap.update = (list) => {
    current = list;
    clear(body).append(...list.map((cs) => h('tr', { 'data-row': cs.id, 'data-state': cs.state },
      h('td', { class: 'id' }, caseLink(cs.id)),
      h('td', {}, t('sv.kind.' + cs.kind)),
      h('td', { class: 'title' }, cs.title || ''),
      h('td', {}, h('span', { class: 'state case-' + cs.state }, t('case.state.' + cs.state))),
      h('td', { class: 'unit' }, unitName(cs.lead_unit)),
      caseClockCell(cs))));
    empty.hidden = list.length > 0;
  };
  const timer = setInterval(() => wrap.isConnected && wrap.update(current), 30000);
  wrap.stop = () => clearInterval(timer);
  return wrap;
}

// "2026-12-01": the first of this month and today, in Beijing time.
export function thisMonth() {
  const z = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  return { from: z.slice(0, 8) + '01', to: z };
}

// A request's body without the fields left empty: the API takes a missing optional field,
// not a blank one.
export function filled(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null && !(Array.isArray(v) && !v.length)));
}
