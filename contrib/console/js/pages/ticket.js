// A ticket: its fields (masked as the API gives them; a direct answer's 政策通 entry as a
// link to the version cited), the whole timeline, the steps
// the viewer's role may take in its state (POST /v1/tickets/{id}/{step}), and who else
// has it open or is typing (POST /v1/tickets/{id}/presence, every 10 s and when typing
// starts or stops). It reloads when a live event names it.
import { h, clear, longTime } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { stepForm, timeline } from '../steps.js';
import { clockCell } from '../table.js';
import * as session from '../session.js';
import { subscribe } from '../live.js';
import { unitName } from '../units.js';
import { parseCitation, entryHref, entryPath } from '../kb.js';

const FIELDS = ['state', 'channel', 'type', 'urgency', 'department', 'co_units', 'address', 'district',
  'caller_phone', 'citizen_name', 'created_at', 'sign_due_at', 'answer_due_at', 'citizen_due_at',
  'return_until_at', 'route_reason'];
const WORDS = { state: 'state.', channel: 'channel.', type: 'type.', urgency: 'urgency.' };

const text = (name, key, optional) => ({ name, key, kind: 'textarea', optional });
const line = (name, key, optional) => ({ name, key, kind: 'input', optional });
const unitChoice = (name, key, optional) => ({ name, key, kind: 'unit', optional });
const pending = (tk) => tk.extension_pending === '1' || tk.extension_pending === true;
// The steps, who may take them and in which states (lua/ticket_step.lua decides; this only
// spares people buttons that would answer 409).
const STEPS = [
  { path: 'sign', roles: ['dept'], states: ['dispatched', 'reopened'], fields: [] },
  { path: 'answer', roles: ['dept'], states: ['accepted', 'reopened'], fields: [text('answer', 'step.answer_text')] },
  { path: 'return', roles: ['dept'], states: ['dispatched', 'accepted'], fields: [text('reason', 'step.reason')] },
  { path: 'extend', roles: ['dept'], states: ['accepted'], when: (tk) => !pending(tk),
    fields: [{ name: 'days', key: 'step.days', kind: 'number' }, text('reason', 'step.reason')] },
  { path: 'approve-return', roles: ['supervisor'], states: ['return_requested'],
    fields: [unitChoice('department', 'step.new_unit', true), text('note', 'step.note', true)] },
  { path: 'reject-return', roles: ['supervisor'], states: ['return_requested'], fields: [text('reason', 'step.reason')] },
  { path: 'approve-extension', roles: ['supervisor'], states: ['accepted'], when: pending, fields: [text('note', 'step.note', true)] },
  { path: 'reject-extension', roles: ['supervisor'], states: ['accepted'], when: pending, fields: [text('reason', 'step.reason')] },
  { path: 'dispatch', roles: ['agent', 'supervisor'], states: ['pending_manual'], fields: [unitChoice('department', 'step.unit')] },
  { path: 'co-handle', roles: ['supervisor'], states: ['dispatched', 'accepted', 'reopened', 'return_requested'],
    fields: [line('units', 'step.units')] },
  { path: 'callback', roles: ['agent'], states: ['resolved'], fields: [
    { name: 'satisfaction', key: 'step.satisfaction', kind: 'select', options: ['satisfied', 'basically_satisfied', 'unsatisfied'], words: 'sat.' },
    { name: 'solved', key: 'step.solved', kind: 'select', options: ['solved', 'unsolved'], words: 'solved.' },
    text('note', 'step.note', true)] },
  { path: 'notes', roles: ['agent', 'supervisor', 'dept', 'admin'], states: null, fields: [text('note', 'step.note')] },
];

// The presence line and its heartbeat; returns {typing(bool), stop()}.
function presence(id, lineEl) {
  let typing = false;
  let alive = true;
  async function beat() {
    if (!alive) return;
    try {
      const r = await post(`/v1/tickets/${encodeURIComponent(id)}/presence`, { typing });
      clear(lineEl);
      const others = r.others || [];
      lineEl.hidden = !others.length;
      for (const o of others) {
        lineEl.append(h('span', { class: o.typing ? 'typing' : 'viewing' },
          `${o.display_name || o.login} ${t(o.typing ? 'presence.typing' : 'presence.viewing')}`));
      }
    } catch { lineEl.hidden = true; }
  }
  const timer = setInterval(beat, 10000);
  beat();
  return {
    typing(now) { if (now !== typing) { typing = now; beat(); } },
    stop() { alive = false; clearInterval(timer); },
  };
}

export async function render(main, { arg }) {
  const id = arg;
  let tk;
  try {
    tk = await get('/v1/tickets/' + encodeURIComponent(id));
  } catch (err) {
    main.append(h('section', { class: 'card' }, h('h1', {}, `${t('ticket.title')} ${id}`),
      h('p', { class: 'error-text', role: 'alert' }, err.message)));
    return null;
  }
  const who = session.kind();
  const presenceLine = h('p', { class: 'presence', 'aria-live': 'polite', hidden: true });
  const pres = presence(id, presenceLine);
  // A live event does not redraw over what the person is typing; their own step does.
  const reload = async (force = true) => {
    try {
      const fresh = await get('/v1/tickets/' + encodeURIComponent(id));
      const typed = [...page.querySelectorAll('form textarea, form input:not([type=number])')].some((e) => e.value);
      if (!force && typed) return;
      tk = fresh;
      draw();
    } catch { /* shown on the next visit */ }
  };

  const page = h('div', { class: 'ticket-page' });
  function draw() {
    const dl = h('dl', { class: 'fields' });
    for (const f of FIELDS) {
      let v = tk[f];
      if (v === undefined || v === null || v === '') continue;
      if (f === 'department' || f === 'co_units') v = [].concat(typeof v === 'string' ? v.split(',') : v).map(unitName).join('、');
      else if (Array.isArray(v)) v = v.join(', ');
      if (WORDS[f]) v = t(WORDS[f] + v);
      else if (f.endsWith('_at')) v = longTime(v);
      dl.append(h('dt', {}, t('f.' + f)), h('dd', {}, String(v)));
    }
    if (tk.confidential) dl.append(h('dt', {}, t('f.confidential')), h('dd', {}, '✓'));
    const cite = parseCitation(tk.kb_entry);
    if (cite) {
      const a = h('a', { href: entryHref(cite.id, cite.version) }, `${cite.id} v${cite.version}`);
      dl.append(h('dt', {}, t('kb.cite.field')), h('dd', { class: 'kb-cite' }, a));
      get(`${entryPath(cite.id)}/versions/${cite.version}`).then((e) => { a.textContent = `${e.title}（${cite.id} v${cite.version}）`; }).catch(() => {});
    }
    if (tk.kb_query) dl.append(h('dt', {}, t('kb.query.field')), h('dd', {}, tk.kb_query));
    const steps = STEPS.filter((s) => s.roles.includes(who) && (!s.states || s.states.includes(tk.state)) && (!s.when || s.when(tk)));
    const clock = clockCell(tk);
    clear(page).append(
      h('header', { class: 'ticket-head' },
        h('h1', {}, h('span', { class: 'tid' }, tk.id), ' ', h('span', { class: 'ttitle' }, tk.title || '')),
        h('div', { class: 'head-line' }, h('span', { class: 'state state-' + tk.state }, t('state.' + tk.state)),
          clock.classList.contains('ok') || clock.classList.contains('warn') || clock.classList.contains('overdue')
            ? h('span', { class: clock.className }, ...clock.childNodes) : null),
        presenceLine),
      h('div', { class: 'ticket-grid' },
        h('section', { class: 'card', 'aria-labelledby': 'c-title' },
          h('h2', { id: 'c-title' }, t('f.content')),
          tk.personal_data === 'masked' ? h('p', { class: 'notice' }, t('ticket.masked')) : null,
          h('p', { class: 'content' }, tk.content || ''),
          tk.answer ? h('div', {}, h('h3', {}, t('f.answer')), h('p', { class: 'content' }, tk.answer)) : null,
          tk.direct_answer ? h('div', {}, h('h3', {}, t('f.direct_answer')), h('p', { class: 'content direct-answer' }, tk.direct_answer)) : null,
          dl),
        h('section', { class: 'card actions-card', 'aria-labelledby': 'a-title' },
          h('h2', { id: 'a-title' }, t('ticket.actions')),
          steps.map((s, i) => stepForm(`/v1/tickets/${encodeURIComponent(tk.id)}`, s, reload, i === 0 || (i === 1 && !steps[0].fields.length)))),
        h('section', { class: 'card timeline-card', 'aria-labelledby': 't-title' },
          h('h2', { id: 't-title' }, t('ticket.timeline')), timeline(tk.audit))));
  }
  draw();
  main.append(page);

  let idle = 0;
  page.addEventListener('input', (e) => {
    if (e.target.tagName !== 'TEXTAREA' && e.target.tagName !== 'INPUT') return;
    pres.typing(true);
    clearTimeout(idle);
    idle = setTimeout(() => pres.typing(false), 4000);
  });
  const unsubscribe = subscribe((m) => { if (m.id === id) reload(false); });
  return () => { pres.stop(); clearTimeout(idle); unsubscribe(); };
}
