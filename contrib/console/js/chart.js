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

// points: [{label, value (0..1 or null)}] -> a line chart with percent axis.
export function lineChart(title, points) {
  const id = 'chart' + ++n;
  const width = 640, height = 220, left = 44, right = 16, topPad = 16, bottom = 34;
  const innerW = width - left - right, innerH = height - topPad - bottom;
  const x = (i) => left + (points.length > 1 ? (i / (points.length - 1)) * innerW : innerW / 2);
  const y = (v) => topPad + (1 - v) * innerH;
  const svg = s('svg', { class: 'chart line', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': id + 't ' + id + 'd' },
    s('title', { id: id + 't' }, title),
    s('desc', { id: id + 'd' }, points.map((p) => `${p.label}: ${p.value === null ? '—' : Math.round(p.value * 100) + '%'}`).join('; ')));
  for (const v of [0, 0.5, 1]) {
    svg.append(s('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, `${v * 100}%`));
  }
  const known = points.map((p, i) => [p, i]).filter(([p]) => p.value !== null && p.value !== undefined);
  if (known.length) {
    svg.append(s('polyline', { class: 'trend', points: known.map(([p, i]) => `${x(i)},${y(p.value)}`).join(' ') }));
  }
  points.forEach((p, i) => {
    svg.append(s('text', { x: x(i), y: height - 12, 'text-anchor': 'middle', class: 'axis' }, p.label));
    if (p.value !== null && p.value !== undefined) {
      svg.append(s('circle', { cx: x(i), cy: y(p.value), r: 4, class: 'dot' },
        s('title', {}, `${p.label}: ${Math.round(p.value * 100)}%`)));
    }
  });
  return svg;
}
