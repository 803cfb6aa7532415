// The raw-JS side of the thread benchmarks: what a plain worker_threads Worker does, by mode.
// Plain JavaScript on purpose (not TypeScript run through a loader): it is the baseline, the
// machine's own limit, and must cost exactly what a hand-written Worker costs.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { fibJs } from './fib.js';

const { mode, port } = workerData ?? {};

switch (mode) {
  case 'task':
    // CPU-bound task: {k, reps} → fib(k) reps times, then the last result.
    parentPort.on('message', ({ k, reps }) => {
      let r = 0;
      for (let i = 0; i < reps; i++) r = fibJs(k);
      parentPort.postMessage(r);
    });
    break;
  case 'echo':
    // Idle between messages: woken by each postMessage, answers at once. 'spin' makes it answer
    // and then loop forever (a busy thread, for the terminate figure).
    parentPort.on('message', (v) => {
      parentPort.postMessage(v === 'spin' ? 'spinning' : v);
      if (v === 'spin') for (;;);
    });
    break;
  case 'idle-echo':
    // Idle on a MessagePort; main polls its end with receiveMessageOnPort.
    port.on('message', (v) => port.postMessage(v));
    break;
  case 'spin-echo': {
    // Busy: spins polling its port (a Gene VM checking its mailbox at safepoints). -1 stops.
    for (;;) {
      const m = receiveMessageOnPort(port);
      if (m === undefined) continue;
      if (m.message < 0) break;
      port.postMessage(m.message);
    }
    port.close();
    break;
  }
  case 'count': {
    // Counts messages; reports to main after every `every` messages.
    let n = 0;
    const every = workerData.every;
    parentPort.on('message', () => {
      n += 1;
      if (n % every === 0) parentPort.postMessage(n);
    });
    break;
  }
  case 'count-ports': {
    // Counts messages arriving on several ports (one per sender); reports after every `every`.
    let n = 0;
    const every = workerData.every;
    for (const p of workerData.ports) {
      p.on('message', () => {
        n += 1;
        if (n % every === 0) parentPort.postMessage(n);
      });
    }
    break;
  }
  case 'send-port':
    // On {k} from main: post k small messages on its port (to the counting Worker).
    parentPort.on('message', (k) => {
      for (let i = 0; i < k; i++) port.postMessage(i);
    });
    break;
  case 'ready':
    // An idle Worker that says it is up (RSS figure).
    parentPort.postMessage('ready');
    parentPort.on('message', () => {});
    break;
  default:
    throw new Error(`raw-worker: unknown mode ${mode}`);
}
