// Exceptions in flight (gene-core §3.7): find the handler of a throw, or end the run (or the
// callback) it escaped from; source locations and the Gene stack trace of an error.
import { GeneThrow, formatLoc, geneError } from '../values/errors.js';
import type { Loc } from '../values/values.js';
import { Frame, FrameMode, type RunResult } from './frame.js';
import type { Machine } from './machine.js';

/**
 * What a JavaScript exception caught by the dispatch loop means to Gene code: a Gene error, or a
 * StackOverflow. Anything else is a bug in gene-ref (an internal error): it is rethrown, so no
 * Gene handler can catch it, and ends the process (the CLI prints one line and exits 70).
 */
export function toGeneThrow(e: unknown): GeneThrow {
  if (e instanceof GeneThrow) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return geneError('StackOverflow', 'Stack overflow: the JavaScript stack is exhausted');
  }
  if (e instanceof RangeError && /Invalid (string|array|typed array) length|Array buffer allocation failed/i.test(e.message)) {
    // LANG-VAL.7: the host refused to build a value that large: a Gene error, not a VM bug.
    return geneError('OutOfMemory', `Value too large for this host: ${e.message}`);
  }
  throw e;
}

/** Source location of the instruction at `ip` in `frame`. */
export function locAt(frame: Frame, ip: number): Loc {
  return { file: frame.unit.file, line: frame.unit.lines[ip] ?? 0, col: frame.unit.cols[ip] ?? 0 };
}

/** The file name the runtime's prelude is compiled under (compiler.ts). */
const PRELUDE_FILE = '<prelude>';

/** The Gene stack as text, innermost first (THR-ERR.1 `trace`). */
export function traceFrom(vm: Machine, frame: Frame, ip: number): string {
  const lines: string[] = [`  at ${frame.unit.name} (${formatLoc(locAt(frame, ip))})`];
  for (let d = vm.depth - 2; d >= 0 && lines.length < 20; d--) {
    const f = vm.frames[d]!;
    if (f.unit.file === PRELUDE_FILE) continue; // the runtime's own Gene code is no part of the user's stack
    lines.push(`  at ${f.unit.name} (${formatLoc(locAt(f, Math.max(0, f.pc - 1)))})`);
  }
  return lines.join('\n');
}

/**
 * Find the handler for a throw. Returns null when one was found (execution continues there),
 * or the result to give the host when the throw left the program or a callback.
 */
export function unwind(vm: Machine, t: GeneThrow, frame: Frame, ip: number): RunResult | null {
  const loc = t.loc ?? locAt(frame, ip);
  t.loc = loc;
  vm.lastThrowLoc = loc;
  const trace = traceFrom(vm, frame, ip);
  vm.lastThrowTrace = trace;
  // Innermost callback frame: a throw never crosses into the code a callback interrupted.
  let limit = 0;
  for (let d = vm.depth - 1; d >= 0; d--) {
    if (vm.frames[d]!.mode !== FrameMode.Normal) {
      limit = d;
      break;
    }
  }
  const h = vm.handlers[vm.handlers.length - 1];
  if (h !== undefined && h.frameDepth - 1 >= limit && vm.handlers.length > vm.frames[limit]!.handlerBase) {
    vm.handlers.pop();
    vm.depth = h.frameDepth;
    vm.exStack.length = h.exDepth;
    vm.sp = h.sp;
    vm.stack[vm.sp++] = t.value;
    vm.frames[vm.depth - 1]!.pc = h.pc;
    return null;
  }
  // Uncaught in vm run (or vm callback).
  const bottom = vm.frames[limit]!;
  vm.handlers.length = bottom.handlerBase;
  vm.depth = limit;
  vm.sp = bottom.retBase;
  if (bottom.mode === FrameMode.Boundary && limit === 0 && vm.waitStack.length === 0) {
    vm.exStack.length = 0;
    return { kind: 'error', value: t.value, loc, trace };
  }
  // A callback failed: report it and go on with what it interrupted.
  vm.reportCallbackError(t.value);
  if (bottom.mode === FrameMode.Discard) {
    vm.callbackDepth--;
    return null;
  }
  if (bottom.mode === FrameMode.Replace) {
    vm.stack[vm.sp++] = bottom.after;
    return null;
  }
  vm.callbackDepth--;
  vm.wait = vm.waitStack.pop() ?? null;
  if (vm.wait === null) return { kind: 'done', value: null };
  return { kind: 'suspended', wait: vm.wait };
}
