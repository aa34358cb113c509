// The console's browser tests (make check-browser): starts Redis, hotlined and a second
// origin (lib/servers.mjs), makes one account per role through the admin API, runs the
// scenarios (scenarios.mjs) in Debian's Chromium through playwright-core (nothing
// downloads a browser), checks each page with axe-core (lib/check.mjs), and stops all it
// started, on failure too, within a bounded time. Prints each scenario and the duration.
// Usage: node tests/browser/run.mjs BUILD_DIR   (npm packages in BUILD_DIR/browser/)
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startAll, apiAs } from './lib/servers.mjs';
import { makeChecker } from './lib/check.mjs';
import { scenarios } from './scenarios.mjs';

const started = Date.now();
const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const build = path.resolve(top, process.argv[2] || 'build');
const require = createRequire(path.join(build, 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const SCENARIO_MS = 60000;
const TOTAL_MS = 300000;

// One account per role; agent2 is disabled by a scenario.
const ACCOUNTS = [
  ['agent1', '张丽', 'agent'], ['agent2', '赵强', 'agent'], ['sup1', '王督办', 'supervisor'],
  ['water1', '李水务', 'dept:water'], ['power1', '陈供电', 'dept:power'], ['admin1', '周管理', 'admin'],
];

let env = null;
let browser = null;
async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  if (env) await env.stop();
}
const watchdog = setTimeout(async () => {
  console.error(`browser tests: not done within ${TOTAL_MS / 1000} s; stopping`);
  await cleanup();
  process.exit(1);
}, TOTAL_MS);

let failed = 0;
try {
  env = await startAll({ top, build });
  const accounts = {};
  for (const [login, display_name, role] of ACCOUNTS) {
    const password = `Pw-${login}-${Math.random().toString(36).slice(2, 10)}`;
    await apiAs(env.base, env.tokens.HOTLINE_TOKEN_ADMIN, 'POST', '/v1/users', { login, display_name, role, password, temporary: false });
    accounts[login] = password;
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
  const problems = [];
  const t = {
    browser, base: env.base, evilBase: env.evilBase, tokens: env.tokens, accounts, state: {}, contexts: [],
    check: makeChecker(path.join(build, 'browser', 'screenshots'), require),
    // A page that opens a dialog (alert from injected markup), throws, or breaks the CSP
    // fails the run.
    watch(page, who) {
      page.on('dialog', (d) => { problems.push(`${who}: a dialog opened: ${d.message()}`); d.dismiss().catch(() => {}); });
      page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
      // the strict CSP holds for the console and for Chart.js: nothing it refuses is tried
      page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`${who}: ${m.text()}`); });
    },
  };
  for (const [name, run] of scenarios) {
    const t0 = Date.now();
    let timer;
    try {
      await Promise.race([run(t), new Promise((_, no) => { timer = setTimeout(() => no(new Error(`timed out after ${SCENARIO_MS / 1000} s`)), SCENARIO_MS); })]);
      if (problems.length) throw new Error(problems.splice(0).join('\n'));
      console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message.split('\n').slice(0, 12).join('\n     ')}`);
      await t.check.failed(t.contexts, name);
    } finally {
      clearTimeout(timer);
    }
  }
  console.log(`browser tests: ${scenarios.length - failed}/${scenarios.length} passed; axe and layout checked on ${t.check.checked.length} pages; screenshots in ${path.relative(top, path.join(build, 'browser', 'screenshots'))}/`);
} catch (e) {
  failed++;
  console.log(`FAIL setting up: ${e.message}`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
console.log(`browser tests: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
