// 单位考核: the units report (GET /v1/reports/units?from=&to=) as a dashboard — a period
// picker, per unit the rates (响应率 解决率 满意率), signed and answered on time, returns,
// reopenings and escalations by level, a bar chart of answered on time and an eight-week
// trend of the three rates; every figure links to its tickets
// (GET /v1/reports/units/{code}/tickets?metric=), shown below; CSV from the API itself;
// then the 政策通 figures of the same period (kb_report.js).
import { h, field, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { ticketTable } from '../table.js';
import { barChart, lineChart } from '../chart.js';
import { kbReport } from './kb_report.js';

const pad = (x) => String(x).padStart(2, '0');
// A date in Asia/Shanghai as YYYY-MM-DD.
function day(ms) {
  const z = new Date(ms + 8 * 3600e3);
  return `${z.getUTCFullYear()}-${pad(z.getUTCMonth() + 1)}-${pad(z.getUTCDate())}`;
}
// The API gives rates in percent (0 to 100), or null when nothing was counted.
const pct = (r) => (r === null || r === undefined ? '—' : `${Number(r).toFixed(1)}%`);
const link = (period, unit, metric) => '#/dashboard' + query({ ...period, unit, metric });

function figure(period, u, metric, text) {
  const what = t('dash.' + metric) === 'dash.' + metric ? metric : t('dash.' + metric);
  return h('a', { href: link(period, u.unit, metric), class: 'fig', 'aria-label': `${text} ${u.name || u.unit} ${what}` }, String(text));
}

function unitsTable(period, units) {
  const head = ['dash.unit', 'dash.received', 'dash.signed_on_time', 'dash.answered_on_time', 'dash.returned',
    'dash.reopened', 'dash.escalations', 'dash.response_rate', 'dash.resolution_rate', 'dash.satisfaction_rate'];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'report' },
    h('caption', { class: 'sr-only' }, t('dash.title')),
    h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, units.map((u) => {
      const esc = u.escalations || {};
      return h('tr', {},
        h('th', { scope: 'row' }, u.name || u.unit),
        h('td', {}, figure(period, u, 'received', u.received)),
        h('td', {}, figure(period, u, 'signed_on_time', `${u.signed_on_time}/${u.signed}`)),
        h('td', {}, figure(period, u, 'answered_on_time', `${u.answered_on_time}/${u.answered}`)),
        h('td', {}, figure(period, u, 'returned', u.returned)),
        h('td', {}, figure(period, u, 'reopened', u.reopened)),
        h('td', { class: 'esc' }, ['reminder', 'escalation1', 'escalation2', 'escalation3', 'escalation4']
          .filter((k) => esc[k]).map((k) => figure(period, u, k, `${k === 'reminder' ? '催办' : '督办' + k.slice(-1)}:${esc[k]}`))
          .flatMap((a) => [a, ' ']), Object.values(esc).some(Boolean) ? null : '0'),
        h('td', { class: 'rate' }, figure(period, u, 'signed', pct(u.response_rate))),
        h('td', { class: 'rate' }, figure(period, u, 'answered', pct(u.resolution_rate))),
        h('td', { class: 'rate' }, figure(period, u, 'satisfied', pct(u.satisfaction_rate))));
    }))));
}

const RATES = [['response_rate', 'received', 'r1'], ['resolution_rate', 'received', 'r2'], ['satisfaction_rate', 'received', 'r3']];

// The three rates of all units together, each unit weighted by the tickets it received, week by
// week over the last eight weeks (one report per week).
async function trend() {
  const weekMs = 7 * 86400e3;
  const now = Date.now();
  const weeks = Array.from({ length: 8 }, (_, i) => now - (7 - i) * weekMs);
  const reports = await Promise.all(weeks.map((end) =>
    get('/v1/reports/units' + query({ from: day(end - weekMs + 86400e3), to: day(end) })).catch(() => ({ units: [] }))));
  return RATES.map(([rate, weight, cls]) => ({
    name: t('dash.' + rate), cls,
    points: reports.map((r, i) => {
      let num = 0, den = 0;
      for (const u of r.units) if (u[rate] !== null && u[rate] !== undefined) { num += u[rate] * (u[weight] || 0); den += u[weight] || 0; }
      return { label: day(weeks[i]).slice(5), value: den ? num / den / 100 : null };
    }),
  }));
}

export async function render(main, { params, go }) {
  const now = Date.now();
  const period = { from: params.get('from') || day(now - 29 * 86400e3), to: params.get('to') || day(now) };
  const form = h('form', { class: 'card filters' },
    field(t('dash.from'), h('input', { id: 'd-from', name: 'from', type: 'date', value: period.from })),
    field(t('dash.to'), h('input', { id: 'd-to', name: 'to', type: 'date', value: period.to })),
    h('button', { type: 'submit', class: 'primary' }, t('dash.show')),
    h('a', { class: 'button ghost', href: '/v1/reports/units' + query({ ...period, format: 'csv' }), download: `units-${period.from}-${period.to}.csv` }, t('dash.csv')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('dashboard' + query({ from: form.elements.from.value, to: form.elements.to.value }));
  });
  main.append(h('h1', {}, t('dash.title')), form);

  let report;
  try {
    report = await get('/v1/reports/units' + query(period));
  } catch (err) {
    main.append(h('p', { class: 'error-text', role: 'alert' }, err.message));
    return null;
  }
  const units = report.units || [];
  if (!units.length) main.append(h('p', { class: 'empty' }, t('dash.none')));

  const figureBox = h('section', { class: 'card figure', id: 'figure', 'aria-live': 'polite', hidden: true });
  const chartsRow = h('div', { class: 'charts' },
    h('section', { class: 'card', 'aria-labelledby': 'ch1' }, h('h2', { id: 'ch1' }, t('dash.chart')),
      barChart(t('dash.chart'), units.map((u) => ({ label: u.name || u.unit, value: u.answered_on_time, max: u.answered,
        href: link(period, u.unit, 'answered_on_time'), low: u.answer_rate !== null && u.answer_rate < 90 })),
      { valueName: t('dash.answered_on_time'), restName: t('chart.late') })),
    h('section', { class: 'card', 'aria-labelledby': 'ch2' }, h('h2', { id: 'ch2' }, t('dash.trend')),
      h('div', { class: 'trend-box' }, t('loading'))));
  main.append(h('section', { class: 'card' }, unitsTable(period, units)), figureBox, chartsRow, kbReport(period));

  const unit = params.get('unit'), metric = params.get('metric');
  let table = null;
  if (unit && metric) {
    figureBox.hidden = false;
    const name = (units.find((u) => u.unit === unit) || {}).name || unit;
    figureBox.append(h('h2', {}, `${name} · ${t('dash.' + metric) === 'dash.' + metric ? metric : t('dash.' + metric)}${t('dash.figure')}`));
    try {
      const r = await get(`/v1/reports/units/${encodeURIComponent(unit)}/tickets` + query({ ...period, metric }));
      const ids = (r.tickets || []).slice(0, 50);
      const rows = await Promise.all(ids.map((id) => get('/v1/tickets/' + encodeURIComponent(id)).catch(() => ({ id, state: '' }))));
      table = ticketTable(metric, rows);
      figureBox.append(table);
    } catch (err) {
      figureBox.append(h('p', { class: 'error-text' }, err.message));
    }
    figureBox.scrollIntoView({ block: 'start' });
  }
  const series = await trend();
  const box = chartsRow.querySelector('.trend-box');
  if (box) clear(box).append(lineChart(t('dash.trend'), series));
  return () => table && table.stop();
}
