// The rarer instructions, out of the dispatch loop so that it stays short (clox keeps its loop
// to the instructions that matter for speed): variables other than locals and module variables,
// catch bookkeeping, building maps, genes and ranges, dynamic paths, futures, class definitions,
// spawning threads.
// The loop passes pc and sp through the frame and vm.sp; a throw propagates to its handler.
import { Op } from '../bytecode/opcodes.js';
import { isInstanceOf } from '../ops/classes.js';
import * as A from '../ops/access.js';
import { settleFuture } from '../runtime/futures.js';
import { GeneThrow, InternalError, geneError, type ErrorKind } from '../values/errors.js';
import { Cell, GFuture, GString, Namespace, VOID, type ImportSpec, type KeyList, type SpawnSpec, type Value } from '../values/values.js';
import { spawnThread } from './async-ops.js';
import * as M from './modules.js';
import * as T from './type-checks.js';
import { isVariant } from '../ops/variants.js';
import type { ContractCheck, TypeCheck } from '../values/types.js';
import { contractFail } from './contracts.js';
import * as K from './class-ops.js';
import * as C from './construct.js';
import type { Frame } from './frame.js';
import type { Machine } from './machine.js';

/** Stack shuffles, optional and `$` variables, default arguments, iteration, catch, errors. */
export function rareInstruction(vm: Machine, frame: Frame, op: Op): void {
  const stack = vm.stack;
  const { code, consts, base } = frame;
  let pc = frame.pc;
  let sp = vm.sp;
  switch (op) {
    case Op.Swap: {
      const t = stack[sp - 1]!;
      stack[sp - 1] = stack[sp - 2]!;
      stack[sp - 2] = t;
      break;
    }
    case Op.Over:
      stack[sp] = stack[sp - 2]!;
      sp++;
      break;
    case Op.LoadGlobalOpt:
      stack[sp++] = frame.globals.lookup(frame.unit.names[code[pc++]!]!)?.v ?? VOID;
      break;
    case Op.LoadDollar: {
      const name = frame.unit.names[code[pc++]!]!;
      const v = vm.dollar.get(name);
      stack[sp++] = v === undefined ? VOID : v;
      break;
    }
    case Op.StoreDollar:
      vm.dollar.set(frame.unit.names[code[pc++]!]!, stack[sp - 1]!);
      break;
    case Op.LoadEx: {
      const ex = vm.exStack[vm.exStack.length - 1];
      stack[sp++] = ex === undefined ? null : ex.value;
      break;
    }
    case Op.IterInit:
      stack[sp - 1] = A.makeIterator(stack[sp - 1]!) as unknown as Value;
      break;
    case Op.BindDefault: {
      const slotValue = stack[base + code[pc++]!] as unknown;
      const v = slotValue instanceof Cell ? slotValue.v : slotValue;
      if (v !== undefined) pc = code[pc]!;
      else pc++;
      break;
    }
    case Op.EnterCatch:
      vm.exStack.push({ value: stack[--sp]!, loc: vm.lastThrowLoc });
      break;
    case Op.ExitCatch:
      vm.exStack.pop();
      break;
    case Op.Rethrow: {
      const ex = vm.exStack.pop()!;
      throw new GeneThrow(ex.value, ex.loc);
    }
    case Op.IsInstance: {
      const cls = stack[--sp]!;
      stack[sp - 1] = isInstanceOf(stack[sp - 1]!, cls);
      break;
    }
    case Op.ThrowError:
      throw geneError((consts[code[pc++]!] as GString).s as ErrorKind, (consts[code[pc++]!] as GString).s);
    default:
      // Nothing read yet: frame.pc and vm.sp are still current.
      valueInstruction(vm, frame, op);
      return;
  }
  frame.pc = pc;
  vm.sp = sp;
}

/** The rest of the rare instructions: building values, dynamic paths, futures (then definitions). */
function valueInstruction(vm: Machine, frame: Frame, op: Op): void {
  const stack = vm.stack;
  const { code, consts } = frame;
  let pc = frame.pc;
  let sp = vm.sp;
  switch (op) {
    case Op.ArraySpread:
      sp = C.arraySpread(stack, sp);
      break;
    case Op.MakeMap:
      sp = C.makeMap(stack, sp, (consts[code[pc++]!] as KeyList).keys);
      break;
    case Op.MakeGene:
      sp = C.makeGene(stack, sp, (consts[code[pc++]!] as KeyList).keys, code[pc++]!);
      break;
    case Op.MakeRange:
      sp = C.makeRange(stack, sp);
      break;
    case Op.Interpolate:
      sp = C.interpolate(stack, sp, code[pc++]!);
      break;
    case Op.GetMemberVar: {
      const variable = stack[--sp]!;
      stack[sp - 1] = A.getMemberVar(stack[sp - 1]!, frame.unit.names[code[pc++]!]!, variable);
      break;
    }
    case Op.SetMemberDyn: {
      const v = stack[--sp]!;
      const key = stack[--sp]!;
      A.setMemberDyn(stack[sp - 1]!, key, v);
      stack[sp - 1] = v;
      break;
    }
    case Op.DestructIndex:
      stack[sp] = A.destructIndex(stack[sp - 1]!, code[pc++]!);
      sp++;
      break;
    case Op.DestructKey:
      stack[sp] = A.destructKey(stack[sp - 1]!, frame.unit.names[code[pc++]!]!);
      sp++;
      break;
    case Op.FutureOk: {
      const f = new GFuture();
      settleFuture(vm, f, 'success', stack[sp - 1]!);
      stack[sp - 1] = f;
      break;
    }
    case Op.FutureFail: {
      const f = new GFuture();
      settleFuture(vm, f, 'failure', stack[sp - 1]!);
      stack[sp - 1] = f;
      break;
    }
    default:
      definitionInstruction(vm, frame, op);
      return;
  }
  frame.pc = pc;
  vm.sp = sp;
}

/** Definitions and their checks: classes, methods, namespaces, modules, type checks, contracts, variant tests, spawn. */
function definitionInstruction(vm: Machine, frame: Frame, op: Op): void {
  const stack = vm.stack;
  const { code, consts } = frame;
  let pc = frame.pc;
  let sp = vm.sp;
  switch (op) {
    case Op.DefineClass: {
      const name = frame.unit.names[code[pc++]!]!;
      const parent = code[pc++]! === 1 ? stack[--sp]! : undefined;
      stack[sp++] = K.defineClass(name, parent);
      break;
    }
    case Op.DefineMethod: {
      const name = frame.unit.names[code[pc++]!]!;
      const fn = stack[--sp]!;
      K.defineMethod(stack[sp - 1]!, fn, name, code[pc++]! === 1);
      break;
    }
    case Op.CheckCallable:
      K.checkCallable(stack[sp - 1]!, frame.unit.names[code[pc++]!]!);
      break;
    case Op.SpawnThread: {
      const spec = consts[code[pc++]!] as SpawnSpec;
      const count = code[pc++]!;
      const flags = code[pc++]!;
      frame.pc = pc;
      vm.sp = sp;
      spawnThread(vm, spec, count, flags);
      sp = vm.sp;
      break;
    }
    case Op.MakeNamespace:
      stack[sp++] = new Namespace(null, frame.unit.names[code[pc++]!]!);
      break;
    case Op.LoadNs:
      stack[sp++] = frame.globals;
      break;
    case Op.LoadModule: {
      const [ns, body] = M.loadModule(vm, frame, consts[code[pc++]!] as ImportSpec);
      stack[sp++] = ns;
      stack[sp++] = body;
      break;
    }
    case Op.CheckParam:
      T.checkParam(vm, frame, code[pc++]!, consts[code[pc++]!] as TypeCheck);
      break;
    case Op.CheckType:
      T.checkTop(vm, frame, consts[code[pc++]!] as TypeCheck);
      break;
    case Op.ContractFail:
      contractFail(vm, frame, consts[code[pc++]!] as ContractCheck);
      break;
    case Op.IsVariant:
      stack[sp - 1] = isVariant(stack[sp - 1]!, (consts[code[pc++]!] as GString).s);
      break;
    case Op.ImportNames:
      M.importNames(vm, frame, stack[sp - 1] as Namespace, consts[code[pc++]!] as ImportSpec);
      stack[sp - 1] = null;
      break;
    default:
      throw new InternalError(`unknown opcode ${op} at ${pc - 1} in ${frame.unit.name}`);
  }
  frame.pc = pc;
  vm.sp = sp;
}
