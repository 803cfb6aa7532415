// The raw-JS side of the thread benchmarks: what a plain worker_threads Worker does, by mode.
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
    // Idle between messages: woken by each postMessage, answers at once.
    parentPort.on('message', (v) => parentPort.postMessage(v));
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
  case 'ready':
    // An idle Worker that says it is up (RSS figure).
    parentPort.postMessage('ready');
    parentPort.on('message', () => {});
    break;
  default:
    throw new Error(`raw-worker: unknown mode ${mode}`);
}
