// Forms: read their fields, show an API error next to the field it names (aria-invalid,
// a message under it), and Ctrl+Enter in a text box submits the form it is in.
import { h } from './dom.js';
import { t } from './i18n.js';

export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else out[el.name] = el.value.trim();
  }
  return out;
}

export function clearErrors(form) {
  form.querySelectorAll('.error-text').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
}

export function showError(form, err) {
  clearErrors(form);
  const msg = err.status === 0 ? t('err.network') : err.message;
  const target = err.field && form.elements.namedItem(err.field);
  const line = h('p', { class: 'error-text', role: 'alert' }, msg);
  if (target && target.insertAdjacentElement) {
    target.setAttribute('aria-invalid', 'true');
    target.closest('.field')?.append(line) || target.after(line);
    target.focus();
  } else {
    if (err.field) line.append(` (${t('err.field')}: ${err.field})`);
    form.prepend(line);
  }
}

// Runs submit(values) on submit, with the button disabled meanwhile and the error shown.
export function onSubmit(form, submit) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const buttons = form.querySelectorAll('button[type=submit]');
    buttons.forEach((b) => { b.disabled = true; });
    clearErrors(form);
    try {
      await submit(values(form));
    } catch (err) {
      if (err && 'status' in err) showError(form, err); else throw err;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  return form;
}
