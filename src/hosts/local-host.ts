// A host for one VM with no threads: unit tests, the REPL's fallback, and the base the thread
// hosts extend. Output is written synchronously so it is never lost (THR-IO.1).
import { writeSync } from 'node:fs';
import type { CodeUnit, SpawnSpec } from '../values/values.js';
import { compiledPrelude } from './prelude.js';
import { geneError } from '../values/errors.js';
import { GFuture, ThreadHandle, Value } from '../values/values.js';
import type { IdleSource } from './driver.js';
import { Timers } from './timers.js';
import type { NativeContext, VMHost } from '../contract/host.js';

export class LocalHost implements VMHost, IdleSource {
  readonly threadId: number = 0;
  private wake: (() => void) | null = null;
  protected readonly timers = new Timers(() => this.wake?.());
  private readonly self = new ThreadHandle(0, 0);
  /** Captured output instead of the process's stdout/stderr (tests). */
  constructor(protected readonly sink?: (fd: 1 | 2, text: string) => void) {}

  write(fd: 1 | 2, text: string): void {
    if (this.sink) this.sink(fd, text);
    else writeSync(fd, text);
  }
  preludeUnits(): readonly CodeUnit[] {
    return compiledPrelude();
  }
  currentThread(): ThreadHandle {
    return this.self;
  }
  mainThread(): ThreadHandle {
    return this.self;
  }
  spawn(_vm: NativeContext, _spec: SpawnSpec, _pushed: Value[], _returnsFuture: boolean): Value {
    throw geneError('ThreadInvalid', 'threads are not available in this host');
  }
  send(_vm: NativeContext, _t: ThreadHandle, _payload: Value, _expectReply: boolean): Value {
    throw geneError('ThreadInvalid', 'threads are not available in this host');
  }
  join(_vm: NativeContext, _t: ThreadHandle): GFuture {
    throw geneError('ThreadInvalid', 'threads are not available in this host');
  }
  threadMethod(_vm: NativeContext, _t: ThreadHandle, method: string, _args: Value[]): Value {
    throw geneError('MethodNotFound', `Method ${method} not found on VkThread`);
  }
  reply(): void {}
  autoReply(): void {}
  failReply(): void {}
  safepoint(_vm: NativeContext): void {}
  postSent(): void {}
  hasWork(): boolean {
    return false;
  }
  recv(_vm: NativeContext): GFuture {
    return new GFuture();
  }
  keepAlive(_vm: NativeContext): void {}
  callbackRegistered(_vm: NativeContext): void {}

  timer(vm: NativeContext, ms: number): GFuture {
    return this.timers.sleep(vm, ms);
  }
  timeoutFuture(vm: NativeContext, f: GFuture, ms: number): void {
    this.timers.timeout(vm, f, ms);
  }

  // ---- IdleSource ----
  poll(_vm: NativeContext): void {}
  waitForEvent(wake: () => void): () => void {
    this.wake = wake;
    return () => {
      this.wake = null;
    };
  }
  /** At program end, stay while a pending timer has callbacks to run (gene-core §7). */
  hasPendingCallbacks(): boolean {
    return this.timers.callbacksPending();
  }
  canProgress(_vm: NativeContext, _f: GFuture, _what: string): boolean {
    return this.timers.size > 0;
  }
}
