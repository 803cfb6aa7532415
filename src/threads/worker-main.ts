// The Worker bundle's entry (built with what it imports into dist/threads/worker-bundle.js, which
// worker-boot.ts runs): one WorkerHost serving one thread after another until thread 0 stops it.
import type { WorkerBoot } from './wire.js';
import { WorkerHost } from './worker-host.js';

/** What became of the V8 code cache this Worker was given (GENE_TRACE=threads says it). */
export type CodeCacheUse = 'used' | 'refused' | 'none';

/** Serve threads; `afterFirstRun` runs once, when the first thread's body has run (before its result goes out). */
export function runWorker(boot: WorkerBoot, codeCache: CodeCacheUse, afterFirstRun?: () => void): void {
  const host = new WorkerHost(boot);
  host.startedWith(codeCache);
  void host.main(boot.warmUp, afterFirstRun);
}
