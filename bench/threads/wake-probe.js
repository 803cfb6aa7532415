#!/usr/bin/env node
// Plain JavaScript run by plain `node` on purpose: it measures raw Workers, with no loader.
// Raw wake-up of an idle Worker by the two mechanisms a runtime can use (a diagnostic for the
// idle-latency figure; docs/performance.md): Atomics.notify on a word the Worker awaits with
// Atomics.waitAsync, and postMessage on a MessagePort it listens to. This thread pauses 1 ms
// before each ping so the Worker is asleep, then spins until the answer. Prints median round trips.
//   node bench/threads/wake-probe.js [samples]
import { MessageChannel, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';

if (!isMainThread) {
  const i32 = new Int32Array(workerData.sab);
  const port = workerData.port;
  port.on('message', (v) => port.postMessage(v));
  let seen = 0;
  const wait = () => {
    const r = Atomics.waitAsync(i32, 0, seen);
    const go = () => {
      seen = Atomics.load(i32, 0);
      Atomics.store(i32, 1, seen);
      wait();
    };
    if (r.async) r.value.then(go);
    else go();
  };
  wait();
} else {
  const samples = Number(process.argv[2] ?? 400);
  const sab = new SharedArrayBuffer(8);
  const i32 = new Int32Array(sab);
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(new URL(import.meta.url), { workerData: { sab, port: port2 }, transferList: [port2] });
  await new Promise((r) => w.once('online', r));
  await new Promise((r) => setTimeout(r, 200));
  const pause = () => new Promise((r) => setTimeout(r, 1));
  const atomics = [], ports = [];
  for (let i = 1; i <= samples; i++) {
    await pause();
    let t0 = performance.now();
    Atomics.add(i32, 0, 1);
    Atomics.notify(i32, 0);
    while (Atomics.load(i32, 1) !== i);
    atomics.push((performance.now() - t0) * 1000);
    await pause();
    t0 = performance.now();
    port1.postMessage(i);
    while (receiveMessageOnPort(port1) === undefined);
    ports.push((performance.now() - t0) * 1000);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(1);
  console.log(`idle Worker round trip, median of ${samples}: Atomics.waitAsync/notify ${med(atomics)} µs; postMessage ${med(ports)} µs`);
  await w.terminate();
  port1.close();
}
