'use strict';
// The BullMQ peer of `make bench` (contrib/bench/bullmq.sh), its figures, read from
// Redis once the worker caught up (producer.js waits for it), as dispatch_latency.c
// reads hotlined's audit trails: every completed job's timestamps, set by BullMQ itself,
// `timestamp` (the producer made the job, just before its add) and `finishedOn` (the
// worker completed it). It prints, in one line starting with RESULT:
//   e2e_rate     completed jobs / (last finishedOn - first timestamp): the end-to-end
//                rate of the whole run, warm-up included
//   e2e_p*_ms    finishedOn - timestamp per job, nearest rank
// and the counts of completed and failed jobs.
//
//   node report.js --socket REDIS.sock
const { parseArgs } = require('node:util');
const { Queue } = require('bullmq');

const { values: opt } = parseArgs({ options: { socket: { type: 'string' } } });
if (!opt.socket) {
  console.error('usage: node report.js --socket REDIS.sock');
  process.exit(2);
}
const PAGE = 2000; // jobs read per call

async function main() {
  const queue = new Queue('tickets', { connection: { path: opt.socket } });
  const counts = await queue.getJobCounts('completed', 'failed');
  const lat = [];
  let first = Infinity;
  let last = -Infinity;
  for (let at = 0; at < counts.completed; at += PAGE) {
    for (const job of await queue.getCompleted(at, at + PAGE - 1)) {
      lat.push(job.finishedOn - job.timestamp);
      first = Math.min(first, job.timestamp);
      last = Math.max(last, job.finishedOn);
    }
  }
  lat.sort((a, b) => a - b);
  const q = (p) => (lat.length ? lat[Math.min(lat.length, Math.ceil(p * lat.length)) - 1] : 0);
  const span = lat.length ? last - first : 0;
  const rate = span > 0 ? (lat.length * 1000) / span : 0;
  console.log(`report: ${lat.length} jobs completed, ${counts.failed} failed; ` +
    `${rate.toFixed(1)} jobs/s from the first add to the last completion; ` +
    `add to complete ms: p50 ${q(0.5)} p99 ${q(0.99)} max ${q(1)}`);
  console.log(`RESULT completed=${lat.length} failed=${counts.failed} span_ms=${span} ` +
    `e2e_rate=${rate.toFixed(1)} e2e_p50_ms=${q(0.5)} e2e_p99_ms=${q(0.99)} ` +
    `e2e_max_ms=${q(1)}`);
  process.exit(0);
}

main().catch((err) => {
  console.error(`report: ${err.message}`);
  process.exit(1);
});
