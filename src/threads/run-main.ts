// Running a compiled program on thread 0 with the thread runtime (THR-MAIN, THR-LIFE.4): what
// `gene run` / `gene eval` need, in one call.
import type { CodeUnit } from '../values/values.js';
import { drive } from '../hosts/driver.js';
import type { RunResult } from '../vm/frame.js';
import type { Limits } from '../contract/limits.js';
import { VM } from '../vm/vm.js';
import { MainThreadHost } from './main-host.js';
import { traceEnabled } from './output.js';

/** Does the program contain `spawn` anywhere (then Workers are warmed at start-up)? */
export function containsSpawn(unit: CodeUnit, seen = new Set<CodeUnit>()): boolean {
  if (seen.has(unit)) return false;
  seen.add(unit);
  for (const c of unit.consts) {
    if (typeof c !== 'object' || c === null || !('kind' in c)) continue;
    if (c.kind === 'spawn') return true;
    if (c.kind === 'unit' && containsSpawn(c as CodeUnit, seen)) return true;
  }
  return false;
}

export interface RunOnThreadsOptions {
  trace?: boolean;
  sink?: (fd: 1 | 2, text: string) => void;
  /** Called when thread 0's program has ended, before waiting for the other threads (print the error line here). */
  ended?: (result: RunResult, host: MainThreadHost) => void;
}

/**
 * Run `unit` as thread 0's program, then wait for the other threads and stop every Worker
 * (THR-LIFE.4). Resolves with thread 0's result once nothing is left running.
 */
export async function runOnThreads(unit: CodeUnit, limits: Limits, options: RunOnThreadsOptions = {}): Promise<RunResult> {
  const host = new MainThreadHost(limits, {
    trace: options.trace ?? traceEnabled(),
    warm: containsSpawn(unit) ? limits.warmWorkers : 0,
    sink: options.sink,
  });
  const vm = new VM(host, limits);
  host.bind(vm);
  vm.load(unit);
  const result = await drive(vm, vm.run(), host);
  options.ended?.(result, host);
  await host.finish(result);
  return result;
}
