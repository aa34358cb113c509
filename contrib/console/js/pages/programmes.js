// 电视问政: the programmes of a period (GET /v1/supervision/programmes), recording one with
// the problems it exposed (POST), and one programme (#/programmes/<id>): its problems,
// each a step from 立案督办 (the case form, its source this programme), its cases and
// its tickets.
import { h, field, toast } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, query } from '../api.js';
import { onSubmit } from '../form.js';
import { unitName, unitOptions } from '../units.js';
import { tabs, caseLink, thisMonth, filled } from '../supervision.js';

const today = () => thisMonth().to;

async function one(main, id) {
  let p;
  try {
    p = await get('/v1/supervision/programmes/' + encodeURIComponent(id));
  } catch (err) {
    main.append(h('section', { class: 'card' }, h('h1', {}, id), h('p', { class: 'error-text', role: 'alert' }, err.message)));
    return;
  }
  const problems = [].concat(p.problems || []);
  main.append(h('section', { class: 'card programme' },
    h('h1', {}, h('span', { class: 'tid' }, p.id), ' ', p.title || ''),
    h('dl', { class: 'fields' },
      h('dt', {}, t('sv.date')), h('dd', {}, p.date || ''),
      h('dt', {}, t('sv.units')), h('dd', {}, [].concat(p.units || []).map(unitName).join('、') || '—'),
      p.notes ? [h('dt', {}, t('sv.notes')), h('dd', {}, p.notes)] : null),
    h('h2', {}, t('sv.problems'), ' ', h('span', { class: 'count' }, String(problems.length))),
    h('ol', { class: 'problems' }, problems.map((text) => h('li', {}, h('span', {}, text), ' ',
      h('a', { class: 'button ghost', href: '#/case-new' + query({ programme: p.id, problem: text }) }, t('sv.open_from'))))),
    h('h2', {}, t('sv.cases')),
    [].concat(p.cases || []).length ? h('ul', { class: 'linked' }, p.cases.map((c) => h('li', {}, caseLink(c)))) : h('p', { class: 'muted' }, t('sv.none')),
    h('h2', {}, t('sv.tickets')),
    [].concat(p.tickets || []).length ? h('ul', { class: 'linked' }, p.tickets.map((x) => h('li', {}, h('a', { href: '#/ticket/' + encodeURIComponent(x) }, x))))
      : h('p', { class: 'muted' }, t('sv.none'))));
}

export async function render(main, { arg, go }) {
  main.append(tabs('programmes') || '');
  if (arg) { await one(main, arg); return null; }
  const form = h('form', { class: 'card programme-form', novalidate: true },
    h('h2', {}, t('sv.programme.new')),
    h('div', { class: 'field-row' },
      field(t('sv.date'), h('input', { type: 'date', name: 'date', id: 'p-date', value: today(), required: true })),
      field(t('col.title'), h('input', { name: 'title', id: 'p-title', required: true, autocomplete: 'off' }))),
    h('fieldset', { class: 'field co-units' }, h('legend', {}, t('sv.units')),
      unitOptions().map(([code, name]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'unit:' + code }), ' ', name))),
    field(t('sv.notes'), h('input', { name: 'notes', id: 'p-notes', autocomplete: 'off' })),
    field(t('sv.problems'), h('textarea', { name: 'problems', id: 'p-problems', rows: 3 }), t('sv.problems.hint')),
    h('button', { type: 'submit', class: 'primary' }, t('sv.programme.save')));
  onSubmit(form, async (v) => {
    const r = await post('/v1/supervision/programmes', filled({ date: v.date, title: v.title, notes: v.notes,
      units: Object.keys(v).filter((k) => k.startsWith('unit:') && v[k]).map((k) => k.slice(5)),
      problems: v.problems.split('\n').map((s) => s.trim()).filter(Boolean) }));
    toast(`${t('sv.programme.saved')} ${r.id}`);
    go('programmes/' + encodeURIComponent(r.id));
  });
  const body = h('tbody');
  main.append(h('h1', {}, t('sv.tab.programmes')),
    h('section', { class: 'card' }, h('div', { class: 'table-wrap' }, h('table', { class: 'tickets' },
      h('caption', { class: 'sr-only' }, t('sv.tab.programmes')),
      h('thead', {}, h('tr', {}, ['sv.id', 'sv.date', 'col.title', 'sv.problems'].map((k) => h('th', { scope: 'col' }, t(k))))), body))),
    form);
  try {
    const r = await get('/v1/supervision/programmes' + query({ from: '2000-01-01', to: today() }));
    for (const p of r.programmes || []) {
      body.append(h('tr', { 'data-row': p.id }, h('td', { class: 'id' }, h('a', { href: '#/programmes/' + encodeURIComponent(p.id) }, p.id)),
        h('td', {}, p.date || ''), h('td', { class: 'title' }, p.title || ''), h('td', {}, String(p.problem_count ?? [].concat(p.problems || []).length))));
    }
    if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: 4, class: 'empty' }, t('sv.none'))));
  } catch (err) {
    main.append(h('p', { class: 'error-text', role: 'alert' }, err.message));
  }
  return null;
}
