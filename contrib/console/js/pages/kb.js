// 政策通: the policy knowledge base, readable by everyone signed in. #/kb lists the entries
// (GET /v1/kb/entries, filtered by unit here) or, with ?q=, searches them
// (GET /v1/kb/search, snippets with the matched terms marked); #/kb/<id> shows an entry —
// its answer, ways of asking, unit, source, effective dates, review date — and its version
// history (GET .../versions); ?v=<n> shows an old version (GET .../versions/<n>).
// 编辑 and 新建条目 lead to kb_edit.js for those who may (kb.js canEdit, canCreate).
import { h, field, select } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { onSubmit } from '../form.js';
import { unitName, unitOptions } from '../units.js';
import * as session from '../session.js';
import { search, snippet, normalise, entryPath, entryHref, canEdit, canCreate, expired, entryBody, updated, until } from '../kb.js';

const rows = (r, key) => (Array.isArray(r) ? r : (r && r[key]) || []);
const expiredTag = (e) => (expired(e) ? h('span', { class: 'state kb-expired' }, t('kb.expired.tag')) : null);

function searchForm(params, go) {
  const f = { q: params.get('q') || '', unit: params.get('unit') || '', expired: params.get('expired') || '' };
  const form = h('form', { class: 'card filters kb-search', role: 'search', 'aria-label': t('kb.search') },
    h('div', { class: 'field kb-q' }, h('label', { for: 'kb-q' }, t('kb.q')),
      h('input', { id: 'kb-q', name: 'q', type: 'search', value: f.q, autocomplete: 'off', placeholder: t('kb.q.hint') })),
    field(t('kb.f.unit'), Object.assign(select('unit', [['', t('list.any')], ...unitOptions()], f.unit), { id: 'kb-unit' })),
    h('div', { class: 'field check' }, h('label', {}, h('input', { name: 'expired', type: 'checkbox', checked: !!f.expired }), ' ', t('kb.expired'))),
    h('button', { type: 'submit', class: 'primary' }, t('kb.go')));
  onSubmit(form, async (v) => go('kb' + query({ q: v.q, unit: v.unit, expired: v.expired ? '1' : '' })));
  return { form, f };
}

function resultList(results) {
  if (!results.length) return h('p', { class: 'empty' }, t('kb.none'));
  return h('ol', { class: 'kb-results' }, results.map((r) => h('li', { 'data-row': r.id },
    h('a', { class: 'kb-title', href: entryHref(r.id) }, r.title || r.id), ' ',
    h('span', { class: 'kb-unit' }, r.unit_name || unitName(r.unit)), ' ', r.expired ? h('span', { class: 'state kb-expired' }, t('kb.expired.tag')) : null,
    snippet(r.snippet))));
}

function entryTable(entries) {
  const cols = ['kb.f.title', 'kb.f.unit', 'kb.f.version', 'kb.f.effective_from', 'kb.f.effective_until', 'kb.f.reviewed_at'];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'tickets kb-entries' },
    h('caption', { class: 'sr-only' }, t('kb.all')),
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, entries.map((e) => h('tr', { 'data-row': e.id },
      h('td', { class: 'title' }, h('a', { href: entryHref(e.id) }, e.title || e.id), ' ', expiredTag(e)),
      h('td', { class: 'unit' }, unitName(e.unit)), h('td', {}, 'v' + e.version),
      h('td', { class: 'time' }, e.effective_from || ''), h('td', { class: 'time' }, until(e)),
      h('td', { class: 'time' }, e.reviewed_at || ''))))),
  entries.length ? null : h('p', { class: 'empty' }, t('kb.none')));
}

async function listPage(main, params, go) {
  const { form, f } = searchForm(params, go);
  const head = h('div', { class: 'page-head' }, h('h1', {}, t('kb.title')),
    h('div', { class: 'head-actions' },
      session.kind() === 'dept' ? h('a', { class: 'button ghost', href: '#/kb' + query({ unit: session.unit() }) }, t('kb.mine')) : null,
      canCreate() ? h('a', { class: 'button primary', href: '#/kb-new' }, t('kb.new')) : null));
  const out = h('section', { class: 'card', 'aria-labelledby': 'kb-out' });
  main.append(head, form, out);
  try {
    if (f.q) {
      const results = (await search(f.q, { limit: 20, includeExpired: !!f.expired })).filter((r) => !f.unit || r.unit === f.unit);
      out.append(h('h2', { id: 'kb-out' }, `${t('kb.results')}（${results.length}）`), resultList(results));
    } else {
      const all = rows(await get('/v1/kb/entries'), 'entries').map(normalise)
        .filter((e) => (!f.unit || e.unit === f.unit) && (f.expired || !expired(e)))
        .sort((a, b) => (a.unit + a.title).localeCompare(b.unit + b.title, 'zh-CN'));
      out.append(h('h2', { id: 'kb-out' }, `${t('kb.all')}（${all.length}）`), entryTable(all));
    }
  } catch (err) {
    out.append(h('h2', { id: 'kb-out' }, t('kb.results')), h('p', { class: 'error-text', role: 'alert' }, err.message));
  }
  form.elements.q.focus();
  return null;
}

function history(id, versions, shown) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'tickets kb-history' },
    h('caption', { class: 'sr-only' }, t('kb.history')),
    h('thead', {}, h('tr', {}, ['kb.v', 'kb.f.updated', 'kb.f.updated_by', 'kb.f.title'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, versions.map((v, i) => h('tr', { 'data-version': v.version, class: Number(v.version) === Number(shown) ? 'selected' : null },
      h('td', { class: 'id' }, h('a', { href: entryHref(id, i === 0 ? null : v.version), 'aria-current': Number(v.version) === Number(shown) ? 'page' : null },
        'v' + v.version), i === 0 ? ` · ${t('kb.current')}` : ''),
      h('td', { class: 'time' }, updated(v)), h('td', {}, v.updated_by || ''), h('td', { class: 'title' }, v.title || ''))))));
}

async function entryPage(main, id, params) {
  const v = params.get('v');
  let e, versions;
  try {
    [e, versions] = await Promise.all([get(entryPath(id) + (v ? '/versions/' + encodeURIComponent(v) : '')),
      get(entryPath(id) + '/versions').catch(() => [])]);
  } catch (err) {
    main.append(h('section', { class: 'card' }, h('h1', {}, err.status === 404 ? t('kb.notfound') : t('kb.title')),
      h('p', { class: 'error-text', role: 'alert' }, err.status === 404 ? id : err.message),
      h('p', {}, h('a', { href: '#/kb' }, '← ' + t('kb.back')))));
    return null;
  }
  e = normalise(e);
  versions = rows(versions, 'versions').map(normalise).sort((a, b) => b.version - a.version);
  const latest = versions[0] || e;
  const old = v && Number(latest.version) !== Number(e.version);
  const body = entryBody(e);
  main.append(h('div', { class: 'kb-page' },
    h('p', { class: 'crumb' }, h('a', { href: '#/kb' }, '← ' + t('kb.back'))),
    h('header', { class: 'page-head' },
      h('h1', {}, h('span', { class: 'ttitle' }, e.title || id), ' ', h('span', { class: 'tid' }, 'v' + e.version), ' ', expiredTag(e)),
      !old && canEdit(latest) ? h('a', { class: 'button primary', id: 'kb-edit', href: '#/kb-edit/' + encodeURIComponent(id) }, t('kb.edit')) : null),
    old ? h('p', { class: 'notice', role: 'status' }, `${t('kb.viewing_old')} v${e.version} · `, h('a', { href: entryHref(id) }, t('kb.to_current'))) : null,
    h('div', { class: 'ticket-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'kb-a' }, h('h2', { id: 'kb-a' }, t('kb.f.answer')), body.answer,
        h('h3', {}, t('kb.f.questions')), body.questions),
      h('section', { class: 'card', 'aria-labelledby': 'kb-facts' }, h('h2', { id: 'kb-facts' }, e.id), body.dl),
      h('section', { class: 'card timeline-card', 'aria-labelledby': 'kb-h' }, h('h2', { id: 'kb-h' }, t('kb.history')),
        history(id, versions, e.version)))));
  return null;
}

export async function render(main, { arg, params, go }) {
  if (arg) return entryPage(main, arg, params);
  return listPage(main, params, go);
}
