// The entry point of every Worker. It runs the Worker bundle (worker-main.ts and what it imports,
// built into one classic script) from the source and V8 code cache thread 0 passed (worker-code.ts),
// then hands over to it. The first Worker of a process writes the cache when it had none or V8
// refused it, once its first thread has run: the cache then holds what a task compiles, not only
// the start-up. Without a bundle (a bare `tsc`), it imports the modules themselves.
//
// A CommonJS file, not an ES module: the Worker then starts without Node's ES module loader, and
// its start-up runs in no module evaluation, which Node 20 does not survive being terminated in
// (a V8 fatal error in ModuleWrap::Evaluate: seen once in ~6,000 terminates of starting threads).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { threadId, workerData } from 'node:worker_threads';
import type { CodeCacheUse, WorkerBoot, WorkerCode } from './wire.js';

type Entry = typeof import('./worker-main.js');

const boot = workerData as WorkerBoot;
const code = boot.code;
if (code === undefined) {
  void import('./worker-main.js').then((entry: Entry) => entry.runWorker(boot, 'none'));
} else {
  // The bundle's imports of Node's modules are `require` calls (a classic script has no `import`)
  // (and `import.meta.url` is `geneWorkerBundleUrl`).
  Object.assign(globalThis, { require: createRequire(code.file), geneWorkerBundleUrl: pathToFileURL(code.file).href });
  const script = new Script(code.source, { filename: code.file, ...(code.cache ? { cachedData: code.cache } : {}) });
  // The bundle's last statement is its exports (esbuild's `globalName`, see scripts/bundle.ts).
  const entry = script.runInThisContext() as Entry;
  const use: CodeCacheUse = code.cache === undefined ? 'none' : script.cachedDataRejected === true ? 'refused' : 'used';
  const writeTo = code.writeTo;
  entry.runWorker(boot, use, writeTo !== undefined && use !== 'used' ? () => writeCodeCache(script, writeTo) : undefined);
}

/**
 * Write V8's code cache of the bundle, made now (the functions compiled so far are in it): the
 * header thread 0 gave, the data's length and SHA-256 (worker-code.ts checks them), the data. To a
 * temporary file renamed into place: a process reading it meanwhile sees the old file or the new
 * one, never half of one. A cache is only an optimisation: if it cannot be written (a read-only
 * installation), Workers compile as they would without it.
 */
function writeCodeCache(script: Script, to: NonNullable<WorkerCode['writeTo']>): void {
  const temporary = `${to.file}.${process.pid}-${threadId}.tmp`;
  try {
    const data = script.createCachedData();
    const length = Buffer.alloc(4);
    length.writeUInt32LE(data.length);
    // Node's crypto only here, once per build: loaded in every Worker it would cost each memory.
    const { createHash } = createRequire(__filename)('node:crypto') as typeof import('node:crypto');
    writeFileSync(temporary, Buffer.concat([to.header, length, createHash('sha256').update(data).digest(), data]));
    renameSync(temporary, to.file);
  } catch {
    rmSync(temporary, { force: true });
  }
}
