#!/usr/bin/env node
// Plain JavaScript run by plain `node` on purpose: it measures raw Workers, with no loader.
// What one Worker costs on this machine, bare or with a module loaded (a diagnostic for the RSS and
// cold-start figures; docs/performance.md):
//   node bench/threads/worker-probe.js [-n 16] [--import FILE] [--young MB]
// starts N Workers at once; each imports FILE (if given) and says it is ready. Prints the median
// time from `new Worker` to that message and the RSS added per Worker (/proc/self/status).
// --young MB sets resourceLimits.maxYoungGenerationSizeMb.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (!isMainThread) {
  if (workerData.file) await import(workerData.file);
  parentPort.postMessage('ready');
  parentPort.on('message', () => {});
} else {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const n = Number(opt('-n') ?? 16);
  const file = opt('--import') && pathToFileURL(resolve(opt('--import'))).href;
  const young = opt('--young');
  const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
  const base = rssMiB();
  const times = [];
  const workers = await Promise.all(
    Array.from({ length: n }, () => new Promise((res, rej) => {
      const t0 = performance.now();
      const w = new Worker(new URL(import.meta.url), { workerData: { file }, resourceLimits: young ? { maxYoungGenerationSizeMb: Number(young) } : undefined });
      w.once('error', rej);
      w.once('message', () => {
        times.push(performance.now() - t0);
        res(w);
      });
    })),
  );
  await new Promise((r) => setTimeout(r, 300));
  const perWorker = (rssMiB() - base) / n;
  times.sort((a, b) => a - b);
  console.log(`${n} Workers${file ? ` importing ${opt('--import')}` : ' (bare)'}${young ? `, young generation ${young} MB` : ''}: ` +
    `${perWorker.toFixed(2)} MiB each; start to first message median ${times[n >> 1].toFixed(1)} ms (all started at once)`);
  await Promise.all(workers.map((w) => w.terminate()));
}
