// `gene run` / `gene eval`: compile, run on thread 0, report the outcome (gene-core §9, THR-LIFE.4).
import { containsSpawn } from '../compiler/unit.js';
import { MainThreadHost } from '../threads/main-host.js';
import { drive } from '../vm/driver.js';
import type { Limits } from '../vm/host.js';
import { VM } from '../vm/vm.js';
import { compileSource, errorLine, staticErrorLine } from './run-program.js';

/** Whether GENE_TRACE asks for thread tracing (`GENE_TRACE=threads`, or a list containing it). */
export function traceThreads(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.GENE_TRACE ?? '').split(/[\s,]+/).includes('threads');
}

/** Run a program to its end; returns the exit status. */
export async function runProgram(source: string, file: string, limits: Limits): Promise<number> {
  let unit;
  try {
    unit = compileSource(source, file);
  } catch (e) {
    const line = staticErrorLine(e);
    if (line === null) throw e;
    process.stderr.write(line + '\n');
    return 1;
  }
  // DESIGN §2: a program that can spawn starts warming workers at once.
  const warm = containsSpawn(unit) ? Math.min(2, limits.maxThreads) : 0;
  const host = new MainThreadHost(limits, { trace: traceThreads(), warm });
  const vm = new VM(host, limits);
  vm.load(unit);
  const result = await drive(vm, vm.run(), host);
  if (result.kind === 'error') host.write(2, errorLine(result.value, result.loc) + '\n');
  // THR-LIFE.4: wait for running threads, stop kept-alive ones, release every handle.
  await host.finish(result);
  return result.kind === 'error' ? 1 : 0;
}
