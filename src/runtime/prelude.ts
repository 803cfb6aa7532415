// Builtins written in Gene: higher-order methods and the message dispatcher. Running callbacks
// as ordinary Gene frames keeps the VM free of JavaScript recursion (gene-core §5.3, THR-MSG.3).
//
// Workers never load the compiler (it costs each Worker memory, THR-PERF): thread 0's host
// compiles PRELUDE_SOURCE (hosts/prelude.ts) and hands every Worker the compiled units; a VM asks
// its host for them (VMHost.preludeUnits).
import type { NativeContext } from '../contract/host.js';
import { InternalError } from '../values/errors.js';
import { GFunction } from '../values/values.js';

export const PRELUDE_SOURCE = `
(fn array_map [self f] (var out []) (for x in self (out .add (f x))) out)
(fn array_filter [self f] (var out []) (for x in self (if (f x) (out .add x))) out)
(fn array_reduce [self init f] (var acc init) (for x in self (acc = (f acc x))) acc)
(fn array_each [self f] (for x in self (f x)) self)
(fn map_map [self f] (var out {}) (for [k v] in self (out .set k (f k v))) out)
(fn map_filter [self f] (var out {}) (for [k v] in self (if (f k v) (out .set k v))) out)
(fn map_reduce [self init f] (var acc init) (for [k v] in self (acc = (f acc k v))) acc)
(fn map_each [self f] (for [k v] in self (f k v)) self)

# THR-MSG.3: callbacks in registration order until one marks the message handled; a callback's
# error fails the reply (THR-ERR.1) or is reported; an unanswered request is answered nil.
(fn dispatch_message [callbacks msg]
  (for cb in callbacks
    (try (cb msg)
     catch * (__callback_failed msg $ex))
    (if (msg .handled) (break)))
  (__auto_reply msg))

# gene-core §7: a future's queued callback; its error is reported, never re-raised.
(fn run_callback [f v]
  (try (f v) catch * (__callback_failed nil $ex)))
`;

const perVm = new WeakMap<NativeContext, Map<string, GFunction>>();

/** A prelude function bound to this VM's builtins (units come from the host: compiled or received). */
export function preludeFunction(vm: NativeContext, name: string): GFunction {
  let fns = perVm.get(vm);
  if (fns === undefined) {
    fns = new Map();
    perVm.set(vm, fns);
  }
  let f = fns.get(name);
  if (f === undefined) {
    const unit = vm.host.preludeUnits().find((u) => u.name === name);
    if (unit === undefined) throw new InternalError(`no prelude function ${name}`);
    f = new GFunction(unit, [], vm.builtins);
    fns.set(name, f);
  }
  return f;
}
