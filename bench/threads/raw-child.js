#!/usr/bin/env node
// Raw worker_threads in a fresh process, for figures that need one (run by the bench harness).
// Plain JavaScript run by plain `node` on purpose: a cold start or an RSS figure of the baseline
// must not include a TypeScript loader.
//   node bench/threads/raw-child.js cold      → "cold <first Worker start→reply µs> <second µs>"
//   node bench/threads/raw-child.js rss N     → starts N idle Workers at once, prints
//                                               "ready N <µs until all had answered>", waits
//                                               (the harness reads /proc/<pid>/status, then kills it)
//   node bench/threads/raw-child.js idle-wake [M] → like bench/programs/idle-wake.gene: wakes an idle
//                                               Worker M times, 1 ms apart, between "start" and "end"
//                                               (for bench/threads/thread-cpu.js)
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

const WORKER = new URL('./raw-worker.js', import.meta.url);
const [mode, arg] = process.argv.slice(2);

function startAndHear(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData });
    w.once('error', reject);
    w.once('message', () => resolve(w));
    if (workerData.mode === 'echo') w.postMessage(1);
  });
}

if (mode === 'cold') {
  const t0 = performance.now();
  const a = await startAndHear({ mode: 'echo' });
  const t1 = performance.now();
  const b = await startAndHear({ mode: 'echo' });
  const t2 = performance.now();
  console.log(`cold ${Math.round((t1 - t0) * 1000)} ${Math.round((t2 - t1) * 1000)}`);
  await Promise.all([a.terminate(), b.terminate()]);
} else if (mode === 'rss') {
  const n = Number(arg);
  const t0 = performance.now();
  const workers = await Promise.all(Array.from({ length: n }, () => startAndHear({ mode: 'ready' })));
  console.log(`ready ${workers.length} ${Math.round((performance.now() - t0) * 1000)}`);
  // Wait for the harness to sample RSS and kill us; end by ourselves if it never does.
  setTimeout(() => process.exit(0), 10_000);
} else if (mode === 'idle-wake') {
  const m = Number(arg ?? 1000);
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(WORKER, { workerData: { mode: 'idle-echo', port: port2 }, transferList: [port2] });
  await new Promise((r) => w.once('online', r));
  const ping = (i) => {
    port1.postMessage(i);
    while (receiveMessageOnPort(port1) === undefined);
  };
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  for (let i = 0; i < 2000; i++) ping(i);
  await pause(100);
  console.log('start');
  const t0 = performance.now();
  for (let i = 0; i < m; i++) {
    await pause(1);
    ping(i);
  }
  console.log(`end ${Math.round((performance.now() - t0) * 1000)}`);
  await w.terminate();
  port1.close();
} else {
  console.error('usage: raw-child.js cold | rss N | idle-wake [M]');
  process.exit(2);
}
