// 督办汇总: the summary of a period (GET /v1/reports/supervision?from=&to=) — programmes,
// problems exposed, cases opened and of these rectified on time, late and still open,
// people held accountable by form and by unit — every figure a link to its records
// (#/sv-report/records?ids=...), one chart of the people held accountable by form
// (chart.js's barChart), and CSV from the API itself. The records page lists the cases,
// programmes and accountability records a figure counts.
import { h, field, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { onSubmit, showError } from '../form.js';
import { barChart } from '../chart.js';
import { unitName } from '../units.js';
import { tabs, thisMonth, caseTable } from '../supervision.js';
import { recordTable } from './accountability.js';

const FIGURES = ['programmes', 'problems', 'cases_opened', 'rectified_on_time', 'rectified_late', 'still_open', 'accountability'];

function figureLink(fig, period) {
  const n = fig ? fig.count : 0;
  if (!n) return h('span', { class: 'figure zero' }, '0');
  return h('a', { class: 'figure', href: '#/sv-report/records' + query({ ids: (fig.records || []).join(','), ...period }) }, String(n));
}

async function records(main, params) {
  const list = (params.get('ids') || '').split(',').filter(Boolean);
  const period = { from: params.get('from') || '', to: params.get('to') || '' };
  main.append(h('h1', {}, t('sv.records')), h('p', {}, h('a', { href: '#/sv-report' + query(period) }, '← ' + t('sv.tab.report'))));
  const cases = list.filter((x) => x.startsWith('C'));
  const progs = [...new Set(list.filter((x) => x.startsWith('P')))];
  const recs = list.filter((x) => x.startsWith('A'));
  if (cases.length) {
    const table = caseTable(t('sv.cases'));
    main.append(h('section', { class: 'card' }, h('h2', {}, t('sv.cases')), table));
    const got = await Promise.all(cases.map((id) => get('/v1/supervision/cases/' + encodeURIComponent(id)).catch(() => null)));
    table.update(got.filter(Boolean));
  }
  if (progs.length) {
    main.append(h('section', { class: 'card' }, h('h2', {}, t('sv.tab.programmes')),
      h('ul', { class: 'linked' }, progs.map((id) => h('li', {}, h('a', { href: '#/programmes/' + encodeURIComponent(id) }, id))))));
  }
  if (recs.length) {
    const r = await get('/v1/accountability' + query(period));
    main.append(h('section', { class: 'card' }, h('h2', {}, t('sv.tab.accountability')),
      recordTable((r.records || []).filter((x) => recs.includes(x.id)))));
  }
  return null;
}

export async function render(main, { arg, params, go }) {
  main.append(tabs('sv-report') || '');
  if (arg === 'records') return records(main, params);
  const p = { from: params.get('from') || thisMonth().from, to: params.get('to') || thisMonth().to };
  const form = h('form', { class: 'card filters', 'aria-label': t('sv.period') },
    field(t('sv.from'), h('input', { type: 'date', name: 'from', id: 'sr-from', value: p.from })),
    field(t('sv.to'), h('input', { type: 'date', name: 'to', id: 'sr-to', value: p.to })),
    h('button', { type: 'submit', class: 'primary' }, t('list.search')),
    h('a', { class: 'button ghost', href: '/v1/reports/supervision' + query({ ...p, format: 'csv' }), download: `supervision-${p.from}-${p.to}.csv` }, t('dash.csv')));
  onSubmit(form, async (v) => go('sv-report' + query(v)));
  const out = h('div', { class: 'sv-report' });
  main.append(h('h1', {}, t('sv.tab.report')), form, out);
  let r;
  try {
    r = await get('/v1/reports/supervision' + query(p));
  } catch (err) {
    showError(form, err);
    return null;
  }
  const byForm = Object.entries(r.accountability_by_form || {});
  const byUnit = Object.entries(r.accountability_by_unit || {});
  const total = r.accountability ? r.accountability.count : 0;
  const rowsOf = (entries, name) => entries.map(([k, fig]) => h('tr', {}, h('th', { scope: 'row' }, name(k)), h('td', {}, figureLink(fig, p))));
  // the caption names the table for screen readers where a heading above shows it already
  const table = (caption, rows, shown) => h('table', { class: 'figures' }, h('caption', { class: shown ? null : 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('sv.figure')), h('th', { scope: 'col' }, t('sv.count')))), h('tbody', {}, rows));
  clear(out).append(
    h('section', { class: 'card' }, table(t('sv.summary'), FIGURES.map((k) => h('tr', { 'data-figure': k },
      h('th', { scope: 'row' }, t('sv.fig.' + k)), h('td', {}, figureLink(r[k], p)))), true)),
    h('div', { class: 'charts' },
      h('section', { class: 'card' }, h('h2', {}, t('sv.by_form')),
        barChart(t('sv.by_form'), byForm.map(([k, fig]) => ({ label: k, value: fig.count, max: total,
          href: '#/sv-report/records' + query({ ids: (fig.records || []).join(','), ...p }) })),
        { valueName: t('sv.people'), restName: t('sv.other_forms') }),
        table(t('sv.by_form'), rowsOf(byForm, (k) => k))),
      h('section', { class: 'card' }, h('h2', {}, t('sv.by_unit')), table(t('sv.by_unit'), rowsOf(byUnit, unitName)))));
  return null;
}
