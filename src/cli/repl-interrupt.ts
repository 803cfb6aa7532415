// Ctrl-C in `gene repl` interrupts a runaway evaluation (issue 12), the way Node's REPL does with
// `breakEvalOnSigint`: each synchronous stretch of the VM runs inside a `vm.Script` with
// `breakOnSigint`, whose watchdog stops the JavaScript that is running, and during that stretch the
// terminal leaves raw mode so Ctrl-C is a SIGINT. Between stretches (the evaluation awaits) the
// terminal is raw again and readline reports Ctrl-C as its 'SIGINT' event: the awaited Future
// then fails, which ends the evaluation. The interrupted VM is reset (frames and handlers
// dropped); the session's module namespace, and so its variables, are kept. Threads the
// evaluation spawned keep running.
import type { Interface } from 'node:readline';
import { Script } from 'node:vm';
import { GeneThrow } from '../values/errors.js';
import type { Value } from '../values/values.js';
import type { RunResult } from '../vm/frame.js';
import { VM } from '../vm/vm.js';

const STEP = new Script('globalThis.__geneReplStep()', { filename: 'gene-repl-step' });
const slot = globalThis as unknown as { __geneReplStep?: () => RunResult };

/** Thrown out of an evaluation stopped by Ctrl-C. */
export class Interrupted extends Error {
  constructor() {
    super('Interrupted (Ctrl-C): the evaluation was stopped; variables defined before it are kept');
  }
}

/** Whether the terminal must leave raw mode while the VM runs (set for one evaluation). */
let cookWhileRunning = false;

function breakable(step: () => RunResult): RunResult {
  slot.__geneReplStep = step;
  if (cookWhileRunning) process.stdin.setRawMode(false);
  try {
    return STEP.runInThisContext({ breakOnSigint: true }) as RunResult;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new Interrupted();
    throw e;
  } finally {
    if (cookWhileRunning) process.stdin.setRawMode(true);
    delete slot.__geneReplStep;
  }
}

/** A VM whose runs can be stopped by Ctrl-C. */
export class InterruptibleVM extends VM {
  override run(): RunResult {
    return breakable(() => super.run());
  }
  override resume(): RunResult {
    return breakable(() => super.resume());
  }
  override resumeThrow(err: GeneThrow): RunResult {
    return breakable(() => super.resumeThrow(err));
  }
  override runCallbackNow(fn: Value, args: Value[]): RunResult {
    return breakable(() => super.runCallbackNow(fn, args));
  }
}

/**
 * Run `evaluate` so that Ctrl-C stops it: a SIGINT while the VM runs (the watchdog), readline's
 * 'SIGINT' while it awaits (`onIdleInterrupt`).
 */
export async function withCtrlC<T>(rl: Interface, evaluate: () => Promise<T>, onIdleInterrupt: () => void): Promise<T> {
  cookWhileRunning = process.stdin.isTTY === true && process.stdin.isRaw;
  rl.on('SIGINT', onIdleInterrupt);
  try {
    return await evaluate();
  } finally {
    rl.off('SIGINT', onIdleInterrupt);
    cookWhileRunning = false;
  }
}
