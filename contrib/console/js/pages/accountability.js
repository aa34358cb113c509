// 问责: the accountability records of a period (GET /v1/accountability?unit=&form=&from=&to=),
// adding one (POST /v1/accountability: the person, a form of the configured list, the
// reason, when and by whom decided, the cases or tickets it stems from), and a
// correction: 更正 on a row fills the form with the record it supersedes. Records are
// never edited or deleted; a superseded one stays, marked.
import { h, field, select, toast, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, query } from '../api.js';
import { onSubmit } from '../form.js';
import { unitName, unitOptions } from '../units.js';
import { tabs, accountabilityForms, thisMonth, caseLink, filled } from '../supervision.js';

const ids = (s) => (s || '').split(/[,，\s]+/).filter(Boolean);
const stemLink = (id) => (/^C/.test(id) ? caseLink(id) : h('a', { href: '#/ticket/' + encodeURIComponent(id) }, id));

// The records' table; onCorrect(record) when 更正 is offered (supervisors).
export function recordTable(records, onCorrect) {
  const cols = ['sv.id', 'acc.decided_on', 'acc.name', 'acc.post', 'sv.unit', 'acc.form', 'acc.reason', 'acc.stems_from', 'acc.status'];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'tickets records' },
    h('caption', { class: 'sr-only' }, t('sv.tab.accountability')),
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))), onCorrect ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('acc.correct'))) : null)),
    h('tbody', {}, records.map((r) => h('tr', { 'data-row': r.id, class: r.superseded_by ? 'superseded' : null },
      h('td', { class: 'id' }, r.id), h('td', {}, r.decided_on || ''), h('td', {}, r.person_name || ''),
      h('td', {}, r.person_post || ''), h('td', {}, unitName(r.person_unit)), h('td', {}, r.form || ''),
      h('td', { class: 'title' }, r.reason || ''),
      h('td', {}, [].concat(r.stems_from || []).flatMap((x, i) => (i ? [' ', stemLink(x)] : [stemLink(x)]))),
      h('td', {}, r.superseded_by ? `${t('acc.superseded')} ${r.superseded_by}` : r.supersedes ? `${t('acc.corrects')} ${r.supersedes}` : t('acc.valid')),
      onCorrect ? h('td', {}, r.superseded_by ? '' : h('button', { type: 'button', class: 'ghost', onclick: () => onCorrect(r) }, t('acc.correct'))) : null)))),
    records.length ? null : h('p', { class: 'empty' }, t('sv.none')));
}

export async function render(main, { params, go }) {
  const forms = await accountabilityForms();
  const period = thisMonth();
  const f = { unit: params.get('unit') || '', form: params.get('form') || '', from: params.get('from') || period.from, to: params.get('to') || period.to };
  const any = ['', t('list.any')];
  const filters = h('form', { class: 'card filters', role: 'search', 'aria-label': t('sv.filters') },
    field(t('sv.unit'), Object.assign(select('unit', [any, ...unitOptions()], f.unit), { id: 'a-unit' })),
    field(t('acc.form'), Object.assign(select('form', [any, ...forms.map((x) => [x, x])], f.form), { id: 'a-form' })),
    field(t('sv.from'), h('input', { type: 'date', name: 'from', id: 'a-from', value: f.from })),
    field(t('sv.to'), h('input', { type: 'date', name: 'to', id: 'a-to', value: f.to })),
    h('button', { type: 'submit', class: 'primary' }, t('list.search')));
  onSubmit(filters, async (v) => go('accountability' + query(v)));

  const supersedes = h('input', { name: 'supersedes', id: 'r-supersedes', readonly: true, autocomplete: 'off' });
  const add = h('form', { class: 'card record-form', novalidate: true },
    h('h2', {}, t('acc.new')),
    h('div', { class: 'field-row' },
      field(t('acc.name'), h('input', { name: 'name', id: 'r-name', required: true, autocomplete: 'off' })),
      field(t('acc.post'), h('input', { name: 'post', id: 'r-post', autocomplete: 'off' })),
      field(t('sv.unit'), Object.assign(select('unit', [['', '—'], ...unitOptions()], ''), { id: 'r-unit' }))),
    h('div', { class: 'field-row' },
      field(t('acc.form'), Object.assign(select('form', forms.map((x) => [x, x]), forms[0]), { id: 'r-form' })),
      field(t('acc.decided_on'), h('input', { type: 'date', name: 'decided_on', id: 'r-decided-on', value: period.to })),
      field(t('acc.decided_by'), h('input', { name: 'decided_by', id: 'r-decided-by', autocomplete: 'off' }))),
    field(t('acc.reason'), h('textarea', { name: 'reason', id: 'r-reason', rows: 2 })),
    field(t('acc.stems_from'), h('input', { name: 'stems_from', id: 'r-stems', placeholder: 'C20261207-0001', autocomplete: 'off' }), t('sv.tickets.hint')),
    field(t('acc.supersedes'), supersedes, t('acc.supersedes.hint')),
    h('button', { type: 'submit', class: 'primary' }, t('acc.save')));
  onSubmit(add, async (v) => {
    const body = { person: filled({ name: v.name, post: v.post, unit: v.unit }), form: v.form, reason: v.reason,
      decided_on: v.decided_on, decided_by: v.decided_by, stems_from: ids(v.stems_from) };
    if (v.supersedes) body.supersedes = v.supersedes;
    const r = await post('/v1/accountability', filled(body));
    toast(`${t('acc.saved')} ${r.id}`);
    await list();
    add.reset();
    add.elements.decided_on.value = period.to;
  });
  const correct = (r) => {
    supersedes.value = r.id;
    add.elements.unit.value = r.person_unit || '';
    add.elements.post.value = r.person_post || '';
    add.elements.stems_from.value = [].concat(r.stems_from || []).join(' ');
    add.elements.name.focus();
  };
  const box = h('section', { class: 'card' });
  main.append(tabs('accountability') || '', h('h1', {}, t('sv.tab.accountability')), filters, box, add);
  async function list() {
    try {
      const r = await get('/v1/accountability' + query(f));
      clear(box).append(recordTable(r.records || [], correct));
    } catch (err) {
      clear(box).append(h('p', { class: 'error-text', role: 'alert' }, err.message));
    }
  }
  await list();
  return null;
}
