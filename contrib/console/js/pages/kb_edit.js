// 政策通: an entry's edit form (#/kb-edit/<id>: PUT /v1/kb/entries/<id> with the version
// edited, so that a version saved meanwhile is a 409, shown with a way to load it) and the
// new entry form (#/kb-new: POST /v1/kb/entries). The fields: title, 常见问法 (one a line),
// the answer, the unit (a unit account: its own), tags, source, effective_from/until,
// reviewed_at. A 400 is shown at the field it names (form.js).
import { h, field, select, toast } from '../dom.js';
import { t } from '../i18n.js';
import { get, api } from '../api.js';
import { onSubmit } from '../form.js';
import { unitName, unitOptions } from '../units.js';
import * as session from '../session.js';
import { normalise, entryPath, entryHref, canEdit, canCreate } from '../kb.js';

const lines = (s) => (s || '').split('\n').map((x) => x.trim()).filter(Boolean);
const words = (s) => (s || '').split(/[,，、;；\s]+/).filter(Boolean);
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

// The body the API takes from the form's values, blanks left out: a PUT replaces the whole
// entry, so a field emptied is cleared (an emptied effective_until: open-ended).
function body(v, editing) {
  const b = { id: editing ? undefined : v.id, title: v.title, questions: lines(v.questions), answer: v.answer, unit: v.unit,
    tags: words(v.tags), source: v.source, effective_from: v.effective_from, effective_until: v.effective_until, reviewed_at: v.reviewed_at };
  for (const k of Object.keys(b)) if (b[k] === undefined || b[k] === '' || (Array.isArray(b[k]) && !b[k].length)) delete b[k];
  if (editing) b.version = Number(v.version);
  return b;
}

function form(e, editing) {
  const dept = session.kind() === 'dept';
  const units = dept ? [[session.unit(), unitName(session.unit())]] : [['', '—'], ...unitOptions()];
  const input = (name, attrs = {}) => h('input', { name, id: 'kb-' + name, autocomplete: 'off', ...attrs });
  return h('form', { class: 'card kb-form', novalidate: true, 'aria-labelledby': 'kb-form-title' },
    editing ? h('input', { type: 'hidden', name: 'version', value: String(e.version) }) : null,
    editing ? null : field(t('kb.f.id'), input('id', { required: true, pattern: '[a-z0-9-]{1,48}', value: e.id || '' }), t('kb.f.id.hint')),
    field(t('kb.f.title'), input('title', { required: true, value: e.title || '' })),
    field(t('kb.f.questions'), h('textarea', { name: 'questions', id: 'kb-questions', rows: 4, value: (e.questions || []).join('\n') }), t('kb.f.questions.hint')),
    field(t('kb.f.answer'), h('textarea', { name: 'answer', id: 'kb-answer', rows: 10, required: true, value: e.answer || '' }), t('kb.f.answer.hint')),
    h('div', { class: 'field-row' },
      field(t('kb.f.unit'), Object.assign(select('unit', units, e.unit || (dept ? session.unit() : '')), { id: 'kb-unit-f' })),
      field(t('kb.f.tags'), input('tags', { value: (e.tags || []).join('、') }), t('kb.f.tags.hint'))),
    field(t('kb.f.source'), input('source', { value: e.source || '' }), t('kb.f.source.hint')),
    h('div', { class: 'field-row' },
      field(t('kb.f.effective_from'), input('effective_from', { type: 'date', value: e.effective_from || today() })),
      field(t('kb.f.effective_until'), input('effective_until', { type: 'date', value: e.effective_until || '' }), t('kb.f.effective_until.hint')),
      field(t('kb.f.reviewed_at'), input('reviewed_at', { type: 'date', value: e.reviewed_at || today() }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t(editing ? 'kb.save' : 'kb.create')),
      h('a', { class: 'button ghost', href: editing ? entryHref(e.id) : '#/kb' }, t('cancel')),
      h('span', { class: 'hint' }, t('intake.ctrlenter'))));
}

// A 409: the version edited is not the current one any more; nothing was saved.
async function stale(f, id, go) {
  let now = '?';
  try { now = (await get(entryPath(id))).version; } catch { /* the message says it anyway */ }
  f.querySelector('.kb-stale')?.remove();
  f.prepend(h('div', { class: 'kb-stale error-text', role: 'alert' },
    h('p', {}, t('kb.stale').replace('{v}', 'v' + now)),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => go('kb-edit/' + encodeURIComponent(id)) }, t('kb.reload')),
      h('a', { href: entryHref(id), target: '_blank', rel: 'noopener' }, t('kb.to_current')))));
  f.scrollIntoView({ block: 'start' });
}

export async function render(main, { arg, go }) {
  const editing = !!arg;
  let e = { questions: [], tags: [] };
  if (editing) {
    try {
      e = normalise(await get(entryPath(arg)));
    } catch (err) {
      main.append(h('section', { class: 'card' }, h('h1', {}, t('kb.notfound')), h('p', { class: 'error-text', role: 'alert' }, err.message)));
      return null;
    }
  }
  const title = editing ? `${t('kb.edit')}：${e.title} v${e.version}` : t('kb.new');
  if (editing ? !canEdit(e) : !canCreate()) {
    main.append(h('section', { class: 'card' }, h('h1', { id: 'kb-form-title' }, title),
      h('p', { class: 'error-text', role: 'alert' }, t('kb.cannot_edit')),
      h('p', {}, h('a', { href: editing ? entryHref(e.id) : '#/kb' }, '← ' + t('kb.back')))));
    return null;
  }
  const f = form(e, editing);
  onSubmit(f, async (v) => {
    f.querySelector('.kb-stale')?.remove();
    try {
      const r = editing ? await api('PUT', entryPath(arg), body(v, true)) : await api('POST', '/v1/kb/entries', body(v, false));
      toast(`${t('kb.saved')} v${r.version}`);
      go('kb/' + encodeURIComponent(r.id || arg || v.id));
    } catch (err) {
      if (err.status === 409 && editing) { await stale(f, arg, go); return; }
      throw err;
    }
  });
  main.append(h('p', { class: 'crumb' }, h('a', { href: editing ? entryHref(e.id) : '#/kb' }, '← ' + (editing ? e.title : t('kb.back')))),
    h('h1', { id: 'kb-form-title' }, title), f);
  f.elements[editing ? 'title' : 'id'].focus();
  return null;
}
