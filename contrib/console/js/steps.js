// What the ticket page and the supervised case page share: a step's form (POST
// <base>/<step>, its fields from the step's description, the API's error beside the field
// it names) and the timeline of what was done, by whom, from which state to which.
import { h, field, longTime, select, toast } from './dom.js';
import { t } from './i18n.js';
import { post } from './api.js';
import { onSubmit } from './form.js';
import { unitOptions } from './units.js';

// A step's form in a <details>: the first the viewer may take is open, the others one
// click (or Enter on the summary) away. step: {path, fields: [{name, key, kind, optional,
// options, words}]}; reload(true) after the step is taken.
export function stepForm(base, step, reload, open) {
  const controls = step.fields.map((f) => {
    const id = `s-${step.path}-${f.name}`;
    let c;
    if (f.kind === 'select') c = select(f.name, f.options.map((o) => [o, t(f.words + o)]), f.options[0]);
    else if (f.kind === 'unit') c = select(f.name, [['', f.optional ? t('step.by_routing') : '—'], ...unitOptions()], '');
    else if (f.kind === 'number') c = h('input', { name: f.name, type: 'number', min: 1, max: 15, value: 3, inputmode: 'numeric' });
    else if (f.kind === 'input') c = h('input', { name: f.name, autocomplete: 'off' });
    else c = h('textarea', { name: f.name, rows: 3 });
    c.id = id;
    if (!f.optional && f.kind !== 'select') c.required = true;
    return field(t(f.key), c);
  });
  const form = h('form', { class: 'step step-' + step.path, novalidate: true }, controls,
    h('button', { type: 'submit', class: step.fields.length ? 'primary' : 'primary solo' }, t('step.' + step.path)));
  onSubmit(form, async (v) => {
    const b = {};
    for (const f of step.fields) {
      if (!v[f.name] && f.optional) continue;
      b[f.name] = f.name === 'units' ? v.units.split(/[,，\s]+/).filter(Boolean) : v[f.name];
    }
    await post(`${base}/${step.path}`, b);
    toast(t('step.done') + t('step.' + step.path));
    await reload(true);
  });
  if (!step.fields.length) return form;
  return h('details', { class: 'step-box', open: open || null }, h('summary', {}, t('step.' + step.path)), form);
}

// The timeline: [{at, actor, role, action, from, to, note}], states in words under
// statePrefix ('state.' for a ticket, 'case.state.' for a supervised case).
export function timeline(audit, statePrefix = 'state.') {
  const word = (key, raw) => (t(key) === key ? raw : t(key));
  return h('ol', { class: 'timeline' }, (audit || []).map((a) => h('li', {},
    h('time', { datetime: a.at }, longTime(a.at)),
    h('span', { class: 'actor' }, `${a.actor || ''}${a.role ? ' · ' + a.role : ''}`),
    h('span', { class: 'action' }, word('action.' + a.action, a.action)),
    a.from || a.to ? h('span', { class: 'move' }, `${a.from ? word(statePrefix + a.from, a.from) : ''} → ${a.to ? word(statePrefix + a.to, a.to) : ''}`) : null,
    a.note ? h('p', { class: 'note' }, a.note) : null)));
}
