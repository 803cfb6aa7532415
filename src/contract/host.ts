// The contract between the VM, the natives (builtins, prelude) and the hosts. Natives see the VM
// only as a NativeContext; the VM sees the world around it (output, the thread runtime) only as a
// VMHost. Thread 0's host lives in the CLI process; each worker's host lives in its Worker.
// Both interfaces are in one file because each mentions the other.
import type {
  GGenerator,
  CodeUnit, GFuture, Namespace, NativeRequest, NativeResult, SpawnSpec, ThreadHandle, ThreadMessageValue, Value, Wait,
} from '../values/values.js';

export type { Wait };

/**
 * What a native function may ask of the VM running it. A native returns a value; to suspend or to
 * call Gene code it returns the NativeRequest that `suspend` / `callThen` make, and the VM acts on
 * it when the native returns (natives never run Gene code by recursing in JavaScript).
 */
export interface NativeContext {
  readonly host: VMHost;
  /** Builtins, shared parent of every module namespace of this VM. */
  readonly builtins: Namespace;
  /** `$name` variables. */
  readonly dollar: Map<string, Value>;
  /** Suspend until `wait.future` settles; the native's result is then the Future's value. */
  suspend(wait: Wait): NativeRequest;
  /** Call a Gene function; the native's result becomes `after` once it returns. */
  callThen(fn: Value, args: Value[], after: Value): NativeRequest;
  /** Queue a callback to run at the next safepoint or while idle. */
  scheduleCallback(fn: Value, args: Value[]): void;
  /** THR-ERR.2's line for an error escaping a callback: `[thread N] Kind: message`. */
  reportCallbackError(value: Value): void;
  /** The module namespace of the function running now (what a spawn captures names from). */
  currentNamespace(): Namespace;
  /** The Gene stack, as text, where the error caught last was thrown (THR-ERR.1 `trace`). */
  readonly lastThrowTrace: string;
  /** generators.md: run a generator's body to its next `yield`: the yielded value, or undefined when it ended. */
  generatorStep(g: GGenerator): Value | undefined;
}


export interface VMHost {
  /** This thread's id: 0 on the main thread. */
  readonly threadId: number;
  /** THR-IO.1: output goes straight to the process's stdout/stderr, one call per println. */
  write(fd: 1 | 2, text: string): void;
  currentThread(): ThreadHandle;
  mainThread(): ThreadHandle;
  /** THR-SPAWN: start a thread; returns its handle, or a Future of its value. */
  spawn(vm: NativeContext, spec: SpawnSpec, pushed: Value[], returnsFuture: boolean): Value;
  /** THR-MSG.1: send a copy and return nil; THR-MSG.2: or a Future of the reply. */
  send(vm: NativeContext, target: ThreadHandle, payload: Value, expectReply: boolean): Value;
  /** THR-JOIN: a Future that settles when the thread has ended (settled already if it has). */
  join(vm: NativeContext, target: ThreadHandle): GFuture;
  /** Thread handle methods other than send/join (`.id`, `.alive`, `.terminate`, …). */
  threadMethod(vm: NativeContext, target: ThreadHandle, method: string, args: Value[]): NativeResult;
  /** THR-MSG.3: `(msg .reply v)`; the first reply counts, later ones are ignored. */
  reply(vm: NativeContext, msg: ThreadMessageValue, value: Value): void;
  /** THR-MSG.3: the callbacks ran and none replied: a request is answered nil. */
  autoReply(vm: NativeContext, msg: ThreadMessageValue): void;
  /** THR-ERR.1: a callback failed with `error`: the request fails with it, as if in the sender. */
  failReply(vm: NativeContext, msg: ThreadMessageValue, error: Value): void;
  /** Called at safepoints when `hasWork()` is set: deliver mail, run due callbacks. */
  safepoint(vm: NativeContext): void;
  /**
   * Called instead of `safepoint` inside a callback, where nothing is delivered (THR-CHAN.2):
   * post what this thread has sent, so a callback that runs long does not hold its messages back.
   */
  postSent(): void;
  /** Cheap: is there anything for a safepoint to do? */
  hasWork(): boolean;
  /** `(recv)`: a Future of the next message taken from the mailbox. */
  recv(vm: NativeContext): GFuture;
  /** `(keep_alive)`: keep this thread after its body ends. */
  keepAlive(vm: NativeContext): void;
  /** A Future that succeeds with nil after `ms` (sleep, sleep_async); counts as a pending timer. */
  timer(vm: NativeContext, ms: number): GFuture;
  /** Fail `f` with AsyncTimeout after `ms` unless it settles first. */
  timeoutFuture(vm: NativeContext, f: GFuture, ms: number): void;
  /** `($thread .on_message f)` registered a callback (messages waiting may now be delivered). */
  callbackRegistered(vm: NativeContext): void;
  /** The prelude's compiled functions (thread 0 compiles them; a Worker receives them). */
  preludeUnits(): readonly CodeUnit[];
}
