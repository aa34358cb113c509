// 督办件: the three lists (问题督办, 月度工作, 动态对标) from GET /v1/supervision/cases?kind=,
// filtered by unit, state and overdue; a unit sees the cases it leads or co-handles
// (the server decides which). Each row opens the case.
import { h, field, select } from '../dom.js';
import { t } from '../i18n.js';
import { get, query } from '../api.js';
import { onSubmit, showError } from '../form.js';
import { unitName, unitOptions } from '../units.js';
import * as session from '../session.js';
import { KINDS, CASE_STATES, tabs, caseTable } from '../supervision.js';

export async function render(main, { params, go }) {
  const dept = session.kind() === 'dept';
  const any = ['', t('list.any')];
  const filters = { unit: params.get('unit') || '', state: params.get('state') || '', overdue: params.get('overdue') || '' };
  const form = h('form', { class: 'card filters', role: 'search', 'aria-label': t('sv.filters') },
    dept ? null : field(t('sv.unit'), Object.assign(select('unit', [any, ...unitOptions()], filters.unit), { id: 'sv-unit' })),
    field(t('list.state'), Object.assign(select('state', [any, ...CASE_STATES.map((s) => [s, t('case.state.' + s)])], filters.state), { id: 'sv-state' })),
    h('div', { class: 'field check' }, h('label', {}, h('input', { type: 'checkbox', name: 'overdue', checked: filters.overdue === 'true' }), ' ', t('sv.overdue'))),
    h('button', { type: 'submit', class: 'primary' }, t('list.search')));
  onSubmit(form, async (v) => go('cases' + query({ unit: v.unit, state: v.state, overdue: v.overdue ? 'true' : '' })));
  const title = dept ? `${t('sv.mine')} · ${unitName(session.unit())}` : t('sv.title');
  main.append(tabs('cases') || '', h('h1', {}, title), form);
  const kinds = params.get('kind') ? [params.get('kind')] : KINDS;
  const tables = [];
  await Promise.all(kinds.map(async (kind) => {
    const table = caseTable(t('sv.kind.' + kind));
    tables.push(table);
    const count = h('span', { class: 'count' }, '…');
    main.append(h('section', { class: 'card case-list', id: 'list-' + kind, 'aria-labelledby': 'h-' + kind },
      h('h2', { id: 'h-' + kind }, t('sv.kind.' + kind), ' ', count), table));
    try {
      const r = await get('/v1/supervision/cases' + query({ kind, ...filters }));
      table.update(r.cases || []);
      count.textContent = String((r.cases || []).length);
    } catch (err) {
      count.textContent = '!';
      showError(form, err);
    }
  }));
  return () => tables.forEach((x) => x.stop());
}
