// `gene run` / `gene eval`: compile, run on thread 0, report the outcome (gene-core §9, THR-LIFE.4).
import { runOnThreads } from '../threads/run-main.js';
import type { Limits } from '../contract/limits.js';
import { compileSource, errorLine, staticErrorLine } from './compile.js';

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
  // The error line comes before waiting for other threads, so it is never held up (THR-LIFE.4).
  const result = await runOnThreads(unit, limits, {
    ended: (r, host) => {
      if (r.kind === 'error') host.write(2, errorLine(r.value, r.loc) + '\n');
    },
  });
  return result.kind === 'error' ? 1 : 0;
}
