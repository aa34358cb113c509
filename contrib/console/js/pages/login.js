// The login page (用户名, 密码, 登录) and the forced password change of an account made
// with a temporary password (POST /v1/session/password).
import { h, field, toast } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { onSubmit } from '../form.js';
import * as session from '../session.js';

export function render(main, { notice, go, home }) {
  const user = h('input', { id: 'login-user', name: 'login', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, t('app')),
    h('p', { class: 'lead' }, t('login.lead')),
    notice ? h('p', { class: 'notice', role: 'alert' }, notice) : null,
    field(t('login.user'), user),
    field(t('login.password'), pass),
    h('button', { type: 'submit', class: 'primary wide' }, t('login.submit')));
  onSubmit(form, async (v) => {
    const s = await session.login(v.login, v.password);
    go(s.must_change_password ? 'password' : home());
  });
  main.append(h('section', { class: 'center' }, form));
  user.focus();
}

export function renderPassword(main, { go, home }) {
  const input = (id, name, auto) => h('input', { id, name, type: 'password', autocomplete: auto, required: true });
  const form = h('form', { class: 'card login', 'aria-labelledby': 'pw-title' },
    h('h1', { id: 'pw-title' }, t('pw.title')),
    h('p', { class: 'lead' }, t('pw.lead')),
    field(t('pw.old'), input('pw-old', 'old_password', 'current-password')),
    field(t('pw.new'), input('pw-new', 'new_password', 'new-password')),
    field(t('pw.again'), input('pw-again', 'again', 'new-password')),
    h('button', { type: 'submit', class: 'primary wide' }, t('pw.submit')));
  onSubmit(form, async (v) => {
    if (v.new_password !== v.again) {
      const e = new Error(t('pw.mismatch'));
      Object.assign(e, { status: 400, field: 'again' });
      throw e;
    }
    await post('/v1/session/password', { old_password: v.old_password, new_password: v.new_password });
    await session.load();
    toast(t('pw.submit') + ' ✓');
    go(home());
  });
  main.append(h('section', { class: 'center' }, form));
  form.querySelector('input').focus();
}
