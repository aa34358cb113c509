// Charts as inline SVG built with the DOM (createElementNS through dom.js's s()): a
// horizontal bar chart (a figure per unit, each bar a link) and a line chart of a rate
// over periods. Each has a <title> and <desc> for screen readers; no innerHTML anywhere.
import { s } from './dom.js';

let n = 0;

// bars: [{label, value, max, href, cls}] -> an <svg> of one row per bar.
export function barChart(title, bars) {
  const id = 'chart' + ++n;
  const rowH = 28, labelW = 220, barW = 420, width = labelW + barW + 70;
  const height = Math.max(1, bars.length) * rowH + 10;
  const top = Math.max(1, ...bars.map((b) => b.max || b.value || 0));
  // a group, not an img: its bars are links a keyboard and a screen reader can reach
  const svg = s('svg', { class: 'chart bars', viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-labelledby': id + 't ' + id + 'd' },
    s('title', { id: id + 't' }, title),
    s('desc', { id: id + 'd' }, bars.map((b) => `${b.label}: ${b.value}/${b.max ?? ''}`).join('; ')));
  bars.forEach((b, i) => {
    const y = 5 + i * rowH;
    const full = (b.max || 0) / top * barW;
    const w = (b.value || 0) / top * barW;
    const g = s('a', { href: b.href || '#', class: 'bar-link', 'aria-label': `${b.label} ${b.value}${b.max !== undefined ? ' / ' + b.max : ''}` },
      s('text', { x: labelW - 8, y: y + 18, 'text-anchor': 'end', class: 'label' }, b.label),
      s('rect', { x: labelW, y: y + 4, width: Math.max(full, 1), height: rowH - 10, class: 'bar-bg', rx: 3 }),
      s('rect', { x: labelW, y: y + 4, width: Math.max(w, b.value ? 2 : 0), height: rowH - 10, class: 'bar ' + (b.cls || ''), rx: 3 }),
      s('text', { x: labelW + Math.max(full, w) + 6, y: y + 18, class: 'value' }, `${b.value}${b.max !== undefined ? ' / ' + b.max : ''}`));
    svg.append(g);
  });
  return svg;
}

// series: [{name, cls, points: [{label, value (0..1 or null)}]}], all with the same labels
// -> a line chart on a percent axis, one line per series, with its legend.
export function lineChart(title, series) {
  const id = 'chart' + ++n;
  const labels = series[0] ? series[0].points.map((p) => p.label) : [];
  const width = 640, height = 240, left = 44, right = 16, topPad = 30, bottom = 34;
  const innerW = width - left - right, innerH = height - topPad - bottom;
  const x = (i) => left + (labels.length > 1 ? (i / (labels.length - 1)) * innerW : innerW / 2);
  const y = (v) => topPad + (1 - v) * innerH;
  const known = (v) => v !== null && v !== undefined;
  const svg = s('svg', { class: 'chart line', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': id + 't ' + id + 'd' },
    s('title', { id: id + 't' }, title),
    s('desc', { id: id + 'd' }, series.map((se) => `${se.name}: ` + se.points.map((p) => `${p.label} ${known(p.value) ? Math.round(p.value * 100) + '%' : '—'}`).join(', ')).join('; ')));
  for (const v of [0, 0.5, 1]) {
    svg.append(s('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, `${v * 100}%`));
  }
  labels.forEach((label, i) => svg.append(s('text', { x: x(i), y: height - 12, 'text-anchor': 'middle', class: 'axis' }, label)));
  series.forEach((se, k) => {
    const pts = se.points.map((p, i) => [p, i]).filter(([p]) => known(p.value));
    if (pts.length > 1) svg.append(s('polyline', { class: 'trend ' + se.cls, points: pts.map(([p, i]) => `${x(i)},${y(p.value)}`).join(' ') }));
    for (const [p, i] of pts) svg.append(s('circle', { cx: x(i), cy: y(p.value), r: 4, class: 'dot ' + se.cls }));
    const lx = left + k * 130;
    svg.append(s('line', { x1: lx, x2: lx + 18, y1: 12, y2: 12, class: 'trend ' + se.cls }),
      s('text', { x: lx + 24, y: 16, class: 'label' }, se.name));
  });
  return svg;
}
