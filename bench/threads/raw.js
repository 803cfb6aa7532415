// Raw worker_threads measurements in this process: the machine's own limit for each THR-PERF
// figure, measured in the same run as the Gene figure beside it. Times are in µs unless named ms.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { fibJs } from './fib.js';

const WORKER = new URL('./raw-worker.js', import.meta.url);
const us = (t0) => (performance.now() - t0) * 1000;

function startWorker(workerData, transferList = []) {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData, transferList });
    w.once('error', reject);
    w.once('online', () => resolve(w));
  });
}

/** Run f with workers, and terminate every one of them afterwards, whatever happens. */
async function using(starts, f) {
  const workers = [];
  try {
    for (const s of starts) workers.push(await s());
    return await f(workers);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One message to w, resolved by its next reply. */
function request(w, msg) {
  return new Promise((resolve, reject) => {
    const onError = (e) => reject(e);
    w.once('error', onError);
    w.once('message', (v) => {
      w.off('error', onError);
      resolve(v);
    });
    w.postMessage(msg);
  });
}

/**
 * fib(k) repeated `reps` times takes about taskMs in plain JS here (calibrated on this thread),
 * so the raw tasks are as long as the Gene ones and per-task overheads weigh the same.
 */
export function calibrateTask(taskMs, k = 25) {
  for (let i = 0; i < 5; i++) fibJs(k);
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) fibJs(k);
  const per = (performance.now() - t0) / 10;
  return { k, reps: Math.max(1, Math.round(taskMs / per)) };
}

/**
 * N warm Workers for the speedup figure. round() runs N tasks one after another on this thread,
 * then on the N Workers at once, then one after another on one Worker, and gives the three times
 * in ms; close() terminates the Workers.
 */
export async function rawSpeedupRunner({ n, task }) {
  const workers = [];
  try {
    for (let i = 0; i < n; i++) workers.push(await startWorker({ mode: 'task' }));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const runHere = () => {
    for (let i = 0; i < task.reps; i++) fibJs(task.k);
  };
  const round = async () => {
    let t0 = performance.now();
    for (let i = 0; i < n; i++) runHere();
    const seq = performance.now() - t0;
    t0 = performance.now();
    await Promise.all(workers.map((w) => request(w, task)));
    const par = performance.now() - t0;
    t0 = performance.now();
    await request(workers[0], { k: task.k, reps: task.reps * n });
    return { seq, par, seqWorker: performance.now() - t0 };
  };
  await round(); // warm-up: JIT here and in every Worker
  return { round, close: () => Promise.all(workers.map((w) => w.terminate())) };
}

/** postMessage to a warm, idle Worker and back, with this thread awaiting the reply: µs. */
export async function rawRoundTrip({ samples, warmup = 100 }) {
  return using([() => startWorker({ mode: 'echo' })], async ([w]) => {
    for (let i = 0; i < warmup; i++) await request(w, i);
    const out = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await request(w, i);
      out.push(us(t0));
    }
    return out;
  });
}

/**
 * Ping-pong over a MessagePort with this thread spinning on receiveMessageOnPort.
 * busy: the Worker spins on its end too (one-way = round trip / 2).
 * idle: the Worker sleeps in its event loop; a 1 ms pause before each ping lets it fall asleep.
 * Returns round trips in µs.
 */
export async function rawPingPong({ busy, samples, warmup = 200 }) {
  const { port1, port2 } = new MessageChannel();
  const start = () => startWorker({ mode: busy ? 'spin-echo' : 'idle-echo', port: port2 }, [port2]);
  try {
    return await using([start], async () => {
      const ping = (i) => {
        port1.postMessage(i);
        let m, n = 0;
        const t0 = performance.now();
        while ((m = receiveMessageOnPort(port1)) === undefined) {
          // Never spin forever if the Worker died.
          if (++n % 100_000 === 0 && performance.now() - t0 > 10_000) throw new Error(`ping ${i}: no answer in 10 s`);
        }
        if (m.message !== i) throw new Error(`ping ${i} answered with ${m.message}`);
      };
      const pause = () => new Promise((r) => setTimeout(r, 1));
      for (let i = 0; i < warmup; i++) ping(i);
      const out = [];
      for (let i = 0; i < samples; i++) {
        if (!busy) await pause();
        const t0 = performance.now();
        ping(i);
        out.push(us(t0));
      }
      if (busy) port1.postMessage(-1);
      return out;
    });
  } finally {
    port1.close();
  }
}

/** `count` small messages posted to one Worker that counts them; per round: [post µs, all counted µs]. */
export async function rawThroughput({ count, rounds }) {
  return using([() => startWorker({ mode: 'count', every: count })], async ([w]) => {
    const round = async () => {
      const done = new Promise((resolve) => w.once('message', resolve));
      const t0 = performance.now();
      for (let i = 0; i < count; i++) w.postMessage(i);
      const posted = us(t0);
      await done;
      return [posted, us(t0)];
    };
    await round(); // warm-up
    const out = [];
    for (let r = 0; r < rounds; r++) out.push(await round());
    return out;
  });
}
