// Module variables (gene-core §3.1–§3.2). Each unit caches (UnitCaches, beside the unit) the
// Cell behind every global name it uses: a load looks a name up once per namespace version (unique to a namespace, renewed when a
// module variable starts shadowing a builtin); a store finds or creates its module cell once per
// namespace, since own cells never move.
import type { Cell } from '../values/values.js';
import type { Frame } from './frame.js';
import type { Machine } from './machine.js';

/** LoadGlobal's slow path: look the name up (module, then builtins) and cache its cell. */
export function resolveGlobal(vm: Machine, frame: Frame, k: number): Cell {
  const { unit, globals: ns, caches } = frame;
  if (caches.loadsVersion !== ns.version) {
    caches.loads = new Array(unit.names.length);
    caches.loadsVersion = ns.version;
  }
  const cell = ns.lookup(unit.names[k]!);
  if (cell === undefined) throw vm.undefinedVariable(unit.names[k]!);
  caches.loads[k] = cell;
  return cell;
}

function storeCache(frame: Frame): (Cell | undefined)[] {
  const caches = frame.caches;
  if (caches.storesOwner !== frame.globals) {
    caches.stores = new Array(frame.unit.names.length);
    caches.storesOwner = frame.globals;
  }
  return caches.stores;
}

/** StoreGlobal's slow path: the nearest binding, else a new module variable (gene-core §3.2). */
export function assignableGlobal(frame: Frame, k: number): Cell {
  const name = frame.unit.names[k]!;
  const ns = frame.globals;
  const cell = ns.cells.get(name) ?? ns.define(name, null);
  storeCache(frame)[k] = cell;
  return cell;
}

/** DefineGlobal's slow path: `(var x …)` at module level. */
export function definedGlobal(frame: Frame, k: number): Cell {
  const cell = frame.globals.define(frame.unit.names[k]!, null);
  storeCache(frame)[k] = cell;
  return cell;
}
