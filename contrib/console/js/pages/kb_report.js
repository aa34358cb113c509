// 政策通使用情况, on the supervisors' report page (dashboard.js): the figures of
// GET /v1/reports/kb?from=&to= for the same period — direct answers and the direct-answer
// rate (直接答复率) large, the entries cited most as a bar chart (each bar leads to its
// entry) with the same figures in a table, the gaps (searched, then dispatched: the
// entries to write next) with their tickets, and the entries due for review.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { barChart } from '../chart.js';
import { unitName } from '../units.js';
import { entryHref } from '../kb.js';

// The API gives a rate in percent (0 to 100), or null when nothing was counted.
const pct = (r) => (r === null || r === undefined ? '—' : `${Number(r).toFixed(1)}%`);
const ticketLink = (id) => h('a', { href: '#/ticket/' + encodeURIComponent(id) }, id);
const entryLink = (e) => h('a', { href: entryHref(e.id) }, e.title || e.id);

function table(caption, cols, rows, cls) {
  if (!rows.length) return h('p', { class: 'empty' }, t('kb.r.none'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'tickets ' + cls },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows)));
}

function figures(r) {
  const big = (key, value, cls) => h('div', { class: 'kb-figure ' + (cls || ''), 'data-figure': key },
    h('span', { class: 'kb-figure-value' }, value), h('span', { class: 'kb-figure-name' }, t('kb.r.' + key)));
  return h('div', { class: 'kb-figures' },
    big('rate', pct(r.direct_answer_rate), 'lead'),
    big('direct', String(r.direct_answers ?? 0)),
    big('hotline', String(r.hotline_tickets ?? 0)),
    r.cited_answers === undefined ? null : big('cited', String(r.cited_answers)));
}

function draw(box, r) {
  const top = (r.most_cited || []).slice(0, 10);
  const gaps = (r.gaps || []).slice(0, 20); // of gap_count
  const review = r.review || [];
  clear(box).append(
    h('section', { class: 'card', 'aria-labelledby': 'kb-report-title' }, h('h2', { id: 'kb-report-title' }, t('kb.report')), figures(r)),
    h('div', { class: 'charts' },
      h('section', { class: 'card', 'aria-labelledby': 'kb-top' }, h('h2', { id: 'kb-top' }, t('kb.r.top')),
        top.length ? barChart(t('kb.r.top'), top.map((e) => ({ label: e.title || e.id, value: e.count, max: e.count, href: entryHref(e.id) })),
          { valueName: t('kb.r.uses') }) : null,
        table(t('kb.r.top'), ['kb.f.title', 'kb.f.unit', 'kb.r.uses'], top.map((e) => h('tr', { 'data-row': e.id },
          h('td', { class: 'title' }, entryLink(e)), h('td', { class: 'unit' }, e.unit_name || unitName(e.unit)), h('td', { class: 'num' }, String(e.count)))), 'kb-top')),
      h('section', { class: 'card', 'aria-labelledby': 'kb-gaps' }, h('h2', { id: 'kb-gaps' }, `${t('kb.r.gaps')}（${r.gap_count ?? gaps.length}）`),
        table(t('kb.r.gaps'), ['kb.r.gap.query', 'kb.r.gap.ticket', 'kb.r.gap.unit'], gaps.map((g) => h('tr', { 'data-row': g.ticket },
          h('td', { class: 'title' }, g.query || ''), h('td', { class: 'id' }, ticketLink(g.ticket)), h('td', { class: 'unit' }, g.unit_name || unitName(g.unit) || '—'))), 'kb-gaps'))),
    h('section', { class: 'card', 'aria-labelledby': 'kb-review' }, h('h2', { id: 'kb-review' }, `${t('kb.r.review')}（${review.length}）`),
      table(t('kb.r.review'), ['kb.f.title', 'kb.f.unit', 'kb.f.effective_until', 'kb.f.reviewed_at', 'kb.r.review.why'],
        review.map((e) => h('tr', { 'data-row': e.id },
          h('td', { class: 'title' }, entryLink(e)), h('td', { class: 'unit' }, e.unit_name || unitName(e.unit)),
          h('td', { class: 'time' }, e.effective_until || '—'), h('td', { class: 'time' }, e.reviewed_at || '—'),
          h('td', {}, [].concat(e.why || []).map((x) => t('kb.r.review.' + x)).join('、')))), 'kb-review')));
}

// The section, filled when the report comes.
export function kbReport(period) {
  const box = h('div', { class: 'kb-report' },
    h('section', { class: 'card' }, h('h2', {}, t('kb.report')), h('p', { class: 'muted' }, t('loading'))));
  get('/v1/reports/kb' + query(period))
    .then((r) => draw(box, r))
    .catch((err) => clear(box).append(h('section', { class: 'card' }, h('h2', {}, t('kb.report')), h('p', { class: 'error-text' }, err.message))));
  return box;
}
