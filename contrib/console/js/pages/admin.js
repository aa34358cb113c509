// 账号管理: people's accounts (GET/POST /v1/users; disable, enable, reset password with
// a temporary one) and the configuration reload (POST /v1/admin/reload).
import { h, field, clear, select, longTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { onSubmit } from '../form.js';
import { unitName, unitOptions } from '../units.js';

function roleWord(role) {
  return role.startsWith('dept:') ? unitName(role.slice(5)) : t('role.' + role);
}

export async function render(main) {
  const body = h('tbody');
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'users' },
    h('caption', { class: 'sr-only' }, t('admin.title')),
    h('thead', {}, h('tr', {}, ['admin.login', 'admin.display', 'admin.role', 'admin.status', 'admin.created', 'ticket.actions']
      .map((k) => h('th', { scope: 'col' }, t(k))))), body));

  async function load() {
    const r = await get('/v1/users');
    clear(body).append(...r.users.map((u) => {
      const act = (path, b) => async () => {
        try {
          await post(`/v1/users/${encodeURIComponent(u.login)}/${path}`, b);
          toast(`${u.login}: ✓`);
          await load();
        } catch (err) { toast(err.message, 'bad'); }
      };
      const pwId = 'pw-' + u.login;
      const pw = h('input', { id: pwId, name: 'password', type: 'password', autocomplete: 'new-password', class: 'short', placeholder: t('admin.newpw') });
      const reset = h('form', { class: 'inline' }, h('label', { for: pwId, class: 'sr-only' }, `${t('admin.newpw')} ${u.login}`), pw,
        h('button', { type: 'submit' }, t('admin.reset')));
      onSubmit(reset, async (v) => { await post(`/v1/users/${encodeURIComponent(u.login)}/password`, { password: v.password, temporary: true }); toast(`${u.login}: ${t('admin.reset')} ✓`); pw.value = ''; });
      return h('tr', { 'data-row': u.login, 'data-login': u.login },
        h('td', { class: 'id' }, u.login), h('td', {}, u.display_name || ''), h('td', {}, roleWord(u.role)),
        h('td', {}, h('span', { class: u.disabled ? 'state state-closed' : 'state state-accepted' }, t(u.disabled ? 'admin.disabled' : 'admin.active')),
          u.must_change_password ? h('span', { class: 'muted' }, ' · ' + t('admin.must_change')) : null),
        h('td', { class: 'time' }, longTime(u.created_at)),
        h('td', { class: 'row-actions' },
          h('button', { type: 'button', onclick: act(u.disabled ? 'enable' : 'disable'), 'aria-label': `${t(u.disabled ? 'admin.enable' : 'admin.disable')} ${u.login}` },
            t(u.disabled ? 'admin.enable' : 'admin.disable')), reset));
    }));
  }

  const roles = [['agent', t('role.agent')], ['supervisor', t('role.supervisor')], ['admin', t('role.admin')], ['dept:', t('role.dept')]];
  const add = h('form', { class: 'card filters', 'aria-labelledby': 'add-title' },
    h('h2', { id: 'add-title', class: 'full' }, t('admin.add')),
    field(t('admin.login'), h('input', { id: 'u-login', name: 'login', autocomplete: 'off', required: true })),
    field(t('admin.display'), h('input', { id: 'u-name', name: 'display_name', autocomplete: 'off', required: true })),
    field(t('admin.role'), Object.assign(select('role_kind', roles, 'agent'), { id: 'u-role' })),
    field(t('admin.unit'), Object.assign(select('unit', [['', '—'], ...unitOptions()], ''), { id: 'u-unit' })),
    field(t('admin.password'), h('input', { id: 'u-pw', name: 'password', type: 'password', autocomplete: 'new-password', required: true })),
    h('button', { type: 'submit', class: 'primary' }, t('admin.add')));
  onSubmit(add, async (v) => {
    const role = v.role_kind === 'dept:' ? 'dept:' + v.unit : v.role_kind;
    await post('/v1/users', { login: v.login, display_name: v.display_name, role, password: v.password, temporary: true });
    add.reset();
    toast(`${v.login} ✓`);
    await load();
  });
  const reload = h('button', { type: 'button', onclick: async () => {
    try { await post('/v1/admin/reload', {}); toast(t('admin.reloaded')); } catch (err) { toast(err.message, 'bad'); }
  } }, t('admin.reload'));

  main.append(h('div', { class: 'page-head' }, h('h1', {}, t('admin.title')), reload), add, h('section', { class: 'card' }, table));
  try { await load(); } catch (err) { main.append(h('p', { class: 'error-text', role: 'alert' }, err.message)); }
}
