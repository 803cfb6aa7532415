// Futures (gene-core §7): settling runs queued callbacks once, at a safepoint or while idle.
import type { NativeContext } from '../contract/host.js';
import { geneError } from '../values/errors.js';
import { FutureState, GFuture, Value } from '../values/values.js';

/** Settle a pending future once; later attempts are ignored (a reply is only taken once). */
export function settleFuture(vm: NativeContext, f: GFuture, state: Exclude<FutureState, 'pending'>, value: Value): boolean {
  if (f.state !== 'pending') return false;
  f.state = state;
  f.value = value;
  for (const cb of f.callbacks) {
    const fn = state === 'success' ? cb.ok : cb.fail;
    if (fn !== undefined) vm.scheduleCallback(fn, [value]);
  }
  f.callbacks = [];
  const hooks = f.onSettle;
  f.onSettle = [];
  for (const h of hooks) h(f);
  return true;
}

export function failWithTimeout(vm: NativeContext, f: GFuture, ms: number): void {
  settleFuture(vm, f, 'failure', geneError('AsyncTimeout', `Timed out after ${ms} ms`).value);
}

export function succeeded(value: Value): GFuture {
  const f = new GFuture();
  f.state = 'success';
  f.value = value;
  return f;
}
