// Building the page safely: elements from tag, attributes and children, text always as
// text (never innerHTML), and the formats of times and clocks.

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of [].concat(children ?? [])) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h('button', {class: 'primary', onclick: f}, '提交'): an HTML element.
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children.flat());
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A labelled field: label for= input id, so getByLabel finds it.
let uid = 0;
export function field(label, control, hint) {
  if (!control.id) control.id = 'f' + ++uid;
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control,
    hint ? h('small', { class: 'hint' }, hint) : null);
}

export function select(name, options, value) {
  return h('select', { name }, options.map(([v, text]) =>
    h('option', { value: v, selected: v === value ? true : null }, text)));
}

const pad = (n) => String(n).padStart(2, '0');
// "2026-12-07T02:05:41+08:00" -> "12-07 02:05" in Asia/Shanghai (the API gives +08:00).
export function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const z = new Date(d.getTime() + 8 * 3600e3);
  return `${pad(z.getUTCMonth() + 1)}-${pad(z.getUTCDate())} ${pad(z.getUTCHours())}:${pad(z.getUTCMinutes())}`;
}
export function longTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const z = new Date(d.getTime() + 8 * 3600e3);
  return `${z.getUTCFullYear()}-${pad(z.getUTCMonth() + 1)}-${pad(z.getUTCDate())} ${pad(z.getUTCHours())}:${pad(z.getUTCMinutes())}`;
}

// A duration in ms as "2天3小时" / "45分" (or the English words), negative as late.
export function span(ms, t) {
  const m = Math.round(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440), hh = Math.floor((m % 1440) / 60), mm = m % 60;
  if (d) return `${d}${t('unit.d')}${hh}${t('unit.h')}`;
  if (hh) return `${hh}${t('unit.h')}${mm}${t('unit.m')}`;
  return `${mm}${t('unit.m')}`;
}

// A clock's colour (ok, warn, overdue) and time left: warn from its warning time (the
// last quarter of the time allowed when there is none), overdue once past or once the
// server has fired a later stage than the warning (status).
export function dueClock(dueIso, startIso, status, warnIso, now = Date.now()) {
  const due = new Date(dueIso).getTime();
  const start = new Date(startIso).getTime();
  const left = due - now;
  const warnAt = warnIso ? new Date(warnIso).getTime() : start + (due - start) * 3 / 4;
  let cls = 'ok';
  if (left < 0 || (status && status !== 'warning')) cls = 'overdue';
  else if (status === 'warning' || now >= warnAt) cls = 'warn';
  return { due, left, cls };
}

// The clock a ticket runs now: which one, when due, and its class (dueClock), with the
// warning time as the SLA policy sets it (<clock>_warning_at) and the stage the server
// has fired (<clock>_status).
export function clockOf(tk, now = Date.now()) {
  const which = tk.state === 'dispatched' ? 'sign'
    : ['accepted', 'reopened'].includes(tk.state) ? 'answer' : null;
  if (!which) return null;
  const dueIso = tk[which + '_due_at'];
  if (!dueIso) return null;
  return { which, ...dueClock(dueIso, tk.dispatched_at || tk.updated_at || tk.created_at,
    tk[which + '_status'], tk[which + '_warning_at'], now) };
}

// A short message at the bottom of the screen (role=status: screen readers hear it).
let toastTimer = 0;
export function toast(text, kind = 'ok') {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.className = 'show ' + kind;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = ''; }, 4000);
}
