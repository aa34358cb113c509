// 本单位工单: a unit handler's worklist (GET /v1/departments/{unit}/tickets), live: a
// dispatch or any event naming one of the unit's tickets fetches that ticket and puts it
// on top, without a reload. Each row shows its clock (warn, overdue).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { ticketTable } from '../table.js';
import * as session from '../session.js';
import { subscribe } from '../live.js';
import { unitName } from '../units.js';

const OPEN = ['dispatched', 'accepted', 'reopened', 'return_requested'];

export async function render(main) {
  const unit = session.unit();
  const status = h('span', { class: 'live off', role: 'status' }, t('unitlist.offline'));
  const table = ticketTable(t('unitlist.title'));
  main.append(h('div', { class: 'page-head' }, h('h1', {}, `${t('unitlist.title')} · ${unitName(unit)}`), status), table);

  async function loadAll() {
    try {
      const r = await get(`/v1/departments/${encodeURIComponent(unit)}/tickets` + query({ limit: 100 }));
      table.update(r.tickets.filter((tk) => OPEN.includes(tk.state) || tk.state === 'resolved'));
    } catch (err) {
      main.append(h('p', { class: 'error-text', role: 'alert' }, err.message));
    }
  }
  await loadAll();

  const unsubscribe = subscribe(async (m) => {
    if (m.event === 'reset') { loadAll(); return; }
    if (!m.id || (m.unit && m.unit !== unit)) return;
    try {
      const r = await get(`/v1/departments/${encodeURIComponent(unit)}/tickets` + query({ limit: 100 }));
      const tk = r.tickets.find((x) => x.id === m.id);
      if (tk) table.prepend_(tk);
    } catch { /* the next event or a reload shows it */ }
  }, (s) => {
    status.className = 'live ' + (s === 'open' ? 'on' : 'off');
    status.textContent = t(s === 'open' ? 'unitlist.live' : 'unitlist.offline');
  });
  return () => { unsubscribe(); table.stop(); };
}
