// 督办: what waits for a supervisor — returns to decide (退单待审), extensions to decide
// (accepted tickets with a request waiting), tickets for manual dispatch (待人工派单) and
// overdue ones; each row opens the ticket, whose page has the steps.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { ticketTable } from '../table.js';

async function list(params) {
  return (await get('/v1/tickets' + query({ limit: 50, ...params }))).tickets;
}

export async function render(main) {
  main.append(h('h1', {}, t('sup.title')));
  const sections = [
    ['sup.returns', () => list({ state: 'return_requested' })],
    ['sup.extensions', () => list({ extension_pending: 'true' })],
    ['sup.manual', () => list({ state: 'pending_manual' })],
    ['sup.overdue', () => list({ overdue: 'true' })],
  ];
  const tables = [];
  const grid = h('div', { class: 'sup-grid' });
  main.append(grid);
  const cards = sections.map(([key, load], i) => {
    const table = ticketTable(t(key));
    tables.push(table);
    const count = h('span', { class: 'count' }, '…');
    grid.append(h('section', { class: 'card', 'aria-labelledby': 'sup-' + i },
      h('h2', { id: 'sup-' + i }, t(key), ' ', count), table));
    return { table, count, load };
  });
  await Promise.all(cards.map(async ({ table, count, load }) => {
    try {
      const rows = await load();
      table.update(rows);
      count.textContent = String(rows.length);
    } catch (err) {
      count.textContent = '!';
      table.append(h('p', { class: 'error-text' }, err.message));
    }
  }));
  return () => tables.forEach((x) => x.stop());
}
