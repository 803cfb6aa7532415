// The Worker bundle's entry (built with what it imports into dist/threads/worker-bundle.js, which
// worker-boot.cts runs): one WorkerHost serving one thread after another until thread 0 stops it.
import type { CodeCacheUse, WorkerBoot } from './wire.js';
import { WorkerHost } from './worker-host.js';

/** Serve threads; `afterFirstRun` runs once, when the first thread's body has run (before its result goes out). */
export function runWorker(boot: WorkerBoot, codeCache: CodeCacheUse, afterFirstRun?: () => void): void {
  const host = new WorkerHost(boot);
  host.startedWith(codeCache);
  void host.main(boot.warmUp, afterFirstRun);
}
