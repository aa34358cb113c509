// The console's frame: the hash router (#/intake, #/ticket/<id>, #/kb/<id>, ...), the top bar with
// the pages the person's role may use, the language switch, and the start: no session,
// the login page; a temporary password, the password page.
import { h, clear } from './dom.js';
import { t, toggleLanguage } from './i18n.js';
import { whenUnauthorized } from './api.js';
import * as session from './session.js';
import * as units from './units.js';
import { installShortcuts } from './shortcuts.js';
import * as login from './pages/login.js';
import * as intake from './pages/intake.js';
import * as worklist from './pages/worklist.js';
import * as ticket from './pages/ticket.js';
import * as unitlist from './pages/unit.js';
import * as supervisor from './pages/supervisor.js';
import * as dashboard from './pages/dashboard.js';
import * as admin from './pages/admin.js';
import * as cases from './pages/cases.js';
import * as caseView from './pages/case.js';
import * as caseNew from './pages/case_new.js';
import * as programmes from './pages/programmes.js';
import * as accountability from './pages/accountability.js';
import * as svReport from './pages/sv_report.js';
import * as kb from './pages/kb.js';
import * as kbEdit from './pages/kb_edit.js';

// path -> [module, roles allowed (null: anyone logged in)]
const routes = {
  login: [login, 'public'],
  password: [{ render: login.renderPassword }, null],
  intake: [intake, ['agent', 'supervisor']],
  tickets: [worklist, null],
  ticket: [ticket, null],
  unit: [unitlist, ['dept']],
  supervisor: [supervisor, ['supervisor', 'admin']],
  dashboard: [dashboard, ['supervisor', 'admin']],
  admin: [admin, ['admin']],
  cases: [cases, ['supervisor', 'admin', 'dept']],
  case: [caseView, ['supervisor', 'admin', 'dept']],
  'case-new': [caseNew, ['supervisor']],
  programmes: [programmes, ['supervisor', 'admin']],
  accountability: [accountability, ['supervisor', 'admin']],
  'sv-report': [svReport, ['supervisor', 'admin']],
  kb: [kb, null],
  'kb-edit': [kbEdit, ['supervisor', 'dept']],
  'kb-new': [kbEdit, ['supervisor', 'dept']],
};

const nav = [
  ['intake', 'nav.intake', ['agent', 'supervisor']],
  ['unit', 'nav.unit', ['dept']],
  ['tickets', 'nav.tickets', null],
  ['supervisor', 'nav.supervisor', ['supervisor', 'admin']],
  ['cases', 'nav.cases', ['supervisor', 'admin', 'dept']],
  ['kb', 'nav.kb', null],
  ['dashboard', 'nav.dashboard', ['supervisor', 'admin']],
  ['admin', 'nav.admin', ['admin']],
];

export function home() {
  return { agent: 'intake', dept: 'unit', supervisor: 'supervisor', admin: 'admin' }[session.kind()] || 'tickets';
}

export function go(path) {
  if (location.hash === '#/' + path) render(); else location.hash = '#/' + path;
}

let cleanup = null;
let expired = false;
let unitsFor = null; // the unit directory's loading, once per login

function parse() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, qs] = raw.split('?');
  const [name, ...rest] = pathPart.split('/');
  return { name: name || '', arg: rest.map(decodeURIComponent).join('/'), params: new URLSearchParams(qs || '') };
}

function drawTopbar(current) {
  const navEl = clear(document.getElementById('nav'));
  const who = clear(document.getElementById('who'));
  document.getElementById('brand').textContent = t('app');
  document.getElementById('lang').textContent = t('lang.other');
  document.getElementById('skip-link').textContent = t('skip');
  document.title = t('app');
  const me = session.current();
  if (!me) return;
  for (const [path, key, roles] of nav) {
    if (roles && !roles.includes(session.kind())) continue;
    navEl.append(h('a', { href: '#/' + path, 'aria-current': current === path ? 'page' : null }, t(key)));
  }
  const role = session.kind() === 'dept' ? units.unitName(session.unit()) : t('role.' + me.role);
  who.append(h('span', { class: 'who-name' }, me.display_name || me.login), h('span', { class: 'who-role' }, role),
    h('button', { type: 'button', class: 'ghost', id: 'help-button', onclick: () => document.dispatchEvent(new Event('hl-help')) }, t('nav.help') + ' ?'),
    h('button', { type: 'button', class: 'ghost', id: 'logout', onclick: async () => { await session.logout(); go('login'); } }, t('nav.logout')));
}

async function render() {
  if (cleanup) { try { cleanup(); } catch { /* the old page is gone anyway */ } cleanup = null; }
  const { name, arg, params } = parse();
  const main = clear(document.getElementById('main'));
  const me = session.current();
  if (!me && name !== 'login') { go('login'); return; }
  if (me && !unitsFor) unitsFor = units.load();
  if (!me) unitsFor = null;
  if (unitsFor) await unitsFor;
  if (me && me.must_change_password && name !== 'password') { go('password'); return; }
  const route = routes[name];
  if (!route || (name === 'login' && me)) { go(me ? home() : 'login'); return; }
  const [page, roles] = route;
  if (Array.isArray(roles) && !roles.includes(session.kind())) { go(home()); return; }
  drawTopbar({ ticket: '', case: 'cases', 'case-new': 'cases', programmes: 'cases', accountability: 'cases', 'sv-report': 'cases', 'kb-edit': 'kb', 'kb-new': 'kb' }[name] ?? name);
  document.body.classList.toggle('public', !me);
  const notice = expired && name === 'login' ? t('login.expired') : '';
  expired = false;
  cleanup = (await page.render(main, { arg, params, notice, go, home })) || null;
}

whenUnauthorized(() => {
  session.forget();
  expired = true;
  go('login');
});

document.getElementById('lang').addEventListener('click', () => { toggleLanguage(); render(); });
window.addEventListener('hashchange', render);
installShortcuts({ go, home });
await session.load();
render();
