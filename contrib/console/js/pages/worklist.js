// 工单查询: search tickets by id (opens it), caller's phone, state and channel
// (GET /v1/tickets), page by page (next_cursor); j/k move through the rows.
import { h, field, select } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { onSubmit, showError } from '../form.js';
import { ticketTable } from '../table.js';

const STATES = ['received', 'pending_manual', 'dispatched', 'accepted', 'return_requested',
  'extension_requested', 'resolved', 'reopened', 'closed', 'merged'];

export async function render(main, { params, go }) {
  const any = ['', t('list.any')];
  const form = h('form', { class: 'card filters', role: 'search', 'aria-label': t('list.title') },
    field(t('list.id'),
      h('input', { id: 'q-id', name: 'id', value: params.get('id') || '', placeholder: '20261207-000001', autocomplete: 'off' })),
    field(t('list.phone'),
      h('input', { id: 'q-phone', name: 'caller_phone', type: 'tel', value: params.get('caller_phone') || '', autocomplete: 'off' })),
    field(t('list.state'),
      Object.assign(select('state', [any, ...STATES.map((s) => [s, t('state.' + s)])], params.get('state') || ''), { id: 'q-state' })),
    field(t('list.channel'),
      Object.assign(select('channel', [any, ...['hotline', 'board', 'tv'].map((c) => [c, t('channel.' + c)])], params.get('channel') || ''), { id: 'q-channel' })),
    h('button', { type: 'submit', class: 'primary' }, t('list.search')));
  const table = ticketTable(t('list.title'));
  const more = h('button', { type: 'button', class: 'ghost', hidden: true }, t('list.more'));
  main.append(h('h1', {}, t('list.title')), form, table, more);

  let cursor = null;
  let shown = [];
  const filters = () => ({ caller_phone: params.get('caller_phone'), state: params.get('state'), channel: params.get('channel') });
  async function load(next) {
    try {
      const r = await get('/v1/tickets' + query({ ...filters(), limit: 50, cursor: next }));
      shown = next ? shown.concat(r.tickets) : r.tickets;
      table.update(shown);
      cursor = r.next_cursor;
      more.hidden = !cursor;
    } catch (err) {
      showError(form, err);
    }
  }
  more.addEventListener('click', () => load(cursor));
  onSubmit(form, async (v) => {
    if (v.id) { go('ticket/' + encodeURIComponent(v.id)); return; }
    go('tickets' + query({ caller_phone: v.caller_phone, state: v.state, channel: v.channel }));
  });
  if (params.get('focus')) form.elements.id.focus();
  await load(null);
  return () => table.stop();
}
