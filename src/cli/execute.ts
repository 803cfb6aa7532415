// `gene run` / `gene eval`: compile, run on thread 0, report the outcome (gene-core §9, THR-LIFE.4).
import { drive } from '../vm/driver.js';
import type { Limits } from '../vm/host.js';
import { LocalHost } from '../vm/local-host.js';
import { VM } from '../vm/vm.js';
import { compileSource, errorLine, staticErrorLine } from './run-program.js';

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
  const host = new LocalHost();
  const vm = new VM(host, limits);
  vm.load(unit);
  const result = await drive(vm, vm.run(), host, () => host.hasPendingCallbacks());
  if (result.kind === 'error') {
    host.write(2, errorLine(result.value, result.loc) + '\n');
    return 1;
  }
  return 0;
}
