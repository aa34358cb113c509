// What every page visit checks: axe-core finds no serious or critical violation, the page
// is not wider than the window (nothing overflows at 1366×768 or on a phone), and a
// screenshot goes to build/browser/screenshots/ for a person to look at.
import fs from 'node:fs';
import path from 'node:path';

// shotsDir: where screenshots go; require: resolves the npm packages (build/browser/).
export function makeChecker(shotsDir, require) {
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  fs.rmSync(shotsDir, { recursive: true, force: true }); // this run's only
  fs.mkdirSync(shotsDir, { recursive: true });
  let n = 0;
  const checked = [];
  // page: a playwright Page; name: the screenshot's name (a-z, 0-9, -).
  return {
    checked,
    async page(page, name) {
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.evaluate(() => { // a full-page shot with the top bar on top, no passing toast
        window.scrollTo(0, 0);
        document.getElementById('toast')?.classList.remove('show');
      });
      await page.waitForTimeout(250); // the toast's fade
      const file = path.join(shotsDir, `${String(++n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      // axe is evaluated through the DevTools protocol, so the page's CSP (script-src
      // 'self', no eval) stays on for the page itself
      if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
          .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join(', ')}`);
      });
      if (result.length) throw new Error(`axe on ${name}:\n  ${result.join('\n  ')}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (wide > 1) throw new Error(`${name}: the page is ${wide}px wider than the window`);
      checked.push(name);
      return file;
    },
    // After a failure: what every open page showed, as FAIL-<n>-<page>.png.
    async failed(contexts, scenario) {
      let i = 0;
      for (const ctx of contexts) {
        for (const p of ctx.pages()) {
          const file = path.join(shotsDir, `FAIL-${String(++n).padStart(2, '0')}-${++i}.png`);
          await p.screenshot({ path: file, fullPage: true }).catch(() => {});
          console.log(`     (${scenario}: ${p.url()} -> ${file})`);
        }
      }
    },
  };
}
