// What the browser tests run against, all private and stopped at the end: a redis-server
// on a unix socket in a temporary directory, build/hotlined with a configuration made from
// etc/hotlined.yaml (port 0, read back from its log, as tests/support/harness.c does; the
// console served from contrib/console/), API tokens from contrib/make-tokens.sh, and a
// second origin on another 127.0.0.1 port for the cross-site request test.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, ms, probe) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

function redisUp(sock) {
  return new Promise((resolve) => {
    const c = net.connect(sock, () => c.write('PING\r\n'));
    c.on('data', (d) => { c.destroy(); resolve(String(d).startsWith('+PONG')); });
    c.on('error', () => resolve(false));
  });
}

// The shipped configuration with this run's paths: Redis, tokens, routes, calendar,
// plugins and the console folder (console.dir), port 0.
function config(top, build, dir) {
  const abs = (p) => path.join(top, p);
  let y = fs.readFileSync(abs('etc/hotlined.yaml'), 'utf8')
    .replace(/listen: *127\.0\.0\.1:\d+/, 'listen: 127.0.0.1:0')
    .replace(/socket: *\.\.\/run\/redis\.sock/, `socket: ${dir}/redis.sock`)
    .replace(/tokens_file: *\.\.\/run\/tokens\.yaml/, `tokens_file: ${dir}/tokens.yaml`)
    .replace(/\.\.\/routes/g, abs('routes'))
    .replace(/^( *dir: *)calendar/m, `$1${abs('etc/calendar')}`)
    .replace(/\.\.\/build\/plugins/g, path.join(build, 'plugins'))
    .replace(/\.\.\/contrib\/console/g, abs('contrib/console'));
  if (/\.\.\//.test(y)) throw new Error('etc/hotlined.yaml has a relative path this harness does not place: ' + /.*\.\.\/.*/.exec(y)[0]);
  return y;
}

export async function startAll({ top, build }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-browser-'));
  const children = [];
  const servers = [];
  const env = { ...process.env, TZ: 'Asia/Shanghai' };
  const stop = async () => {
    for (const s of servers) s.close();
    for (const c of children.reverse()) {
      if (c.exitCode === null) {
        c.kill('SIGTERM');
        await Promise.race([new Promise((r) => c.once('exit', r)), sleep(5000)]);
        if (c.exitCode === null) c.kill('SIGKILL');
      }
    }
    if (!process.env.HOTLINE_BROWSER_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sock = path.join(dir, 'redis.sock');
    const redisLog = fs.openSync(path.join(dir, 'redis.log'), 'w');
    children.push(spawn('redis-server', ['--port', '0', '--unixsocket', sock, '--dir', dir, '--save', '',
      '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', redisLog, redisLog] }));
    await until('redis-server', 5000, () => redisUp(sock));

    execFileSync(path.join(top, 'contrib/make-tokens.sh'), [dir, path.join(top, 'routes')], { stdio: 'ignore' });
    const tokens = Object.fromEntries(fs.readFileSync(path.join(dir, 'tokens.env'), 'utf8')
      .split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')));
    fs.writeFileSync(path.join(dir, 'hotlined.yaml'), config(top, build, dir));
    const logPath = path.join(dir, 'hotlined.log');
    const log = fs.openSync(logPath, 'w');
    const daemon = spawn(path.join(build, 'hotlined'), ['-c', path.join(dir, 'hotlined.yaml')],
      { stdio: ['ignore', log, log], env });
    children.push(daemon);
    const port = await until('hotlined listening', 10000, () => {
      if (daemon.exitCode !== null) throw new Error('hotlined exited:\n' + fs.readFileSync(logPath, 'utf8').slice(-2000));
      const m = /event=listening addr=127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(logPath, 'utf8'));
      return m && Number(m[1]);
    });
    const base = `http://127.0.0.1:${port}`;
    await until('hotlined ready', 10000, async () => {
      try { return (await fetch(base + '/healthz')).ok; } catch { return false; }
    });

    // Another origin (another port): a page that posts a form to hotlined, as a forged
    // cross-site request would, and tries a fetch with the cookie.
    const evil = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>evil</title>
<form id="f" method="POST" action="${base}/v1/tickets" enctype="text/plain">
<input name='{"channel":"hotline","title":"forged","content":"forged","address":"x","type":"complaint","caller_phone":"13900000000","pad":"' value='"}'>
</form><p id="done">ready</p>`);
    });
    await new Promise((r) => evil.listen(0, '127.0.0.1', r));
    servers.push(evil);
    return { dir, base, tokens, evilBase: `http://127.0.0.1:${evil.address().port}`, logPath, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// The JSON API with a bearer token (for setting up and checking what the browser did).
export async function apiAs(base, token, method, p, body) {
  const res = await fetch(base + p, {
    method,
    headers: { Authorization: 'Bearer ' + token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { data = text; }
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return data;
}
