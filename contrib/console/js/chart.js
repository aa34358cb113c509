// The dashboard's charts, drawn by Chart.js (Debian's libjs-chart.js, served by hotlined
// under /javascript/ and loaded by index.html before this module: window.Chart): a
// horizontal bar chart of a figure per unit (a bar leads to its tickets when clicked) and a
// line chart of rates over periods. Each is a <canvas role="img"> whose aria-label gives
// every figure; the figures themselves stay in the report's table, as links. No animation,
// so that tests and screenshots see the same picture every time.
import { h } from './dom.js';
import { t } from './i18n.js';

// The console's colours (console.css): brand blue, red for a unit below target, green and
// amber for the second and third rate, grey for the rest of a bar.
const COLOURS = { brand: '#0b4f8a', low: '#c0392b', r1: '#0b4f8a', r2: '#1e7a3c', r3: '#b35c00', rest: '#d5dde7', ink: '#3a4656', grid: '#e3e8ee' };
const FONT = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif';

// A box for one chart: Chart.js sizes the canvas to it; without the library (libjs-chart.js
// not installed) a note says so and the table alone shows the figures.
function box(cls, label) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const wrap = h('div', { class: 'chart-box ' + cls }, canvas);
  if (!window.Chart) {
    wrap.replaceChildren(h('p', { class: 'muted' }, t('chart.missing')));
    return { wrap, canvas: null };
  }
  return { wrap, canvas };
}

// What both charts share: no animation, sized by their box, the console's font and ink.
function base() {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    font: { family: FONT },
    plugins: { legend: { labels: { color: COLOURS.ink, font: { family: FONT, size: 13 }, boxWidth: 18 } },
      tooltip: { titleFont: { family: FONT }, bodyFont: { family: FONT } } },
    color: COLOURS.ink,
  };
}

// A unit's name on the bar chart's axis: whole on a wide screen, on two lines on a phone,
// where a long name (武汉市城市管理执法委员会) would leave no room for its bar.
function unitLabel(value) {
  const name = this.getLabelForValue(value);
  if (this.chart.width >= 560 || name.length <= 7) return name;
  const half = Math.ceil(name.length / 2);
  return [name.slice(0, half), name.slice(half)];
}

// bars: [{label, value, max, href, low}] -> a box with a horizontal bar per unit: value in
// the console's blue (red when low), the rest up to max in grey, stacked. Without restName
// (a count, no whole: the 政策通 entries cited most) the value alone, and no legend.
export function barChart(title, bars, { valueName, restName }) {
  const summary = title + '：' + bars.map((b) => (restName ? `${b.label} ${b.value}/${b.max}` : `${b.label} ${b.value}`)).join('；');
  const rows = Math.max(1, bars.length);
  const { wrap, canvas } = box('bars', summary);
  if (!canvas) return wrap;
  // a row per bar (CSSOM: CSP allows it); without a legend, less room above
  wrap.style.height = restName ? `${Math.max(260, rows * 40 + 70)}px` : `${Math.max(140, rows * 40 + 50)}px`;
  const opts = base();
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: bars.map((b) => b.label),
      datasets: [
        { label: valueName, data: bars.map((b) => b.value || 0), backgroundColor: bars.map((b) => (b.low ? COLOURS.low : COLOURS.brand)), borderRadius: 3, barPercentage: 0.7, maxBarThickness: 24 },
        restName ? { label: restName, data: bars.map((b) => Math.max(0, (b.max || 0) - (b.value || 0))), backgroundColor: COLOURS.rest, borderRadius: 3, barPercentage: 0.7, maxBarThickness: 24 } : null,
      ].filter(Boolean),
    },
    options: {
      ...opts,
      plugins: { ...opts.plugins, legend: { ...opts.plugins.legend, display: !!restName } },
      indexAxis: 'y',
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0, color: COLOURS.ink, font: { family: FONT } }, grid: { color: COLOURS.grid } },
        y: { stacked: true, ticks: { color: COLOURS.ink, font: { family: FONT, size: 13 }, callback: unitLabel }, grid: { display: false } },
      },
      // a click on a unit's bar shows its tickets, as the table's figure does
      onClick: (event, elements) => {
        const hit = elements[0];
        if (hit && bars[hit.index].href) location.hash = bars[hit.index].href.replace(/^#/, '');
      },
      onHover: (event, elements) => { event.native.target.style.cursor = elements.length ? 'pointer' : 'default'; },
    },
  });
  return wrap;
}

// series: [{name, cls (r1 r2 r3), points: [{label, value (0..1 or null)}]}], all with the
// same labels -> a box with a line per series on a percent axis, gaps where nothing counted.
export function lineChart(title, series) {
  const pctText = (v) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`);
  const summary = title + '：' + series.map((se) => `${se.name} ` + se.points.map((p) => `${p.label} ${pctText(p.value)}`).join('，')).join('；');
  const { wrap, canvas } = box('line', summary);
  if (!canvas) return wrap;
  const opts = base();
  new window.Chart(canvas, {
    type: 'line',
    data: {
      labels: series[0] ? series[0].points.map((p) => p.label) : [],
      datasets: series.map((se) => ({
        label: se.name,
        data: se.points.map((p) => (p.value === null || p.value === undefined ? null : Math.round(p.value * 1000) / 10)),
        borderColor: COLOURS[se.cls], backgroundColor: '#fff', pointBorderColor: COLOURS[se.cls],
        borderWidth: 2.5, pointRadius: 4, pointBorderWidth: 2, tension: 0, spanGaps: false,
        clip: 6, // a point at 0% or 100% drawn whole
      })),
    },
    options: {
      ...opts,
      scales: {
        y: { min: 0, max: 100, ticks: { stepSize: 25, callback: (v) => `${v}%`, color: COLOURS.ink, font: { family: FONT } }, grid: { color: COLOURS.grid } },
        x: { ticks: { color: COLOURS.ink, font: { family: FONT }, maxRotation: 0, autoSkip: true }, grid: { display: false } },
      },
      plugins: { legend: { labels: { ...opts.plugins.legend.labels, usePointStyle: true, boxWidth: 8, boxHeight: 8 } }, tooltip: { ...opts.plugins.tooltip, callbacks: { label: (c) => `${c.dataset.label} ${c.parsed.y}%` } } },
    },
  });
  return wrap;
}
