// The console's scenarios (issue 15, "Tests, in make check"), in order: each is
// [name, async (t) => ...] and may leave what the next one needs in t.state. t holds the
// browser, the base URL, the accounts (login -> password), API tokens, the checker (axe,
// overflow, screenshot) and helpers. A scenario fails by throwing.
import assert from 'node:assert/strict';
import { apiAs } from './lib/servers.mjs';

const PHONE = '13812345678';
const XSS = '<img src=x onerror=alert(1)>';

// A new browser context (its own cookies) logged in as `login`, at 1366×768 or `viewport`.
async function loggedIn(t, login, viewport) {
  const ctx = await t.browser.newContext({ viewport: viewport || { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  t.contexts.push(ctx);
  const page = await ctx.newPage();
  t.watch(page, login);
  await page.goto(t.base + '/console/');
  await page.getByLabel('用户名', { exact: true }).fill(login);
  await page.getByLabel('密码', { exact: true }).fill(t.accounts[login]);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('#logout').waitFor();
  return page;
}

// The Chart.js chart on the nth canvas matching selector, once drawn: its type, labels,
// datasets' names and data, animation setting and the canvas's aria-label.
async function chartOf(page, selector, nth, timeout = 5000) {
  const canvas = page.locator(selector).nth(nth);
  await canvas.waitFor({ timeout });
  await page.waitForFunction((el) => window.Chart && window.Chart.getChart(el), await canvas.elementHandle(), { timeout });
  return canvas.evaluate((el) => {
    const c = window.Chart.getChart(el);
    return { type: c.config.type, labels: c.data.labels, datasets: c.data.datasets.map((d) => d.label),
      data: c.data.datasets.map((d) => d.data), animation: c.options.animation, aria: el.getAttribute('aria-label') };
  });
}

// Takes a step on a case (or ticket) page: opens its <details> when closed, fills the
// fields (label -> text) and submits it.
async function takeStep(page, path, fields = {}) {
  const form = page.locator('form.step-' + path);
  await form.waitFor({ state: 'attached' });
  if (!(await form.isVisible())) await page.locator(`details:has(form.step-${path}) > summary`).click();
  for (const [label, text] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(text);
  await form.locator('button[type=submit]').click();
}

// 政策通 (issue 17): two entries the scenarios make through the API, one per unit; ids
// prefixed bt- so that they never meet the shipped set's.
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const KB_WATER = {
  id: 'bt-water-transfer', title: '自来水户名过户如何办理', unit: 'water',
  questions: ['买了二手房水表户名怎么改', '自来水户名过户要带什么', '水费账户更名去哪里办'],
  answer: '一、所需材料：不动产权证书、新户主身份证原件，委托办理的另带委托书。\n二、办理地点：各区供水营业厅，或“武汉水务”微信公众号线上办理。\n三、费用：免费。\n四、时限：材料齐全的，当场办结。',
  tags: ['自来水', '过户', '户名'], source: '《武汉市城市供水用水管理办法》', effective_from: '2024-01-01',
};
const KB_POWER = {
  id: 'bt-power-rename', title: '电费户名变更如何办理', unit: 'power',
  questions: ['电表户名怎么改', '电费户名变更要什么材料', '房子过户了电费户名改名'],
  answer: '携带房产证明和身份证原件到供电营业厅，或在“网上国网”App 办理，免费，一个工作日内办结。',
  tags: ['电费', '更名'], source: '《供电营业规则》（国家发展改革委令2024年第14号）', effective_from: '2024-06-01',
};

const count = async (t) => (await apiAs(t.base, t.tokens.HOTLINE_TOKEN_SUPERVISOR, 'GET', '/v1/tickets?limit=200')).tickets.length;

export const scenarios = [
  ['login page and redirect', async (t) => {
    const ctx = await t.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    t.contexts.push(ctx);
    const page = await ctx.newPage();
    t.watch(page, 'anonymous');
    await page.goto(t.base + '/');
    assert.match(page.url(), /\/console\//, '/ leads to /console/');
    await page.getByLabel('用户名', { exact: true }).waitFor();
    await t.check.page(page, 'login');
    await page.getByLabel('用户名', { exact: true }).fill('agent1');
    await page.getByLabel('密码', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.error-text').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('User name', { exact: true }).waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByLabel('用户名', { exact: true }).waitFor();
    await ctx.close();
  }],

  ['agent takes a call: route suggestion and the earlier ticket; water sees it live', async (t) => {
    const earlier = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_AGENT, 'POST', '/v1/tickets', {
      channel: 'hotline', title: '小区路灯不亮', content: '新华路小区门口路灯一周不亮', address: '武汉市江汉区新华路100号',
      caller_phone: PHONE, type: 'complaint' });
    const water = await loggedIn(t, 'water1');
    await water.locator('.live.on').waitFor({ timeout: 10000 });
    const agent = await loggedIn(t, 'agent1');
    t.state.agent = agent;
    await agent.getByLabel('来电号码', { exact: true }).fill(PHONE);
    await agent.getByLabel('标题', { exact: true }).fill('停水三天');
    await agent.getByLabel('诉求内容', { exact: true }).fill('江汉区新华路小区停水三天了，至今没有恢复供水');
    await agent.getByLabel('地址', { exact: true }).fill('武汉市江汉区新华路100号');
    await agent.locator('.route-unit', { hasText: '武汉市水务集团有限公司' }).waitFor();
    await agent.locator('.history a', { hasText: earlier.id }).waitFor();
    await t.check.page(agent, 'intake-suggestion');
    await agent.getByRole('button', { name: '提交' }).click();
    const id = (await agent.locator('.big-id').textContent()).trim();
    assert.match(id, /^\d{8}-\d{6}$/);
    assert.ok((await agent.locator('#promise').textContent()).trim().length > 0, '承诺时限 shown');
    await t.check.page(agent, 'intake-done');
    t.state.id = id;
    await water.locator(`tr[data-row="${id}"]`).waitFor({ timeout: 15000 });
    await t.check.page(water, 'unit-worklist-live');
    t.state.water = water;
    const field = await loggedIn(t, 'water1', { width: 390, height: 844 }); // a handler in the field
    await field.locator(`tr[data-row="${id}"]`).waitFor();
    await t.check.page(field, 'unit-worklist-phone');
    await field.context().close();
  }],

  ['water signs and answers it', async (t) => {
    const { water, id } = t.state;
    await water.locator(`tr[data-row="${id}"] a`).click();
    await water.getByRole('button', { name: '签收' }).click();
    await water.locator('.head-line .state', { hasText: '已签收' }).waitFor();
    // a supervisor opening it sees who has it open, then who is typing in it
    const sup = await loggedIn(t, 'sup1');
    await sup.goto(`${t.base}/console/#/ticket/${id}`);
    await sup.locator('.presence', { hasText: '李水务 正在查看' }).waitFor();
    await water.getByLabel('答复内容', { exact: true }).fill('已安排抢修，供水已于今日恢复。');
    await water.waitForTimeout(500);
    await sup.reload();
    await sup.locator('.presence', { hasText: '李水务 正在输入' }).waitFor();
    await t.check.page(sup, 'ticket-presence');
    await sup.context().close();
    await t.check.page(water, 'ticket-unit');
    await water.getByRole('button', { name: '办结' }).click();
    await water.locator('.head-line .state', { hasText: '已办结' }).waitFor();
  }],

  ['agent records the callback', async (t) => {
    const { agent, id } = t.state;
    await agent.goto(`${t.base}/console/#/ticket/${id}`);
    await agent.getByLabel('满意度', { exact: true }).selectOption('satisfied');
    await agent.getByLabel('问题是否解决', { exact: true }).selectOption('solved');
    await agent.getByRole('button', { name: '回访' }).click();
    await agent.locator('.head-line .state', { hasText: '已归档' }).waitFor();
    await t.check.page(agent, 'ticket-callback');
  }],

  ['supervisor approves a return, sees the dashboard and follows a figure', async (t) => {
    const r = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_AGENT, 'POST', '/v1/tickets', {
      channel: 'hotline', title: '自来水水压不足', content: '高层住户水压不足，停水', address: '武汉市江汉区新华路200号',
      caller_phone: '13700000001', type: 'complaint' });
    for (let i = 0; i < 100 && (await apiAs(t.base, t.tokens.HOTLINE_TOKEN_AGENT, 'GET', '/v1/tickets/' + r.id)).state !== 'dispatched'; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
    }
    await apiAs(t.base, t.tokens.HOTLINE_TOKEN_DEPT_WATER, 'POST', `/v1/tickets/${r.id}/return`, { reason: '属于二次供水设施，应由物业负责' });
    const sup = await loggedIn(t, 'sup1');
    await sup.locator(`tr[data-row="${r.id}"]`).waitFor();
    await t.check.page(sup, 'supervisor');
    await sup.locator(`tr[data-row="${r.id}"] a`).click();
    await sup.getByLabel('改派单位（可不选）', { exact: true }).selectOption('fgj');
    await sup.getByRole('button', { name: '同意退单' }).click();
    await sup.locator('.head-line .state').filter({ hasNotText: '退单待审' }).waitFor();
    await sup.getByRole('link', { name: '考核报表' }).click();
    // Chart.js (Debian's libjs-chart.js, from /javascript/) drew both charts: the water
    // unit answered a ticket in time, so its bar is there
    const bars = await chartOf(sup, 'main > .charts canvas[role=img]', 0);
    assert.deepEqual(bars.datasets, ['按时办结', '未按时办结'], 'the bar chart\'s datasets');
    const water = bars.labels.findIndex((l) => /水/.test(l));
    assert.ok(water >= 0 && bars.data[0][water] >= 1, `the water unit's bar: ${JSON.stringify(bars)}`);
    assert.match(bars.aria, /^按时办结（每单位）：.*水.* \d+\/\d+/, 'the bar chart\'s aria-label gives its figures');
    const trend = await chartOf(sup, 'main > .charts canvas[role=img]', 1, 15000);
    assert.equal(trend.type, 'line');
    assert.deepEqual(trend.datasets, ['响应率', '解决率', '满意率'], 'the trend\'s datasets');
    assert.equal(trend.labels.length, 8, 'eight weeks');
    assert.equal(trend.animation, false, 'no animation: the screenshots are deterministic');
    assert.match(trend.aria, /^近八周三率趋势：响应率 /);
    await t.check.page(sup, 'dashboard');
    const csv = await sup.evaluate(async () => {
      const r = await fetch(document.querySelector('a[download]').href);
      return [r.status, r.headers.get('content-type'), (await r.text()).split('\n')[0]];
    });
    assert.equal(csv[0], 200, 'the CSV export');
    assert.match(csv[1], /text\/csv/);
    await sup.locator('table.report a.fig').first().click();
    await sup.locator('#figure tr[data-row]').first().waitFor();
    await t.check.page(sup, 'dashboard-figure');
    const phone = await loggedIn(t, 'sup1', { width: 390, height: 844 });
    await phone.goto(t.base + '/console/#/dashboard');
    await chartOf(phone, 'main > .charts canvas[role=img]', 1, 15000);
    await t.check.page(phone, 'dashboard-phone');
  }],

  ['supervisor refuses one extension, approves another and dispatches a ticket by hand', async (t) => {
    const agentToken = t.tokens.HOTLINE_TOKEN_AGENT, waterToken = t.tokens.HOTLINE_TOKEN_DEPT_WATER;
    const ticket = (id) => apiAs(t.base, agentToken, 'GET', '/v1/tickets/' + id);
    const until = async (id, what, ok) => {
      let tk;
      for (let i = 0; i < 100; i++) {
        if (ok(tk = await ticket(id))) return tk;
        await new Promise((done) => setTimeout(done, 50));
      }
      throw new Error(`${id} never ${what}: ${JSON.stringify(tk)}`);
    };
    const pending = (tk) => tk.extension_pending === '1' || tk.extension_pending === true;
    // two water tickets, signed, each with an extension asked for
    const extended = [];
    for (const [n, phone] of [[201, '13700000021'], [202, '13700000022']]) {
      const r = await apiAs(t.base, agentToken, 'POST', '/v1/tickets', {
        channel: 'hotline', title: '自来水停水', content: '楼栋停水两天，至今没有恢复供水', address: `武汉市江汉区新华路${n}号`,
        caller_phone: phone, type: 'complaint' });
      await until(r.id, 'dispatched', (tk) => tk.state === 'dispatched');
      await apiAs(t.base, waterToken, 'POST', `/v1/tickets/${r.id}/sign`, {});
      await apiAs(t.base, waterToken, 'POST', `/v1/tickets/${r.id}/extend`, { days: '3', reason: '需更换主管段' });
      extended.push(await until(r.id, 'asked for an extension', pending));
    }
    // and one no rule places (no matter, no Wuhan district): left for manual dispatch (待人工派单)
    const m = await apiAs(t.base, agentToken, 'POST', '/v1/tickets', {
      channel: 'hotline', title: '来电反映情况', content: '来电人有事情想反映，说不清楚具体是什么', address: '荆州市荆州区荆中路5号', // no Wuhan place: no unit
      caller_phone: '13700000023', type: 'complaint' });
    await until(m.id, 'left for manual dispatch', (tk) => tk.state === 'pending_manual');

    const sup = await loggedIn(t, 'sup1');
    await sup.getByRole('link', { name: '督办', exact: true }).click();
    for (const id of [extended[0].id, extended[1].id, m.id]) await sup.locator(`tr[data-row="${id}"]`).first().waitFor();
    await t.check.page(sup, 'supervisor-pending');

    // refuse the first: its deadline stays
    await sup.goto(`${t.base}/console/#/ticket/${extended[0].id}`);
    await sup.locator('details:has(form.step-reject-extension) > summary').click();
    const refuse = sup.locator('form.step-reject-extension');
    await refuse.getByLabel('理由', { exact: true }).fill('管段更换可在原时限内完成');
    await t.check.page(sup, 'extension-refusing');
    await refuse.getByRole('button', { name: '驳回延期' }).click();
    const refused = await until(extended[0].id, 'refused', (tk) => !pending(tk));
    assert.equal(refused.answer_due_at, extended[0].answer_due_at, 'a refused extension keeps the deadline');
    await sup.locator('form.step-approve-extension').waitFor({ state: 'detached' });
    await sup.locator('ol.timeline .action', { hasText: '驳回延期' }).waitFor(); // in the timeline's words

    // approve the second: its deadline moves later
    await sup.goto(`${t.base}/console/#/ticket/${extended[1].id}`);
    const approve = sup.locator('form.step-approve-extension');
    await approve.getByLabel('备注', { exact: true }).fill('同意延期三个工作日');
    await approve.getByRole('button', { name: '同意延期' }).click();
    const approved = await until(extended[1].id, 'approved', (tk) => !pending(tk));
    assert.ok(Date.parse(approved.answer_due_at) > Date.parse(extended[1].answer_due_at),
      `an approved extension moves the deadline: ${extended[1].answer_due_at} -> ${approved.answer_due_at}`);
    await sup.locator('form.step-approve-extension').waitFor({ state: 'detached' });
    await sup.locator('ol.timeline .action', { hasText: '同意延期' }).waitFor();

    // dispatch the third by hand to the water unit
    await sup.goto(`${t.base}/console/#/ticket/${m.id}`);
    const dispatch = sup.locator('form.step-dispatch');
    await dispatch.getByLabel('派往单位', { exact: true }).selectOption('water');
    await dispatch.getByRole('button', { name: '派单' }).click();
    const sent = await until(m.id, 'dispatched by hand', (tk) => tk.state === 'dispatched');
    assert.equal(sent.department, 'water');
    await sup.locator('.head-line .state', { hasText: '已派单' }).waitFor();
    await t.check.page(sup, 'manual-dispatch-done');
    // the supervision lists no longer hold them
    await sup.getByRole('link', { name: '督办', exact: true }).click();
    await sup.locator('.sup-grid .count').first().waitFor();
    await sup.waitForFunction((ids) => !ids.some((id) => document.querySelector(`tr[data-row="${id}"]`)) &&
      ![...document.querySelectorAll('.sup-grid .count')].some((c) => c.textContent === '…'), [extended[0].id, extended[1].id, m.id]);
  }],

  ['a unit cannot open another unit\'s ticket by URL', async (t) => {
    const power = await loggedIn(t, 'power1');
    await power.goto(`${t.base}/console/#/ticket/${t.state.id}`);
    await power.locator('.error-text').waitFor();
    assert.equal(await power.getByText('江汉区新华路小区停水三天了').count(), 0, 'the content is not shown');
    const status = await power.evaluate(async (id) => (await fetch('/v1/tickets/' + id)).status, t.state.id);
    assert.equal(status, 404);
    await t.check.page(power, 'other-unit-404');
  }],

  ['a forged cross-site POST and a POST without the CSRF header are refused', async (t) => {
    const before = await count(t);
    const agent = t.state.agent;
    await agent.goto(t.evilBase + '/');
    await Promise.all([agent.waitForNavigation().catch(() => {}), agent.evaluate(() => document.getElementById('f').submit())]);
    await agent.goto(t.base + '/console/#/tickets');
    const status = await agent.evaluate(async () => (await fetch('/v1/tickets', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'hotline', title: 'no csrf', content: 'no csrf', address: 'x', type: 'complaint', caller_phone: '13900000000' }) })).status);
    assert.equal(status, 403, 'a POST with the cookie and without X-CSRF-Token');
    assert.equal(await count(t), before, 'nothing created');
  }],

  ['a ticket titled with markup shows as text', async (t) => {
    const r = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_AGENT, 'POST', '/v1/tickets', {
      channel: 'hotline', title: XSS, content: XSS + ' 内容', address: '武汉市江汉区新华路1号', caller_phone: '13600000000', type: 'complaint' });
    const agent = t.state.agent;
    await agent.goto(`${t.base}/console/#/ticket/${r.id}`);
    await agent.locator('.ttitle', { hasText: XSS }).waitFor();
    assert.equal(await agent.locator('main img').count(), 0, 'no <img> element made from the title');
    await agent.goto(`${t.base}/console/#/tickets`);
    await agent.locator('td.title', { hasText: XSS }).first().waitFor();
    await t.check.page(agent, 'xss-as-text');
  }],

  ['keyboard-only intake', async (t) => {
    const agent = t.state.agent;
    await agent.goto(`${t.base}/console/#/tickets`);
    await agent.locator('table.tickets').waitFor();
    await agent.keyboard.press('?');
    await agent.getByRole('dialog').waitFor();
    await t.check.page(agent, 'shortcuts');
    await agent.keyboard.press('Escape');
    await agent.keyboard.press('n');
    await agent.getByLabel('来电号码', { exact: true }).waitFor();
    assert.equal(await agent.evaluate(() => document.activeElement.name), 'caller_phone', 'n opens intake, focus on the phone');
    await agent.keyboard.type('13511112222');
    await agent.keyboard.press('Tab');
    await agent.keyboard.type('刘女士');
    await agent.keyboard.press('Tab');
    await agent.keyboard.type('燃气管道有异味');
    await agent.keyboard.press('Tab');
    await agent.keyboard.type('楼道燃气管道附近有明显异味，请尽快派人检查');
    await agent.keyboard.press('Tab');
    await agent.keyboard.type('武汉市江岸区解放大道100号');
    await agent.keyboard.press('Shift+Tab');
    assert.equal(await agent.evaluate(() => document.activeElement.name), 'content');
    await agent.keyboard.press('Control+Enter');
    await agent.locator('.big-id').waitFor();
    await t.check.page(agent, 'keyboard-intake-done');
    // / opens the search, j selects the first row, Enter opens it
    await agent.keyboard.press('Escape');
    await agent.evaluate(() => document.activeElement.blur());
    await agent.keyboard.press('/');
    await agent.getByLabel('工单号', { exact: true }).waitFor();
    await agent.evaluate(() => document.activeElement.blur());
    await agent.locator('table.tickets tr[data-row]').first().waitFor();
    await agent.keyboard.press('j');
    await agent.keyboard.press('Enter');
    await agent.locator('.ticket-head .tid').waitFor();
  }],

  ['a consultation answered on the call (直接答复) needs no address', async (t) => {
    const agent = t.state.agent;
    await agent.goto(`${t.base}/console/#/intake`);
    await agent.getByLabel('来电号码', { exact: true }).fill('13522223333');
    await agent.getByLabel('标题', { exact: true }).fill('咨询公积金提取条件');
    await agent.getByLabel('诉求内容', { exact: true }).fill('市民咨询租房提取公积金需要哪些材料');
    await agent.getByLabel('类型', { exact: true }).selectOption('consultation');
    await agent.getByLabel('直接答复（通话中已答复，不派单）', { exact: true }).check();
    await agent.getByLabel('答复内容', { exact: true }).fill('已告知：身份证、租房合同和租金发票，可在公积金中心网站办理。');
    await agent.getByRole('button', { name: '提交' }).click();
    await agent.locator('.done .state', { hasText: '已办结' }).waitFor();
    const id = (await agent.locator('.big-id').textContent()).trim();
    const tk = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_AGENT, 'GET', '/v1/tickets/' + id);
    assert.equal(tk.state, 'resolved');
    assert.ok(!tk.address, 'no address');
  }],

  ['an account made with a temporary password chooses its own at first login', async (t) => {
    const admin = await loggedIn(t, 'admin1');
    await admin.getByLabel('用户名', { exact: true }).fill('agent3');
    await admin.getByLabel('姓名', { exact: true }).fill('孙敏');
    await admin.getByLabel('角色', { exact: true }).selectOption('agent');
    await admin.getByLabel('临时密码', { exact: true }).fill('Temp-pass-2026');
    await admin.getByRole('button', { name: '添加账号' }).click();
    await admin.locator('tr[data-login="agent3"]', { hasText: '须改密码' }).waitFor();
    t.accounts.agent3 = 'Temp-pass-2026';
    const ctx = await t.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    t.contexts.push(ctx);
    const page = await ctx.newPage();
    t.watch(page, 'agent3');
    await page.goto(t.base + '/console/');
    await page.getByLabel('用户名', { exact: true }).fill('agent3');
    await page.getByLabel('密码', { exact: true }).fill('Temp-pass-2026');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('新密码', { exact: true }).waitFor();
    await t.check.page(page, 'password-change-phone');
    await page.getByLabel('原密码', { exact: true }).fill('Temp-pass-2026');
    await page.getByLabel('新密码', { exact: true }).fill('My-own-pass-2026');
    await page.getByLabel('再次输入新密码', { exact: true }).fill('My-own-pass-2026');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.getByLabel('来电号码', { exact: true }).waitFor();
    await t.check.page(page, 'intake-phone');
  }],

  ['a disabled account is logged out', async (t) => {
    const victim = await loggedIn(t, 'agent2');
    const admin = await loggedIn(t, 'admin1');
    await admin.locator('tr[data-login="agent2"]').waitFor();
    await t.check.page(admin, 'admin');
    await admin.getByRole('button', { name: '停用 agent2' }).click();
    await admin.locator('tr[data-login="agent2"] .state', { hasText: '已停用' }).waitFor();
    await victim.getByRole('link', { name: '工单查询' }).click();
    await victim.getByLabel('用户名', { exact: true }).waitFor({ timeout: 10000 });
    await victim.getByText('登录已失效').waitFor();
  }],
  ['supervision: a programme problem becomes a case for water, sent back once, then accepted', async (t) => {
    const sup = await loggedIn(t, 'sup1');
    await sup.getByRole('link', { name: '督办件' }).click();
    await sup.locator('#list-problem').waitFor();
    await sup.getByRole('link', { name: '电视问政' }).click();
    await sup.getByLabel('标题', { exact: true }).fill('电视问政·供水专场');
    await sup.getByLabel('武汉市水务集团有限公司', { exact: true }).check();
    await sup.getByLabel('曝光问题', { exact: true }).fill('停水不提前通知');
    await sup.getByRole('button', { name: '保存节目' }).click();
    await sup.locator('.programme h1 .tid').waitFor();
    const programme = (await sup.locator('.programme h1 .tid').textContent()).trim();
    assert.match(programme, /^P\d{8}-\d{3}$/);
    await t.check.page(sup, 'sv-programme');
    await sup.locator('ol.problems a').first().click();
    assert.equal(await sup.getByLabel('来源编号', { exact: true }).inputValue(), programme);
    await sup.getByLabel('牵头单位', { exact: true }).selectOption('water');
    await sup.getByLabel('整改要求', { exact: true }).fill('计划停水提前24小时告知');
    await sup.getByLabel('或：工作日数', { exact: true }).fill('10');
    await t.check.page(sup, 'sv-case-new');
    await sup.getByRole('button', { name: '立案', exact: true }).click();
    await sup.locator('.case-page .tid').waitFor();
    const id = (await sup.locator('.case-page .tid').textContent()).trim();
    assert.match(id, /^C\d{8}-\d{4}$/);
    await sup.locator('.head-line .state', { hasText: '待整改' }).waitFor();
    assert.ok(await sup.locator('.head-line .clock.ok').isVisible(), 'the deadline clock, ok');
    t.state.caseId = id;

    // the water unit: its cases from the nav, the plan, then 整改完成
    const water = await loggedIn(t, 'water1');
    await water.getByRole('link', { name: '督办件' }).click();
    await water.locator(`tr[data-row="${id}"] .clock.ok`).waitFor();
    await t.check.page(water, 'sv-unit-cases');
    await water.locator(`tr[data-row="${id}"] a`).click();
    await takeStep(water, 'plan', { 整改方案: '短信和社区公告双告知' });
    await water.locator('.head-line .state', { hasText: '整改中' }).waitFor();
    await takeStep(water, 'rectified');
    await water.locator('.head-line .state', { hasText: '待验收' }).waitFor();

    // the supervisor sends it back with a reason; the unit reports again; accepted
    await sup.reload();
    await sup.locator('.head-line .state', { hasText: '待验收' }).waitFor();
    await takeStep(sup, 'send-back', { 理由: '老旧小区未覆盖' });
    await sup.locator('.head-line .state', { hasText: '整改中' }).waitFor();
    await sup.locator('.timeline li', { hasText: '老旧小区未覆盖' }).waitFor();
    await water.reload();
    await water.locator('.head-line .state', { hasText: '整改中' }).waitFor();
    await takeStep(water, 'rectified', { 备注: '老旧小区张贴公告' });
    await water.locator('.head-line .state', { hasText: '待验收' }).waitFor();
    const phone = await loggedIn(t, 'water1', { width: 390, height: 844 });
    await phone.goto(`${t.base}/console/#/case/${id}`);
    await phone.locator('.timeline li', { hasText: '老旧小区张贴公告' }).waitFor();
    await t.check.page(phone, 'sv-case-unit-phone');
    await phone.context().close();
    await sup.reload();
    await takeStep(sup, 'accept');
    await sup.locator('.head-line .state', { hasText: '已验收' }).waitFor();
    assert.equal(await sup.locator('.timeline li').count(), 6, 'open, plan, rectified, send back, rectified, accept');
    await t.check.page(sup, 'sv-case-accepted');
    const cs = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_SUPERVISOR, 'GET', '/v1/supervision/cases/' + id);
    assert.equal(cs.state, 'closed');
    assert.equal(cs.send_backs, 1);
    await water.context().close();

    // another unit cannot open it by its URL
    const power = await loggedIn(t, 'power1');
    await power.goto(`${t.base}/console/#/case/${id}`);
    await power.getByRole('heading', { name: '未找到' }).waitFor();
    await t.check.page(power, 'sv-case-other-unit');
    await power.context().close();
    t.state.sup = sup;
  }],

  ['supervision: an accountability record, and the summary figures lead to their records', async (t) => {
    const { sup, caseId } = t.state;
    await sup.goto(`${t.base}/console/#/accountability`);
    const add = sup.locator('form.record-form');
    await add.getByLabel('姓名', { exact: true }).fill('李某');
    await add.getByLabel('职务', { exact: true }).fill('调度科长');
    await add.getByLabel('单位', { exact: true }).selectOption('water');
    await add.getByLabel('问责方式', { exact: true }).selectOption('约谈');
    await add.getByLabel('决定机关', { exact: true }).fill('市纪委监委');
    await add.getByLabel('问责事由', { exact: true }).fill('停水未告知');
    await add.getByLabel('关联督办件或工单', { exact: true }).fill(caseId);
    await add.getByRole('button', { name: '保存问责记录' }).click();
    const row = sup.locator('table.records tbody tr', { hasText: '李某' });
    await row.waitFor();
    // a correction: a new record superseding the first, which stays, marked
    await row.getByRole('button', { name: '更正' }).click();
    const first = await add.getByLabel('更正记录', { exact: true }).inputValue();
    assert.match(first, /^A\d{8}-\d{4}$/);
    await add.getByLabel('姓名', { exact: true }).fill('李某');
    await add.getByLabel('问责方式', { exact: true }).selectOption('通报批评');
    await add.getByLabel('决定机关', { exact: true }).fill('市纪委监委');
    await add.getByLabel('问责事由', { exact: true }).fill('停水未告知（更正）');
    await add.getByRole('button', { name: '保存问责记录' }).click();
    await sup.locator(`tr.superseded[data-row="${first}"]`).waitFor();
    assert.equal(await sup.locator('table.records tbody tr').count(), 2, 'both records stay');
    await t.check.page(sup, 'sv-accountability');
    await sup.getByRole('link', { name: '督办汇总' }).click();
    const figure = (k) => sup.locator(`tr[data-figure="${k}"] td`);
    await figure('accountability').locator('a').waitFor();
    assert.equal((await figure('programmes').textContent()).trim(), '1');
    assert.equal((await figure('cases_opened').textContent()).trim(), '1');
    assert.equal((await figure('rectified_on_time').textContent()).trim(), '1');
    assert.equal((await figure('accountability').textContent()).trim(), '1');
    const chart = await chartOf(sup, '.sv-report canvas', 0);
    assert.equal(chart.type, 'bar');
    assert.deepEqual(chart.labels, ['通报批评'], 'the correction counts in place of what it corrects');
    assert.deepEqual(chart.data[0], [1]);
    assert.equal(chart.animation, false);
    await t.check.page(sup, 'sv-report');
    await figure('cases_opened').locator('a').click();
    await sup.locator(`tr[data-row="${caseId}"]`).waitFor();
    await sup.goBack();
    await figure('accountability').locator('a').click();
    await sup.locator('table.records tbody tr', { hasText: '通报批评' }).waitFor();
    await t.check.page(sup, 'sv-report-records');
    const phone = await loggedIn(t, 'sup1', { width: 390, height: 844 });
    await phone.goto(`${t.base}/console/#/sv-report`);
    await chartOf(phone, '.sv-report canvas', 0);
    await t.check.page(phone, 'sv-report-phone');
    await phone.context().close();
  }],
  ['政策通: an agent takes a suggestion\'s answer as the direct answer, and the ticket cites it', async (t) => {
    for (const e of [KB_WATER, KB_POWER]) {
      const made = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_SUPERVISOR, 'POST', '/v1/kb/entries', { ...e, reviewed_at: today() });
      assert.equal(Number(made.version), 1, `a new entry is version 1: ${JSON.stringify(made)}`);
    }
    const agent = await loggedIn(t, 'agent1');
    await agent.getByLabel('来电号码', { exact: true }).fill('13533334444');
    await agent.getByLabel('标题', { exact: true }).fill('咨询自来水户名过户');
    await agent.getByLabel('诉求内容', { exact: true }).fill('市民买了二手房，想把自来水户名过户到自己名下，问要带什么材料');
    await agent.getByLabel('类型', { exact: true }).selectOption('consultation');
    const item = agent.locator(`.kb-suggest li[data-kb="${KB_WATER.id}"]`);
    await item.locator('mark').first().waitFor(); // the matched terms marked in its snippet
    assert.ok((await agent.locator('.kb-suggest li').count()) <= 5, 'at most five suggestions');
    await t.check.page(agent, 'intake-kb-suggestions');
    // by a click: the entry's answer opens beside the form; Esc closes it
    await item.locator('button.kb-pick').click();
    await agent.locator('.kb-panel .kb-answer', { hasText: '不动产权证书' }).waitFor();
    await agent.keyboard.press('Escape');
    await agent.locator('.kb-panel').waitFor({ state: 'hidden' });
    assert.equal(await agent.evaluate(() => document.activeElement.closest('li')?.dataset.kb), KB_WATER.id, 'Esc returns to the suggestion');
    // by keyboard: Alt+↓ from the request to the list, then the suggestion's digit
    await agent.getByLabel('诉求内容', { exact: true }).focus();
    await agent.keyboard.press('Alt+ArrowDown');
    assert.equal(await agent.evaluate(() => document.activeElement.className), 'kb-pick', 'Alt+↓ goes to the suggestions');
    const n = await item.evaluate((li) => [...li.parentNode.children].indexOf(li) + 1);
    await agent.keyboard.press(String(n));
    await agent.locator('.kb-panel .kb-answer', { hasText: '不动产权证书' }).waitFor();
    assert.equal(await agent.evaluate(() => document.activeElement.id), 'kb-use', 'the answer opens with 用此答复 focused');
    await t.check.page(agent, 'intake-kb-answer');
    await agent.keyboard.press('Enter'); // 用此答复
    assert.ok(await agent.getByLabel('直接答复（通话中已答复，不派单）', { exact: true }).isChecked(), '直接答复 checked');
    assert.match(await agent.getByLabel('答复内容', { exact: true }).inputValue(), /不动产权证书/);
    await agent.locator('.kb-cite', { hasText: `${KB_WATER.title} v1` }).waitFor();
    await t.check.page(agent, 'intake-kb-used');
    await agent.getByRole('button', { name: '提交' }).click();
    await agent.locator('.done .state', { hasText: '已办结' }).waitFor();
    const id = (await agent.locator('.big-id').textContent()).trim();
    const tk = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_AGENT, 'GET', '/v1/tickets/' + id);
    assert.equal(tk.kb_entry, `${KB_WATER.id}@1`, 'the ticket cites the entry and version');
    assert.match(tk.kb_query || '', /自来水户名过户/, 'the last search is kept');
    await agent.locator('.big-id a').click();
    await agent.locator('dd.kb-cite a', { hasText: `${KB_WATER.id} v1` }).waitFor();
    await agent.locator('ol.timeline li', { hasText: KB_WATER.id }).waitFor(); // the timeline shows the citation
    await t.check.page(agent, 'ticket-kb-cited');
    await agent.locator('dd.kb-cite a').click();
    await agent.locator('.kb-page .ttitle', { hasText: KB_WATER.title }).waitFor();
    await agent.context().close();
    // on a phone: the suggestions and an answer under the form, and the search page
    const phone = await loggedIn(t, 'agent1', { width: 390, height: 844 });
    await phone.getByLabel('标题', { exact: true }).fill('自来水户名过户要带什么');
    await phone.locator(`.kb-suggest li[data-kb="${KB_WATER.id}"] button.kb-pick`).click();
    await phone.locator('.kb-panel .kb-answer').waitFor();
    await t.check.page(phone, 'intake-kb-phone');
    await phone.goto(`${t.base}/console/#/kb?q=${encodeURIComponent('电费户名怎么改')}`);
    await phone.locator(`.kb-results li[data-row="${KB_POWER.id}"] mark`).first().waitFor();
    await t.check.page(phone, 'kb-search-phone');
    await phone.context().close();
  }],

  ['政策通: a unit edits its own entry (a new version in the history), not another unit\'s', async (t) => {
    const water = await loggedIn(t, 'water1');
    await water.getByRole('link', { name: '政策通' }).click();
    await water.getByLabel('关键词或市民原话', { exact: true }).fill('二手房自来水户名怎么改');
    await water.getByRole('button', { name: '搜索', exact: true }).click();
    const hit = water.locator(`.kb-results li[data-row="${KB_WATER.id}"]`);
    await hit.locator('mark').first().waitFor();
    await t.check.page(water, 'kb-search');
    await hit.locator('a.kb-title').click();
    await water.locator('#kb-edit').click();
    // a 400 is shown at the field it names
    await water.getByLabel('标题', { exact: true }).fill('');
    await water.getByRole('button', { name: '保存为新版本' }).click();
    await water.locator('.field:has(#kb-title) .error-text').waitFor();
    assert.equal(await water.getByLabel('标题', { exact: true }).getAttribute('aria-invalid'), 'true');
    await t.check.page(water, 'kb-edit-400');
    await water.getByLabel('标题', { exact: true }).fill(KB_WATER.title);
    await water.getByLabel('答复口径', { exact: true }).fill(KB_WATER.answer.replace('免费', '免费（2025年起不再收取工本费）'));
    await water.getByRole('button', { name: '保存为新版本' }).click();
    await water.locator('.kb-page .tid', { hasText: 'v2' }).waitFor();
    await water.locator('.kb-history tr[data-version="2"]').waitFor();
    await water.locator('.kb-history tr[data-version="1"]').waitFor();
    await water.locator('.kb-answer', { hasText: '不再收取工本费' }).waitFor();
    await t.check.page(water, 'kb-entry-v2');
    await water.getByRole('button', { name: 'English' }).click(); // the English words, same page
    await water.getByRole('heading', { name: 'Version history' }).waitFor();
    await water.getByRole('button', { name: '中文' }).click();
    await water.getByRole('heading', { name: '版本历史' }).waitFor();
    // the old version stays readable
    await water.locator('.kb-history tr[data-version="1"] a').click();
    await water.locator('.notice', { hasText: 'v1' }).waitFor();
    assert.equal(await water.locator('.kb-answer', { hasText: '不再收取工本费' }).count(), 0, 'version 1 as it was');
    // a version saved meanwhile: the edit is a 409, shown, with the latest a click away
    await water.goto(`${t.base}/console/#/kb-edit/${KB_WATER.id}`);
    await water.getByLabel('标签', { exact: true }).waitFor();
    const now = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_SUPERVISOR, 'GET', '/v1/kb/entries/' + KB_WATER.id);
    await apiAs(t.base, t.tokens.HOTLINE_TOKEN_SUPERVISOR, 'PUT', '/v1/kb/entries/' + KB_WATER.id,
      { ...KB_WATER, questions: [...KB_WATER.questions, '过户后原来的水费押金怎么退'], answer: now.answer, reviewed_at: today(), version: Number(now.version) });
    await water.getByLabel('标签', { exact: true }).fill('自来水、过户、户名、二手房');
    await water.getByRole('button', { name: '保存为新版本' }).click();
    await water.locator('.kb-stale', { hasText: 'v3' }).waitFor();
    await t.check.page(water, 'kb-edit-409');
    await water.getByRole('button', { name: '载入最新版本' }).click();
    await water.locator('h1', { hasText: 'v3' }).waitFor();
    // another unit's entry: readable, no 编辑, and its edit form refused
    await water.goto(`${t.base}/console/#/kb/${KB_POWER.id}`);
    await water.locator('.kb-page .ttitle', { hasText: KB_POWER.title }).waitFor();
    assert.equal(await water.locator('#kb-edit').count(), 0, 'no 编辑 on another unit\'s entry');
    await water.goto(`${t.base}/console/#/kb-edit/${KB_POWER.id}`);
    await water.getByText('本单位只能编辑本单位负责的条目').waitFor();
    await assert.rejects(apiAs(t.base, t.tokens.HOTLINE_TOKEN_DEPT_WATER, 'PUT', '/v1/kb/entries/' + KB_POWER.id,
      { ...KB_POWER, version: 1 }), / 403 /, 'the server refuses it too');
    assert.equal(Number((await apiAs(t.base, t.tokens.HOTLINE_TOKEN_SUPERVISOR, 'GET', '/v1/kb/entries/' + KB_POWER.id)).version), 1);
    const phone = await loggedIn(t, 'water1', { width: 390, height: 844 });
    await phone.goto(`${t.base}/console/#/kb/${KB_WATER.id}`);
    await phone.locator('.kb-history tr[data-version="3"]').waitFor();
    await t.check.page(phone, 'kb-entry-phone');
    await phone.goto(`${t.base}/console/#/kb-edit/${KB_WATER.id}`);
    await phone.getByLabel('答复口径', { exact: true }).waitFor();
    await t.check.page(phone, 'kb-edit-phone');
    await phone.context().close();
    await water.context().close();
  }],

  ['政策通: a supervisor adds an entry, and the report shows the direct answers, entries used most and gaps', async (t) => {
    // a gap: searched, then dispatched
    const gap = await apiAs(t.base, t.tokens.HOTLINE_TOKEN_AGENT, 'POST', '/v1/tickets', {
      channel: 'hotline', title: '小区自来水管爆裂', content: '楼下自来水管爆裂，水流了一地', address: '武汉市江汉区新华路300号',
      caller_phone: '13700000031', type: 'complaint', kb_query: '自来水管爆裂找谁修' });
    // an entry past its effective_until and not reviewed for long: listed for review
    await apiAs(t.base, t.tokens.HOTLINE_TOKEN_SUPERVISOR, 'POST', '/v1/kb/entries', {
      id: 'bt-water-fee-2024', title: '2024年阶梯水价如何计算', unit: 'water', questions: ['水费怎么算', '阶梯水价是多少', '一个月用多少水算第二档'],
      answer: '按年度用水量分三档计价（2024年标准）。', effective_from: '2024-01-01', effective_until: '2024-12-31', reviewed_at: '2024-01-01' });
    const sup = await loggedIn(t, 'sup1');
    await sup.getByRole('link', { name: '政策通' }).click();
    await sup.locator('table.kb-entries').waitFor();
    await t.check.page(sup, 'kb-list');
    await sup.getByRole('link', { name: '新建条目' }).click();
    await sup.getByLabel('条目编号', { exact: true }).fill('bt-water-pipe-burst');
    await sup.getByLabel('标题', { exact: true }).fill('自来水管爆裂如何报修');
    await sup.getByLabel('常见问法', { exact: true }).fill('水管爆了找谁修\n自来水管爆裂打什么电话\n楼道水管漏水谁负责');
    await sup.getByLabel('答复口径', { exact: true }).fill('市政管网爆裂拨打供水服务热线，抢修人员接报后两小时内到场；户内管道由业主自行维修，楼道公共管道由物业负责。');
    await sup.getByLabel('责任单位', { exact: true }).selectOption('water');
    await sup.getByLabel('生效日期', { exact: true }).fill('2026-01-01');
    await sup.getByLabel('失效日期', { exact: true }).fill('2025-01-01');
    await sup.getByRole('button', { name: '保存条目' }).click();
    await sup.locator('.field:has(#kb-effective_until) .error-text').waitFor(); // before effective_from: a 400 at its field
    await t.check.page(sup, 'kb-new-400');
    await sup.getByLabel('失效日期', { exact: true }).fill('');
    await sup.getByRole('button', { name: '保存条目' }).click();
    await sup.locator('.kb-page .ttitle', { hasText: '自来水管爆裂如何报修' }).waitFor();
    assert.ok(await sup.locator('#kb-edit').isVisible(), 'a supervisor edits any entry');

    await sup.getByRole('link', { name: '考核报表' }).click();
    const rate = sup.locator('.kb-figure[data-figure="rate"] .kb-figure-value');
    await rate.waitFor();
    assert.match(await rate.textContent(), /^\d+\.\d%$/, 'the direct-answer rate');
    assert.ok(Number(await sup.locator('.kb-figure[data-figure="direct"] .kb-figure-value').textContent()) >= 2, 'the direct answers so far');
    const top = await chartOf(sup, '.kb-report canvas[role=img]', 0);
    assert.equal(top.type, 'bar');
    const i = top.labels.indexOf(KB_WATER.title);
    assert.ok(i >= 0 && top.data[0][i] === 1, `the cited entry's bar: ${JSON.stringify(top)}`);
    assert.match(top.aria, /^引用最多的条目：/);
    await sup.locator(`table.kb-gaps tr[data-row="${gap.id}"]`, { hasText: '自来水管爆裂找谁修' }).waitFor();
    assert.equal(await sup.locator(`table.kb-gaps tr[data-row="${t.state.id}"]`).count(), 0, 'a complaint the suggestions searched is no gap');
    await sup.locator('table.kb-review tr[data-row="bt-water-fee-2024"]', { hasText: '已过失效日期、超过180天未复核' }).waitFor();
    await t.check.page(sup, 'dashboard-kb');
    const phone = await loggedIn(t, 'sup1', { width: 390, height: 844 });
    await phone.goto(t.base + '/console/#/dashboard');
    await chartOf(phone, '.kb-report canvas[role=img]', 0, 15000);
    await chartOf(phone, 'main > .charts canvas[role=img]', 1, 15000);
    await t.check.page(phone, 'dashboard-kb-phone');
    await phone.context().close();
  }],
];
