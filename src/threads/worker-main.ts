// The entry point of every Worker (compiled to dist/threads/worker-main.js): one WorkerHost
// serving one thread after another until thread 0 stops it.
import { workerData } from 'node:worker_threads';
import type { WorkerBoot } from './wire.js';
import { WorkerHost } from './worker-host.js';

const boot = workerData as WorkerBoot;
void new WorkerHost(boot).main(boot.warmUp);
