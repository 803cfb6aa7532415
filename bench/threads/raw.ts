// Raw worker_threads measurements in this process: the machine's own limit for each THR-PERF
// figure, measured in the same run as the Gene figure beside it. Times are in µs unless named ms.
// The Workers run bench/threads/raw-worker.js, plain JavaScript started with no loader
// (execArgv: []): they are what a hand-written worker_threads program costs, nothing else.
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { fibJs } from './fib.js';

const WORKER = new URL('./raw-worker.js', import.meta.url);
const us = (t0: number): number => (performance.now() - t0) * 1000;

interface RawData {
  mode: string;
  port?: MessagePort;
  ports?: MessagePort[];
  every?: number;
}

function startWorker(workerData: RawData, transferList: MessagePort[] = []): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData, transferList, execArgv: [] });
    w.once('error', reject);
    w.once('online', () => resolve(w));
  });
}

/** Run f with workers, and terminate every one of them afterwards, whatever happens. */
async function using<T>(starts: (() => Promise<Worker>)[], f: (workers: Worker[]) => Promise<T>): Promise<T> {
  const workers: Worker[] = [];
  try {
    for (const s of starts) workers.push(await s());
    return await f(workers);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One message to w, resolved by its next reply. */
function request<T = unknown>(w: Worker, msg: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    w.once('error', onError);
    w.once('message', (v: T) => {
      w.off('error', onError);
      resolve(v);
    });
    w.postMessage(msg);
  });
}

export interface Task {
  k: number;
  reps: number;
}

/**
 * fib(k) repeated `reps` times takes about taskMs in plain JS here (calibrated on this thread),
 * so the raw tasks are as long as the Gene ones and per-task overheads weigh the same.
 */
export function calibrateTask(taskMs: number, k = 25): Task {
  for (let i = 0; i < 5; i++) fibJs(k);
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) fibJs(k);
  const per = (performance.now() - t0) / 10;
  return { k, reps: Math.max(1, Math.round(taskMs / per)) };
}

export interface SpeedupRound {
  seq: number;
  par: number;
  seqWorker: number;
}

/**
 * N warm Workers for the speedup figure. round() runs N tasks one after another on this thread,
 * then on the N Workers at once, then one after another on one Worker, and gives the three times
 * in ms; close() terminates the Workers.
 */
export async function rawSpeedupRunner({ n, task }: { n: number; task: Task }): Promise<{ round: () => Promise<SpeedupRound>; close: () => Promise<unknown> }> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < n; i++) workers.push(await startWorker({ mode: 'task' }));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const runHere = () => {
    for (let i = 0; i < task.reps; i++) fibJs(task.k);
  };
  const round = async (): Promise<SpeedupRound> => {
    let t0 = performance.now();
    for (let i = 0; i < n; i++) runHere();
    const seq = performance.now() - t0;
    t0 = performance.now();
    await Promise.all(workers.map((w) => request(w, task)));
    const par = performance.now() - t0;
    t0 = performance.now();
    await request(workers[0]!, { k: task.k, reps: task.reps * n });
    return { seq, par, seqWorker: performance.now() - t0 };
  };
  await round(); // warm-up: JIT here and in every Worker
  return { round, close: () => Promise.all(workers.map((w) => w.terminate())) };
}

/** postMessage to a warm, idle Worker and back, with this thread awaiting the reply: µs. */
export async function rawRoundTrip({ samples, warmup = 100 }: { samples: number; warmup?: number }): Promise<number[]> {
  return using([() => startWorker({ mode: 'echo' })], async ([w]) => {
    for (let i = 0; i < warmup; i++) await request(w!, i);
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await request(w!, i);
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
export async function rawPingPong({ busy, samples, warmup = 200 }: { busy: boolean; samples: number; warmup?: number }): Promise<number[]> {
  const { port1, port2 } = new MessageChannel();
  const start = () => startWorker({ mode: busy ? 'spin-echo' : 'idle-echo', port: port2 }, [port2]);
  try {
    return await using([start], async () => {
      const ping = (i: number) => {
        port1.postMessage(i);
        let m: { message: unknown } | undefined;
        let n = 0;
        const t0 = performance.now();
        while ((m = receiveMessageOnPort(port1)) === undefined) {
          // Never spin forever if the Worker died.
          if (++n % 100_000 === 0 && performance.now() - t0 > 10_000) throw new Error(`ping ${i}: no answer in 10 s`);
        }
        if (m.message !== i) throw new Error(`ping ${i} answered with ${String(m.message)}`);
      };
      const pause = () => new Promise((r) => setTimeout(r, 1));
      for (let i = 0; i < warmup; i++) ping(i);
      const out: number[] = [];
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
export async function rawThroughput({ count, rounds }: { count: number; rounds: number }): Promise<[number, number][]> {
  return using([() => startWorker({ mode: 'count', every: count })], async ([w]) => {
    const round = async (): Promise<[number, number]> => {
      const done = new Promise((resolve) => w!.once('message', resolve));
      const t0 = performance.now();
      for (let i = 0; i < count; i++) w!.postMessage(i);
      const posted = us(t0);
      await done;
      return [posted, us(t0)];
    };
    await round(); // warm-up
    const out: [number, number][] = [];
    for (let r = 0; r < rounds; r++) out.push(await round());
    return out;
  });
}

/**
 * `senders` Workers each post count/senders small messages on their own MessagePort to one
 * receiving Worker that counts them all: µs from "go" until all were counted, per round.
 */
export async function rawFanIn({ senders, count, rounds }: { senders: number; count: number; rounds: number }): Promise<number[]> {
  const channels = Array.from({ length: senders }, () => new MessageChannel());
  const receiver = () => startWorker({ mode: 'count-ports', every: count, ports: channels.map((c) => c.port2) }, channels.map((c) => c.port2));
  const sender = (i: number) => () => startWorker({ mode: 'send-port', port: channels[i]!.port1 }, [channels[i]!.port1]);
  const share = Math.floor(count / senders);
  if (share * senders !== count) throw new Error(`rawFanIn: ${count} messages do not split evenly over ${senders} senders`);
  return using([receiver, ...channels.map((_, i) => sender(i))], async ([r, ...ss]) => {
    const round = async () => {
      const done = new Promise((resolve) => r!.once('message', resolve));
      const t0 = performance.now();
      for (const s of ss) s.postMessage(share);
      await done;
      return us(t0);
    };
    await round(); // warm-up
    const out: number[] = [];
    for (let i = 0; i < rounds; i++) out.push(await round());
    return out;
  });
}

/**
 * A deadline enforced by terminating, with a warm spare (what a runtime that keeps one can do): a
 * Worker spins; after `deadlineMs` it is terminated and, once it has exited (Gene's `.terminate`
 * returns when the thread's slot is free, i.e. its Worker has exited), the spare answers a
 * request: µs from terminate() until that reply, per round. Also, for scale, the same without
 * waiting for the exit. The spare then becomes the next busy Worker and a new spare is started
 * (during the next deadline, as a runtime would).
 */
export async function rawTerminateRespawn({ rounds, deadlineMs }: { rounds: number; deadlineMs: number }): Promise<{ respawnUs: number[]; noWaitUs: number[] }> {
  // A spare is warm once it has answered (its module loaded, its handler set), not at 'online'.
  const warmWorker = async () => {
    const w = await startWorker({ mode: 'echo' });
    await request(w, 'ready');
    return w;
  };
  let busy = await warmWorker();
  let spare = warmWorker();
  const respawnUs: number[] = [], noWaitUs: number[] = [];
  try {
    for (let i = 0; i <= 2 * rounds + 1; i++) {
      await request(busy, 'spin'); // answers "spinning", then loops forever
      await new Promise((r) => setTimeout(r, deadlineMs));
      const ready = await spare;
      const wait = i % 2 === 0;
      const t0 = performance.now();
      const dead = busy.terminate();
      if (wait) await dead;
      await request(ready, i);
      const t = us(t0);
      await dead;
      if (i > 1) (wait ? respawnUs : noWaitUs).push(t);
      busy = ready;
      spare = warmWorker();
    }
  } finally {
    await Promise.all([busy.terminate(), spare.then((w) => w.terminate())]);
  }
  return { respawnUs, noWaitUs };
}
