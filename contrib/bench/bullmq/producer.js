'use strict';
// The BullMQ peer of `make bench` (contrib/bench/bullmq.sh), its producer: the offered
// load of loadgen.c, with Queue.add instead of POST /v1/tickets. --conns loops, each with
// one add in flight (a closed loop, as loadgen's keep-alive connections), add the ticket
// bodies of --bodies (loadgen -B: the same JSON the load generator sends, parsed as an
// HTTP handler would; cycled when the run needs more) to the queue "tickets", each under
// a jobId of its own as loadgen's Idempotency-Key, for --warmup and then --secs seconds.
// Then it waits (bounded) for the adds in flight, and then (bounded, --drain-wait seconds)
// for the worker to finish what is left: no job waiting, prioritized, delayed or active,
// as dispatch_latency.c waits for hotlined's dispatcher. It ends with one RESULT line:
// the adds of the measured window per second and their latency (call to resolved
// promise), its own CPU time over the load, and how long the worker took to catch up.
//
//   node producer.js --socket REDIS.sock --bodies FILE [--conns 64] [--warmup 1] [--secs 10]
//                    [--drain-wait 60]
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { Queue } = require('bullmq');

const { values: opt } = parseArgs({
  options: {
    socket: { type: 'string' },
    bodies: { type: 'string' },
    conns: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '1' },
    secs: { type: 'string', default: '10' },
    'drain-wait': { type: 'string', default: '60' },
  },
});
if (!opt.socket || !opt.bodies) {
  console.error('usage: node producer.js --socket REDIS.sock --bodies FILE [--conns N] ' +
    '[--warmup S] [--secs S] [--drain-wait S]');
  process.exit(2);
}
const conns = Number(opt.conns);
const warmup = Number(opt.warmup);
const secs = Number(opt.secs);
const DRAIN_SECS = 3;     // how long adds in flight are waited for at the end (as loadgen)
const ERRORS_MAX = 1000;  // more failed adds than this and Redis is gone: give up

const bodies = fs.readFileSync(opt.bodies, 'utf8').split('\n').filter((l) => l)
  .map((l) => JSON.parse(l));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const queue = new Queue('tickets', { connection: { path: opt.socket } });
  await queue.waitUntilReady();
  const cpu0 = process.cpuUsage();
  const start = nowMs();
  const measureFrom = start + warmup * 1000;
  const end = measureFrom + secs * 1000;
  const lat = [];
  let next = 0;
  let errors = 0;

  // One closed loop: the next ticket once the last one was added.
  async function loop() {
    while (nowMs() < end && errors <= ERRORS_MAX) {
      const i = next++;
      const t0 = nowMs();
      try {
        await queue.add('ticket', bodies[i % bodies.length], { jobId: `bench-${process.pid}-${i}` });
      } catch (err) {
        if (++errors <= 3) console.error(`producer: ${err.message}`);
        continue;
      }
      const t1 = nowMs();
      if (t1 >= measureFrom && t1 <= end) lat.push(t1 - t0);
    }
  }
  const loops = Promise.all(Array.from({ length: conns }, loop));
  const guard = new Promise((resolve) =>
    setTimeout(resolve, (warmup + secs + DRAIN_SECS) * 1000).unref());
  await Promise.race([loops, guard]);
  const cpu = process.cpuUsage(cpu0);

  // The worker catching up with what is left.
  const stopped = nowMs();
  let left;
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    left = c.waiting + c.prioritized + c.delayed + c.active;
    if (left === 0 || nowMs() - stopped > Number(opt['drain-wait']) * 1000) break;
    await sleep(20);
  }
  const drainMs = Math.round(nowMs() - stopped);

  lat.sort((a, b) => a - b);
  const q = (p) => (lat.length ? lat[Math.min(lat.length, Math.ceil(p * lat.length)) - 1] : 0);
  console.log(`producer: ${conns} loops, ${warmup} s warm-up + ${secs} s measured, ` +
    `${bodies.length} bodies; ${next} adds in all, ${lat.length} in the window ` +
    `(${(lat.length / secs).toFixed(1)}/s), ${errors} failed; ${left} jobs left after ` +
    `${drainMs} ms`);
  console.log(`RESULT conns=${conns} secs=${secs.toFixed(3)} added=${lat.length} ` +
    `add_rate=${(lat.length / secs).toFixed(1)} add_p50_ms=${q(0.5).toFixed(3)} ` +
    `add_p99_ms=${q(0.99).toFixed(3)} add_p999_ms=${q(0.999).toFixed(3)} ` +
    `adds_all=${next} add_errors=${errors} ` +
    `producer_cpu=${((cpu.user + cpu.system) / 1e6).toFixed(2)} left=${left} ` +
    `drain_ms=${drainMs}`);
  // Adds still in flight after the guard are not waited for: exit without closing.
  process.exit(lat.length > 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(`producer: ${err.message}`);
  process.exit(1);
});
