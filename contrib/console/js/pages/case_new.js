// 立案督办: open a supervised case (POST /v1/supervision/cases) — kind, title, description,
// source (a programme when opened from one: #/case-new?programme=P...&problem=...), lead
// unit and co-units from the unit directory, requirements, a deadline as a date or as
// working days, linked ticket ids, and for a benchmark the rate, target and benchmark.
import { h, field, select, toast } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { onSubmit } from '../form.js';
import { unitOptions } from '../units.js';
import { KINDS, tabs, filled } from '../supervision.js';

const ids = (s) => (s || '').split(/[,，\s]+/).filter(Boolean);

export async function render(main, { params, go }) {
  const programme = params.get('programme') || '';
  const problem = params.get('problem') || '';
  const co = h('fieldset', { class: 'field co-units' }, h('legend', {}, t('sv.co_units')),
    unitOptions().map(([code, name]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'co:' + code }), ' ', name)));
  const byDate = h('input', { type: 'date', name: 'deadline', id: 'n-deadline' });
  const byDays = h('input', { type: 'number', name: 'working_days', id: 'n-days', min: 1, max: 365, inputmode: 'numeric' });
  const form = h('form', { class: 'card case-form', novalidate: true },
    field(t('sv.kind'), Object.assign(select('kind', KINDS.map((k) => [k, t('sv.kind.' + k)]), params.get('kind') || 'problem'), { id: 'n-kind' })),
    field(t('col.title'), h('input', { name: 'title', id: 'n-title', required: true, value: problem.slice(0, 60), autocomplete: 'off' })),
    field(t('case.f.description'), h('textarea', { name: 'description', id: 'n-desc', rows: 3, value: problem ? `${t('sv.exposed')}: ${problem}` : '' })),
    field(t('case.f.source_text'), h('input', { name: 'programme', id: 'n-programme', value: programme, placeholder: 'P20261207-001', autocomplete: 'off' }), t('sv.source.hint')),
    field(t('sv.lead'), Object.assign(select('lead_unit', [['', '—'], ...unitOptions()], ''), { id: 'n-lead' })),
    co,
    field(t('case.f.requirements'), h('textarea', { name: 'requirements', id: 'n-req', rows: 2 })),
    h('div', { class: 'field-row' }, field(t('sv.deadline.date'), byDate), field(t('sv.deadline.days'), byDays, t('sv.deadline.hint'))),
    field(t('case.tickets'), h('input', { name: 'tickets', id: 'n-tickets', placeholder: '20261207-000001', autocomplete: 'off' }), t('sv.tickets.hint')),
    h('details', { class: 'step-box' }, h('summary', {}, t('sv.kind.benchmark')),
      field(t('case.f.metric'), select('metric', [['', '—'], ...['answer_rate', 'sign_rate', 'satisfaction_rate'].map((m) => [m, t('metric.' + m)])], '')),
      field(t('case.f.target'), h('input', { type: 'number', name: 'target', min: 0, max: 100 })),
      field(t('case.f.benchmark'), h('input', { name: 'benchmark', autocomplete: 'off' }))),
    h('button', { type: 'submit', class: 'primary' }, t('sv.open')));
  onSubmit(form, async (v) => {
    const body = { kind: v.kind, title: v.title, description: v.description, lead_unit: v.lead_unit,
      co_units: Object.keys(v).filter((k) => k.startsWith('co:') && v[k]).map((k) => k.slice(3)),
      requirements: v.requirements, tickets: ids(v.tickets) };
    if (v.programme) body.source = { type: 'programme', id: v.programme };
    if (v.working_days) body.deadline = { working_days: Number(v.working_days) };
    else if (v.deadline) body.deadline = v.deadline;
    if (v.kind === 'benchmark') Object.assign(body, { metric: v.metric, target: Number(v.target), benchmark: v.benchmark });
    const r = await post('/v1/supervision/cases', filled(body));
    toast(`${t('sv.opened')} ${r.id}`);
    go('case/' + encodeURIComponent(r.id));
  });
  main.append(tabs('case-new') || '', h('h1', {}, t('sv.tab.new')), form);
  return null;
}
