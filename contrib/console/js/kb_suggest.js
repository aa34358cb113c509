// The intake form's 政策通 card: while the agent types the title or the request, the
// entries that may answer it (GET /v1/kb/search on title + request, debounced, top 5, the
// matched terms marked); one opens (a click, Enter, or its digit 1–5 outside a text box;
// Alt+↓ from the form goes to the list, ↑/↓ move in it) to show its answer beside the
// form, and 用此答复 fills 直接答复 with it and cites the entry: the ticket is then
// created with kb_entry "<id>@<version>", and with kb_query, the last search made — for a
// consultation (咨询), or when the agent opened an entry: a complaint searched only
// because it was typed is no gap in the knowledge base when it is dispatched.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { get } from './api.js';
import { search, snippet, normalise, entryPath, entryHref, citation, entryBody, QUERY_MAX } from './kb.js';

const LIMIT = 5;

const typingIn = (el) => el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

// form: the intake form; answer: its 答复内容 textarea; direct: the 直接答复 checkbox;
// answerBox: the box holding the answer (shown when direct is checked).
export function kbSuggest(form, { answer, direct, answerBox }) {
  const list = h('div', { class: 'kb-suggest', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('kb.suggest.wait')));
  const panel = h('div', { class: 'kb-panel', hidden: true, role: 'region', 'aria-labelledby': 'kb-panel-title', tabindex: '-1' });
  const card = h('section', { class: 'card kb-card', 'aria-labelledby': 'kb-card-title' },
    h('h2', { id: 'kb-card-title' }, t('kb.suggest')), h('p', { class: 'hint kb-keys' }, t('kb.suggest.keys')), list, panel);
  const citeLine = h('p', { class: 'kb-cite', hidden: true });
  answerBox.append(citeLine);

  let lastQuery = ''; // the last search sent: kb_query
  let asked = '';
  let results = [];
  let cited = null; // {id, version, title}
  let shown = null;
  let opened = false; // the agent opened an entry
  let timer = 0;

  const picks = () => [...list.querySelectorAll('button.kb-pick')];

  function drawResults() {
    clear(list);
    if (!results.length) { list.append(h('p', { class: 'muted' }, t('kb.suggest.none'))); return; }
    list.append(h('ol', { class: 'kb-results' }, results.map((r, i) => h('li', { 'data-kb': r.id },
      h('button', { type: 'button', class: 'kb-pick', 'aria-expanded': shown === r.id ? 'true' : 'false', onclick: () => open(i) },
        h('kbd', {}, String(i + 1)), ' ', h('span', { class: 'kb-title' }, r.title || r.id)),
      h('span', { class: 'kb-unit' }, r.unit_name || ''),
      snippet(r.snippet)))));
  }

  async function run() {
    const q = `${form.elements.title.value} ${form.elements.content.value}`.trim().slice(0, QUERY_MAX);
    if (q.length < 2 || q === asked) return;
    asked = q;
    try {
      const got = await search(q, { limit: LIMIT });
      if (q !== asked) return;
      lastQuery = q;
      results = got.slice(0, LIMIT);
      drawResults();
    } catch (err) {
      if (q !== asked) return;
      clear(list).append(h('p', { class: 'muted' }, err.message));
    }
  }

  function close() {
    const back = picks().find((b) => b.closest('li').dataset.kb === shown);
    shown = null;
    panel.hidden = true;
    clear(panel);
    picks().forEach((b) => b.setAttribute('aria-expanded', 'false'));
    if (back) back.focus();
  }

  function use(e) {
    cited = { id: e.id, version: e.version, title: e.title };
    direct.checked = true;
    answerBox.hidden = false;
    answer.value = e.answer || '';
    answer.rows = Math.min(12, Math.max(3, answer.value.split('\n').length + 1));
    clear(citeLine).append(`${t('kb.cited')} `, h('a', { href: entryHref(e.id, e.version), target: '_blank', rel: 'noopener' }, `${e.title} v${e.version}`), ' ',
      h('button', { type: 'button', class: 'ghost small', onclick: uncite }, t('kb.uncite')));
    citeLine.hidden = false;
    answer.focus();
  }

  function uncite() {
    cited = null;
    citeLine.hidden = true;
    clear(citeLine);
    answer.focus();
  }

  async function open(i) {
    const r = results[i];
    if (!r) return;
    let e;
    try {
      e = normalise(await get(entryPath(r.id)));
    } catch (err) {
      clear(panel).append(h('p', { class: 'error-text', role: 'alert' }, err.message));
      panel.hidden = false;
      return;
    }
    shown = r.id;
    opened = true;
    picks().forEach((b) => b.setAttribute('aria-expanded', b.closest('li').dataset.kb === shown ? 'true' : 'false'));
    const body = entryBody(e, { compact: true });
    const useButton = h('button', { type: 'button', class: 'primary', id: 'kb-use', onclick: () => use(e) }, t('kb.use'));
    clear(panel).append(
      h('h3', { id: 'kb-panel-title' }, h('a', { href: entryHref(e.id), target: '_blank', rel: 'noopener' }, e.title), ` v${e.version}`),
      body.answer, body.dl,
      h('div', { class: 'actions' }, useButton, h('button', { type: 'button', class: 'ghost', onclick: close }, t('kb.close'))));
    panel.hidden = false;
    useButton.focus();
  }

  // Alt+↓ in the form: to the list; ↑/↓ in the list; 1–5 outside a text box: open; Esc in
  // the panel: close it.
  function onKey(e) {
    if (!card.isConnected) return;
    const target = e.target;
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.key === 'ArrowDown' && form.contains(target) && target.tagName !== 'SELECT') {
      const first = picks()[0];
      if (first) { e.preventDefault(); first.focus(); }
      return;
    }
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (target.classList && target.classList.contains('kb-pick') && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      const all = picks();
      const next = all[all.indexOf(target) + (e.key === 'ArrowDown' ? 1 : -1)];
      e.preventDefault();
      if (next) next.focus();
      return;
    }
    if (e.key === 'Escape' && !panel.hidden && panel.contains(target)) { close(); return; }
    if (/^[1-5]$/.test(e.key) && !typingIn(target) && results[Number(e.key) - 1]) {
      e.preventDefault();
      open(Number(e.key) - 1);
    }
  }
  document.addEventListener('keydown', onKey);

  return {
    card,
    search() { clearTimeout(timer); timer = setTimeout(run, 350); },
    // The ticket's body with the citation (only with a direct answer) and the last search.
    cite(b) {
      if (cited && b.direct_answer) b.kb_entry = citation(cited);
      if (lastQuery && (b.type === 'consultation' || opened)) b.kb_query = lastQuery;
      return b;
    },
    stop() { clearTimeout(timer); document.removeEventListener('keydown', onKey); },
  };
}
