// A supervised case (督办件): its fields, linked tickets (links to their pages), the
// timeline, and the steps the viewer may take in its state — the lead unit 整改方案 and
// 整改完成, lead or co-unit 进展, a supervisor 验收通过 or 退回 with a reason
// (POST /v1/supervision/cases/{id}/{step}; the server checks role and state). Another
// unit's case answers 404 and shows as not found.
import { h, clear, longTime, span } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { unitName } from '../units.js';
import * as session from '../session.js';
import { stepForm, timeline } from '../steps.js';
import { tabs, caseClock } from '../supervision.js';

const text = (name, key, optional) => ({ name, key, kind: 'textarea', optional });
const lead = (cs) => session.unit() === cs.lead_unit;
const co = (cs) => [].concat(cs.co_units || []).includes(session.unit());
const STEPS = [
  { path: 'plan', who: (cs) => lead(cs), states: ['open'], fields: [text('plan', 'case.plan')] },
  { path: 'progress', who: (cs) => lead(cs) || co(cs), states: ['open', 'rectifying'], fields: [text('progress', 'case.progress')] },
  { path: 'rectified', who: (cs) => lead(cs), states: ['rectifying'], fields: [text('note', 'step.note', true)] },
  { path: 'accept', who: () => session.kind() === 'supervisor', states: ['rectified'], fields: [text('note', 'step.note', true)] },
  { path: 'send-back', who: () => session.kind() === 'supervisor', states: ['rectified'], fields: [text('reason', 'step.reason')] },
];
const FIELDS = ['kind', 'state', 'lead_unit', 'co_units', 'source_type', 'source_text', 'requirements', 'deadline_at',
  'plan', 'last_progress', 'send_backs', 'send_back_reason', 'rectified_at', 'closed_at', 'metric', 'target',
  'benchmark', 'progress', 'created_at', 'created_by'];

function value(cs, f) {
  const v = cs[f];
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return null;
  if (f === 'kind') return t('sv.kind.' + v);
  if (f === 'state') return t('case.state.' + v);
  if (f === 'lead_unit' || f === 'co_units') return [].concat(v).map(unitName).join('、');
  if (f.endsWith('_at')) return longTime(v);
  if (f === 'source_type') return t('sv.source.' + v) === 'sv.source.' + v ? v : t('sv.source.' + v);
  if (f === 'source_text' && cs.source_type === 'programme') return h('a', { href: '#/programmes/' + encodeURIComponent(v) }, v);
  return Array.isArray(v) ? v.join(', ') : String(v);
}

export async function render(main, { arg }) {
  const id = arg;
  const page = h('div', { class: 'ticket-page case-page' });
  main.append(tabs('cases') || '', page);
  let cs;
  const load = async () => { cs = await get('/v1/supervision/cases/' + encodeURIComponent(id)); };
  try {
    await load();
  } catch (err) {
    page.append(h('section', { class: 'card' }, h('h1', {}, err.status === 404 ? t('sv.notfound') : `${t('sv.case')} ${id}`),
      h('p', { class: 'error-text', role: 'alert' }, err.status === 404 ? `${id}: ${t('sv.notfound.lead')}` : err.message)));
    return null;
  }
  const reload = async () => { try { await load(); draw(); } catch { /* shown on the next visit */ } };
  function draw() {
    const dl = h('dl', { class: 'fields' });
    for (const f of FIELDS) {
      const v = value(cs, f);
      if (v !== null) dl.append(h('dt', {}, t('case.f.' + f)), h('dd', {}, v));
    }
    const tickets = [].concat(cs.tickets || []);
    const steps = STEPS.filter((s) => s.states.includes(cs.state) && s.who(cs));
    const c = caseClock(cs);
    clear(page).append(
      h('header', { class: 'ticket-head' },
        h('h1', {}, h('span', { class: 'tid' }, cs.id), ' ', h('span', { class: 'ttitle' }, cs.title || '')),
        h('div', { class: 'head-line' }, h('span', { class: 'state case-' + cs.state }, t('case.state.' + cs.state)),
          c ? h('span', { class: 'clock ' + c.cls }, c.left < 0 ? t('clock.late') : t('clock.left'), ' ', span(c.left, t)) : null)),
      h('div', { class: 'ticket-grid' },
        h('section', { class: 'card', 'aria-labelledby': 'c-title' },
          h('h2', { id: 'c-title' }, t('case.f.description')),
          h('p', { class: 'content' }, cs.description || ''), dl,
          h('h3', {}, t('case.tickets')),
          tickets.length ? h('ul', { class: 'linked' }, tickets.map((x) => h('li', {}, h('a', { href: '#/ticket/' + encodeURIComponent(x) }, x))))
            : h('p', { class: 'muted' }, t('sv.none'))),
        h('section', { class: 'card actions-card', 'aria-labelledby': 'a-title' },
          h('h2', { id: 'a-title' }, t('ticket.actions')),
          steps.length ? steps.map((s, i) => stepForm(`/v1/supervision/cases/${encodeURIComponent(cs.id)}`, s, reload, i === 0))
            : h('p', { class: 'muted' }, t('case.nosteps'))),
        h('section', { class: 'card timeline-card', 'aria-labelledby': 't-title' },
          h('h2', { id: 't-title' }, t('ticket.timeline')), timeline(cs.timeline, 'case.state.'))));
  }
  draw();
  return null;
}
