// What a VM needs from the world around it: output, and the thread runtime. Thread 0's host
// lives in the CLI process; each worker's host lives in its Worker (src/threads).
import type { SpawnSpec } from '../compiler/unit.js';
import type { GFuture, ThreadHandle, Value } from '../runtime/values.js';
import type { VM } from './vm.js';

export interface Limits {
  /** Deepest Gene call stack before StackOverflow. */
  readonly maxCallDepth: number;
  /** Worker slots (THR-POOL.1): 64 unless lowered with --max-threads. */
  readonly maxThreads: number;
  /** Undelivered messages a mailbox holds (THR-CHAN.1). */
  readonly channelCapacity: number;
  /** Heap limit of each worker in MiB, or 0 for Node's default. */
  readonly threadMemoryMb: number;
  /** Safepoints between two real mailbox checks (THR-CHAN.2). */
  readonly safepointInterval: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxCallDepth: 10_000,
  maxThreads: 64,
  channelCapacity: 1000,
  threadMemoryMb: 0,
  safepointInterval: 32,
};

export interface VMHost {
  /** This thread's id: 0 on the main thread. */
  readonly threadId: number;
  /** THR-IO.1: output goes straight to the process's stdout/stderr, one call per println. */
  write(fd: 1 | 2, text: string): void;
  currentThread(): ThreadHandle;
  mainThread(): ThreadHandle;
  /** THR-SPAWN: start a thread; returns its handle, or a Future of its value. */
  spawn(vm: VM, spec: SpawnSpec, pushed: Value[], returnsFuture: boolean): Value;
  /** THR-MSG.1/2: send a copy; returns nil, or a Future of the reply. */
  send(vm: VM, target: ThreadHandle, payload: Value, expectReply: boolean): Value;
  /** THR-JOIN: a Future that settles when the thread has ended (settled already if it has). */
  join(vm: VM, target: ThreadHandle): GFuture;
  /** Thread handle methods other than send/join (`.id`, `.alive`, `.terminate`, …). */
  threadMethod(vm: VM, target: ThreadHandle, method: string, args: Value[]): Value;
  /** Called at safepoints when `hasWork()` is set: deliver mail, run due callbacks. */
  safepoint(vm: VM): void;
  /** Cheap: is there anything for a safepoint to do? */
  hasWork(): boolean;
  /** `(recv)`: a Future of the next message taken from the mailbox. */
  recv(vm: VM): GFuture;
  /** `(keep_alive)`: keep this thread after its body ends. */
  keepAlive(vm: VM): void;
  /** A Future that succeeds with nil after `ms` (sleep, sleep_async); counts as a pending timer. */
  timer(vm: VM, ms: number): GFuture;
  /** Fail `f` with AsyncTimeout after `ms` unless it settles first. */
  timeoutFuture(vm: VM, f: GFuture, ms: number): void;
  /** `($thread .on_message f)` registered a callback (messages waiting may now be delivered). */
  callbackRegistered(vm: VM): void;
}
