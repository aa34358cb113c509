// The one ticket table every list uses (search, the unit's worklist, supervision, a
// report figure): id as a link, title, state in words, unit, and the running clock
// coloured ok / warn / overdue, refreshed every 30 s while the table is on the page.
import { h, clear, shortTime, span, clockOf } from './dom.js';
import { t } from './i18n.js';
import { unitName } from './units.js';

export function clockCell(tk) {
  const c = clockOf(tk);
  if (!c) return h('td', { class: 'clock' }, '—');
  const word = c.left < 0 ? t('clock.late') : t('clock.left');
  return h('td', { class: 'clock ' + c.cls, title: shortTime(tk[c.which + '_due_at']) },
    h('span', { class: 'clock-which' }, t('clock.' + c.which)), ' ', word, ' ', span(c.left, t));
}

export function row(tk, { fresh } = {}) {
  return h('tr', { 'data-row': tk.id, 'data-state': tk.state, class: fresh ? 'fresh' : null },
    h('td', { class: 'id' }, h('a', { href: '#/ticket/' + encodeURIComponent(tk.id) }, tk.id)),
    h('td', { class: 'title' }, tk.title || ''),
    h('td', {}, h('span', { class: 'state state-' + tk.state }, t('state.' + tk.state))),
    h('td', { class: 'unit' }, unitName(tk.department) || '—'),
    h('td', { class: 'time' }, shortTime(tk.created_at)),
    clockCell(tk));
}

// A table of tickets; .update(list) redraws its body. The caption names it for screen readers.
export function ticketTable(caption, tickets = []) {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, t('list.none'));
  const table = h('table', { class: 'tickets' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, ['col.id', 'col.title', 'col.state', 'col.unit', 'col.created', 'col.clock']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    body);
  const wrap = h('div', { class: 'table-wrap' }, table, empty);
  let current = [];
  wrap.update = (list) => {
    current = list;
    clear(body).append(...list.map((tk) => row(tk)));
    empty.hidden = list.length > 0;
  };
  wrap.prepend_ = (tk) => {
    current = [tk, ...current.filter((x) => x.id !== tk.id)];
    const old = body.querySelector(`tr[data-row="${CSS.escape(tk.id)}"]`);
    if (old) old.remove();
    body.prepend(row(tk, { fresh: true }));
    empty.hidden = true;
  };
  const timer = setInterval(() => wrap.isConnected && wrap.update(current), 30000);
  wrap.stop = () => clearInterval(timer);
  wrap.update(tickets);
  return wrap;
}
