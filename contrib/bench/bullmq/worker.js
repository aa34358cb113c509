'use strict';
// The BullMQ peer of `make bench` (contrib/bench/bullmq.sh), its consumer: one Worker on
// the queue "tickets" that "routes" each job with a trivial function and completes it.
// BullMQ then keeps the job and its return value in Redis (no removeOnComplete), as
// hotlined keeps its tickets. Prints "ready" once connected; stops on SIGTERM, and by
// itself after --max-secs whatever happens.
//
//   node worker.js --socket REDIS.sock [--concurrency 64] [--max-secs 300]
const { parseArgs } = require('node:util');
const { Worker } = require('bullmq');

const { values: opt } = parseArgs({
  options: {
    socket: { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    'max-secs': { type: 'string', default: '300' },
  },
});
if (!opt.socket) {
  console.error('usage: node worker.js --socket REDIS.sock [--concurrency N] [--max-secs S]');
  process.exit(2);
}

// The routing, as trivial as it can be: a department from one word of the title.
async function route(job) {
  const title = job.data.title || '';
  return { department: title.includes('井盖') ? 'cgw' : 'hotline' };
}

let failed = 0;
const worker = new Worker('tickets', route, {
  connection: { path: opt.socket, maxRetriesPerRequest: null },
  concurrency: Number(opt.concurrency),
});
worker.on('failed', () => { failed++; });
worker.on('error', (err) => console.error(`worker: ${err.message}`));

async function stop(code) {
  console.log(`worker: stopping, ${failed} jobs failed`);
  await worker.close();
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
setTimeout(() => { console.error('worker: --max-secs reached'); process.exit(1); },
  Number(opt['max-secs']) * 1000).unref();

worker.waitUntilReady().then(() => console.log('ready'), (err) => {
  console.error(`worker: ${err.message}`);
  process.exit(1);
});
