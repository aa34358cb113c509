// 受理: the agent's intake form, keyboard-first. While the agent types, the side panel
// shows where the ticket would go and why (POST /v1/route/explain), the 政策通 entries
// that may answer it (kb_suggest.js) and the caller's open tickets
// (GET /v1/tickets?caller_phone=); 提交 (or Ctrl+Enter) creates it (POST /v1/tickets, one
// Idempotency-Key per form, with the entry a direct answer cites and the last search) and
// shows the id and 承诺时限 large.
import { h, field, clear, select, longTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, query } from '../api.js';
import { onSubmit, values } from '../form.js';
import { unitName } from '../units.js';
import { kbSuggest } from '../kb_suggest.js';

const TYPES = ['complaint', 'request', 'consultation', 'report', 'suggestion', 'praise'];
const OPEN = (tk) => !['closed', 'merged'].includes(tk.state);

// The body the API takes: what the form holds, blanks left out.
function body(v) {
  const b = {};
  for (const k of ['channel', 'title', 'content', 'address', 'district', 'caller_phone', 'citizen_name', 'type', 'urgency']) {
    if (v[k]) b[k] = v[k];
  }
  if (v.confidential) b.confidential = true;
  if (v.direct && v.direct_answer) b.direct_answer = v.direct_answer;
  return b;
}

function debounce(f, ms) {
  let timer = 0;
  return (...a) => { clearTimeout(timer); timer = setTimeout(() => f(...a), ms); };
}

export function render(main, { go }) {
  const idem = crypto.randomUUID();
  const lbl = (id, key) => h('label', { for: id }, t(key));
  const input = (id, name, attrs = {}) => h('input', { id, name, autocomplete: 'off', ...attrs });
  const answer = h('textarea', { id: 'in-answer', name: 'direct_answer', rows: 3 });
  const answerBox = h('div', { class: 'field', hidden: true }, lbl('in-answer', 'intake.answer'), answer);
  const direct = h('input', { id: 'in-direct', name: 'direct', type: 'checkbox',
    onchange: () => { answerBox.hidden = !direct.checked; } });

  const form = h('form', { class: 'card intake', 'aria-labelledby': 'intake-title', novalidate: true },
    h('h1', { id: 'intake-title' }, t('intake.title')),
    h('div', { class: 'grid2' },
      field(t('intake.phone'), input('in-phone', 'caller_phone', { type: 'tel', inputmode: 'tel', autofocus: true })),
      field(t('intake.name'), input('in-name', 'citizen_name'))),
    field(t('intake.ticket_title'), input('in-title', 'title', { required: true })),
    field(t('intake.content'), h('textarea', { id: 'in-content', name: 'content', rows: 5, required: true })),
    h('div', { class: 'grid2' },
      field(t('intake.address'), input('in-address', 'address')),
      field(t('intake.district'), input('in-district', 'district'))),
    h('div', { class: 'grid3' },
      field(t('intake.type'),
        Object.assign(select('type', TYPES.map((c) => [c, t('type.' + c)]), 'complaint'), { id: 'in-type' })),
      field(t('intake.urgency'),
        Object.assign(select('urgency', [['normal', t('urgency.normal')], ['urgent', t('urgency.urgent')]], 'normal'), { id: 'in-urgency' })),
      field(t('intake.channel'),
        Object.assign(select('channel', ['hotline', 'board', 'tv'].map((c) => [c, t('channel.' + c)]), 'hotline'), { id: 'in-channel' }))),
    h('div', { class: 'checks' },
      h('span', { class: 'check' }, h('input', { id: 'in-conf', name: 'confidential', type: 'checkbox' }), lbl('in-conf', 'intake.confidential')),
      h('span', { class: 'check' }, direct, lbl('in-direct', 'intake.direct'))),
    answerBox,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('intake.submit')),
      h('span', { class: 'hint' }, t('intake.ctrlenter'))));

  const routeBox = h('div', { class: 'route', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('intake.route.none')));
  const historyBox = h('div', { class: 'history', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('intake.history.wait')));
  const kb = kbSuggest(form, { answer, direct, answerBox });
  const side = h('aside', { class: 'side' },
    h('section', { class: 'card', 'aria-labelledby': 'route-title' }, h('h2', { id: 'route-title' }, t('intake.route')), routeBox),
    kb.card,
    h('section', { class: 'card', 'aria-labelledby': 'hist-title' }, h('h2', { id: 'hist-title' }, t('intake.history')), historyBox));

  let explained = '';
  const explain = debounce(async () => {
    const b = body(values(form));
    if (!b.title && !b.content) return;
    const key = JSON.stringify(b);
    if (key === explained) return;
    explained = key;
    try {
      const r = await post('/v1/route/explain', b);
      if (key !== explained) return;
      clear(routeBox);
      if (r.outcome === 'dispatch') {
        routeBox.append(h('p', { class: 'route-unit' }, unitName(r.department)), h('p', { class: 'route-why' }, r.reason || ''));
      } else {
        routeBox.append(h('p', { class: 'route-unit manual' }, t(r.outcome === 'merge' ? 'intake.route.merge' : 'intake.route.manual')),
          h('p', { class: 'route-why' }, r.manual_reason || r.reason || ''));
      }
    } catch (err) {
      if (key !== explained) return;
      clear(routeBox).append(h('p', { class: 'muted' }, err.message));
    }
  }, 400);

  let asked = '';
  const history = debounce(async () => {
    const phone = form.elements.caller_phone.value.replace(/\D/g, '');
    if (phone.length < 7 || phone === asked) return;
    asked = phone;
    try {
      const r = await get('/v1/tickets' + query({ caller_phone: phone, limit: 20 }));
      if (phone !== asked) return;
      const open = r.tickets.filter(OPEN);
      clear(historyBox);
      if (!open.length) { historyBox.append(h('p', { class: 'muted' }, t('intake.history.none'))); return; }
      historyBox.append(h('ul', { class: 'plain' }, open.map((tk) => h('li', { 'data-row': tk.id },
        h('a', { href: '#/ticket/' + encodeURIComponent(tk.id) }, tk.id), ' ',
        h('span', { class: 'state state-' + tk.state }, t('state.' + tk.state)), ' ',
        h('span', { class: 'hist-title' }, tk.title || '')))));
    } catch (err) {
      clear(historyBox).append(h('p', { class: 'muted' }, err.message));
    }
  }, 400);

  form.addEventListener('input', (e) => {
    if (e.target.name === 'caller_phone') history();
    if (['title', 'content', 'address', 'district', 'type', 'channel', 'caller_phone'].includes(e.target.name)) explain();
    if (['title', 'content'].includes(e.target.name)) kb.search();
  });
  form.addEventListener('change', explain);

  onSubmit(form, async (v) => {
    const r = await post('/v1/tickets', kb.cite(body(v)), { 'Idempotency-Key': idem });
    const next = h('button', { type: 'button', class: 'primary', onclick: () => go('intake') }, t('intake.new'));
    clear(main).append(h('section', { class: 'card done', 'aria-labelledby': 'done-title' },
      h('h1', { id: 'done-title' }, t('intake.done')),
      h('p', { class: 'big-id' }, h('a', { href: '#/ticket/' + encodeURIComponent(r.id) }, r.id)),
      h('p', { class: 'promise-label' }, t('intake.promise')),
      h('p', { class: 'big-time', id: 'promise' }, longTime(r.promised_answer_by)),
      h('p', {}, h('span', { class: 'state state-' + r.state }, t('state.' + r.state))),
      next));
    next.focus();
    toast(`${t('intake.done')} ${r.id}`);
  });

  main.append(h('div', { class: 'intake-layout' }, form, side));
  form.elements.caller_phone.focus();
  return kb.stop;
}
