// Keyboard shortcuts, listed by `?` in an overlay. Single keys act only when focus is not
// in a text field, and none uses Ctrl/Alt/Meta with a letter, so no browser shortcut
// (Ctrl+T, Ctrl+W, Ctrl+Shift+T, Ctrl+L, ...) is ever taken over. Ctrl+Enter (submit from
// a text box) is handled by the forms (form.js).
import { h } from './dom.js';
import { t } from './i18n.js';
import * as session from './session.js';

// 1–5 and Alt+↓ belong to the intake form's 政策通 card (kb_suggest.js), listed here.
const LIST = [['n', 'keys.n'], ['/', 'keys.slash'], ['j / k', 'keys.jk'], ['Enter', 'keys.enter'],
  ['g w', 'keys.gw'], ['g d', 'keys.gd'], ['Ctrl+Enter', 'keys.ctrlenter'], ['1–5', 'keys.digits'],
  ['Alt+↓', 'keys.altdown'], ['?', 'keys.help']];

function typing(el) {
  return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

function moveSelection(step) {
  const rows = [...document.querySelectorAll('#main [data-row]')];
  if (!rows.length) return;
  let i = rows.findIndex((r) => r.classList.contains('selected'));
  i = i < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + step));
  rows.forEach((r) => r.classList.remove('selected'));
  rows[i].classList.add('selected');
  const link = rows[i].querySelector('a') || rows[i];
  link.focus();
  rows[i].scrollIntoView({ block: 'nearest' });
}

let overlay = null;
function closeHelp() {
  if (!overlay) return;
  overlay.remove();
  overlay = null;
}
function openHelp() {
  if (overlay) return;
  const close = h('button', { type: 'button', onclick: closeHelp }, t('keys.close'));
  overlay = h('div', { class: 'overlay', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'keys-title' },
    h('div', { class: 'dialog' }, h('h2', { id: 'keys-title' }, t('keys.title')),
      h('dl', { class: 'keys' }, LIST.flatMap(([k, key]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, t(key))])),
      close));
  overlay.addEventListener('click', (e) => { if (e.target === overlay) closeHelp(); });
  document.body.append(overlay);
  close.focus();
}

export function installShortcuts({ go, home }) {
  let pendingG = false;
  document.addEventListener('hl-help', openHelp);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { closeHelp(); return; }
    if (e.ctrlKey || e.altKey || e.metaKey || typing(e.target) || !session.current()) return;
    if (pendingG) {
      pendingG = false;
      if (e.key === 'w') { e.preventDefault(); go(home()); }
      if (e.key === 'd') { e.preventDefault(); go('dashboard'); }
      return;
    }
    switch (e.key) {
      case '?': e.preventDefault(); overlay ? closeHelp() : openHelp(); break;
      case 'n': if (['agent', 'supervisor'].includes(session.kind())) { e.preventDefault(); go('intake'); } break;
      case '/': e.preventDefault(); go('tickets?focus=1'); break;
      case 'j': e.preventDefault(); moveSelection(1); break;
      case 'k': e.preventDefault(); moveSelection(-1); break;
      case 'g': pendingG = true; setTimeout(() => { pendingG = false; }, 1500); break;
      default: break;
    }
  });
}
