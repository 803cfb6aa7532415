// The instructions that wait or reach other threads: Await (gene-core §7, THR-API.2),
// SpawnThread, SendMessage and ThreadJoin (THR-API.3). The dispatch loop saves its state into
// the frame and `vm.sp` before calling these, and reloads it after.
import type { SpawnSpec } from '../values/values.js';
import { durationMs } from '../ops/durations.js';
import { GeneThrow, geneError } from '../values/errors.js';
import { GFuture, ThreadHandle, Value, kindName } from '../values/values.js';
import { display } from '../values/print.js';
import type { Frame, RunResult, Wait } from './frame.js';
import type { Machine } from './machine.js';

/** THR-TIME.1: `^timeout` follows the one duration rule. */
function timeoutArg(t: Value, what: string): number {
  return durationMs(t, `${what} ^timeout`);
}

function suspend(vm: Machine, frame: Frame, ip: number, future: GFuture, timeoutMs: number | null, what: string): RunResult {
  // The waiting instruction runs again on resume, its operands still on the stack.
  frame.pc = ip;
  vm.wait = { future, timeoutMs, what };
  return { kind: 'suspended', wait: vm.wait };
}

/**
 * `Await n`: the values of n Futures (an array when n > 1), or suspend on the first pending one.
 * A negative operand means a `^timeout` sits below the Futures. Returns null to go on.
 */
export function awaitFutures(vm: Machine, frame: Frame, ip: number, operand: number): RunResult | null {
  const stack = vm.stack;
  const sp = vm.sp;
  const n = Math.abs(operand);
  const hasTimeout = operand < 0;
  const first = sp - n;
  for (let i = first; i < sp; i++) {
    const f = stack[i]!;
    if (!(f instanceof GFuture)) throw geneError('TypeError', `await expects a Future, got: ${kindName(f)}`);
    if (f.state === 'pending') {
      const timeoutMs = hasTimeout ? timeoutArg(stack[first - 1]!, 'await') : null;
      return suspend(vm, frame, ip, f, timeoutMs, 'await');
    }
  }
  const results: Value[] = [];
  for (let i = first; i < sp; i++) {
    const f = stack[i] as GFuture;
    f.observed = true;
    if (f.state === 'failure') throw new GeneThrow(f.value);
    results.push(f.value);
  }
  vm.sp = first - (hasTimeout ? 1 : 0);
  stack[vm.sp++] = n === 1 ? results[0]! : results;
  return null;
}

/** THR-SPAWN: [captured values…] -> [handle | Future]. */
export function spawnThread(vm: Machine, spec: SpawnSpec, count: number, flags: number): void {
  const pushed = vm.stack.slice(vm.sp - count, vm.sp);
  vm.sp -= count;
  vm.stack[vm.sp++] = vm.host.spawn(vm, spec, pushed, (flags & 1) !== 0);
}

/**
 * THR-MSG.1, THR-MSG.2: [thread payload] -> [nil | Future]; a non-thread receiver gets a method
 * call (which may ask to wait: returned for the caller to suspend).
 */
export function sendMessage(vm: Machine, expectReply: boolean): Wait | null {
  const payload = vm.stack[vm.sp - 1]!;
  const target = vm.stack[vm.sp - 2]!;
  if (target instanceof ThreadHandle) {
    vm.sp--;
    vm.stack[vm.sp - 1] = vm.host.send(vm, target, payload, expectReply);
    return null;
  }
  return vm.callMethod(expectReply ? 'send_expect_reply' : 'send', 1, null);
}

/** THR-JOIN.1: [thread timeout?] -> [nil] once the thread has ended; suspends until then. */
export function threadJoin(vm: Machine, frame: Frame, ip: number, withTimeout: boolean): RunResult | null {
  const stack = vm.stack;
  const timeout = withTimeout ? stack[vm.sp - 1]! : null;
  const target = stack[vm.sp - (withTimeout ? 2 : 1)]!;
  if (!(target instanceof ThreadHandle)) {
    if (withTimeout) throw geneError('TypeError', `join expects a Thread, got ${kindName(target)}`);
    const wait = vm.callMethod('join', 0, null);
    return wait === null ? null : vm.suspendForNative(wait);
  }
  const ended = vm.host.join(vm, target);
  if (ended.state === 'pending') {
    return suspend(vm, frame, ip, ended, timeout === null ? null : timeoutArg(timeout, 'join'), `join ${display(target)}`);
  }
  if (withTimeout) vm.sp--;
  stack[vm.sp - 1] = null;
  return null;
}
