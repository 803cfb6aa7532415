// The dispatch loop (DESIGN §1, clox style): one `switch` over the instruction table's opcodes,
// with the running frame's code, constants, base and pc, and the stack pointer, kept in locals.
// Every exit from the loop (a call, a return, a throw, a suspension) saves them into the frame.
import { Op } from '../bytecode/opcodes.js';
import { GeneThrow } from '../values/errors.js';
import {
  Cell, GFunction, GMap, GString, VOID, truthy, type CodeUnit, type Constant, type Value,
} from '../values/values.js';
import { equals } from '../values/equality.js';
import * as A from '../ops/access.js';
import * as C from './construct.js';
import * as G from './globals.js';
import * as X from '../ops/arith.js';
import { rareInstruction } from './rare-ops.js';
import { reloadingInstruction } from './reloading-ops.js';
import { FrameMode, type Frame, type RunResult } from './frame.js';
import { toGeneThrow, unwind } from './unwind.js';
import type { Machine } from './machine.js';

/**
 * Run the VM from its top frame until the program ends, fails or suspends. `throwing`: an error to
 * throw at the waiting instruction first (a timeout, a deadlock).
 */
export function execute(vm: Machine, throwing: GeneThrow | null = null): RunResult {
  const stack = vm.stack;
  // THR-CHAN.2: a real mailbox check every `interval` safepoints, counted in a local.
  const interval = vm.limits.safepointInterval;
  let budget = interval;
  const tracer = vm.tracer;
  let pending = vm.takeNativeResult() ?? throwing;
  // The running frame's registers. They are loaded at the top of `reload` — the only place
  // besides the inlined call and return — after anything that may change the frame stack.
  let frame: Frame, code: Int32Array, consts: Constant[], base: number, pc: number, sp: number, ip: number;
  reload: for (;;) {
    frame = vm.frames[vm.depth - 1]!;
    ({ code, consts, base, pc } = frame);
    sp = vm.sp;
    ip = pc;
    try {
      if (pending !== null) {
        const t = pending;
        pending = null;
        throw t;
      }
      for (;;) {
        ip = pc;
        if (tracer !== null) tracer(vm.host, frame, ip, stack, sp);
        switch (code[pc++]) {
          case Op.Const:
            stack[sp++] = consts[code[pc++]!] as Value;
            break;
          case Op.Str:
            stack[sp++] = new GString((consts[code[pc++]!] as GString).s);
            break;
          case Op.Int:
            stack[sp++] = code[pc++]!;
            break;
          case Op.Nil:
            stack[sp++] = null;
            break;
          case Op.True:
            stack[sp++] = true;
            break;
          case Op.False:
            stack[sp++] = false;
            break;
          case Op.Pop:
            sp--;
            break;
          case Op.PopN:
            sp -= code[pc++]!;
            break;
          case Op.Dup:
            stack[sp] = stack[sp - 1]!;
            sp++;
            break;

          // ---- variables ----
          case Op.LoadLocal:
            stack[sp++] = stack[base + code[pc++]!]!;
            break;
          case Op.StoreLocal:
            stack[base + code[pc++]!] = stack[sp - 1]!;
            break;
          case Op.NewCell:
            stack[base + code[pc++]!] = new Cell(null) as unknown as Value;
            break;
          case Op.LoadCell:
            stack[sp++] = (stack[base + code[pc++]!] as unknown as Cell).v;
            break;
          case Op.StoreCell:
            (stack[base + code[pc++]!] as unknown as Cell).v = stack[sp - 1]!;
            break;
          case Op.LoadUpval:
            stack[sp++] = frame.fn.cells[code[pc++]!]!.v;
            break;
          case Op.StoreUpval:
            frame.fn.cells[code[pc++]!]!.v = stack[sp - 1]!;
            break;
          case Op.LoadGlobal: {
            const k = code[pc++]!;
            const caches = frame.caches;
            let cell = caches.loadsVersion === frame.globals.version ? caches.loads[k] : undefined;
            if (cell === undefined) cell = G.resolveGlobal(vm, frame, k);
            stack[sp++] = cell.v;
            break;
          }
          case Op.StoreGlobal: {
            const k = code[pc++]!;
            const cached = frame.caches.storesOwner === frame.globals ? frame.caches.stores[k] : undefined;
            (cached ?? G.assignableGlobal(frame, k)).v = stack[sp - 1]!;
            break;
          }
          case Op.DefineGlobal: {
            const k = code[pc++]!;
            const cached = frame.caches.storesOwner === frame.globals ? frame.caches.stores[k] : undefined;
            (cached ?? G.definedGlobal(frame, k)).v = stack[sp - 1]!;
            break;
          }

          // ---- control flow ----
          case Op.Jump:
            pc = code[pc]!;
            break;
          case Op.JumpIfFalse: {
            const v = stack[--sp]!;
            if (v === false || v === null || v === VOID) pc = code[pc]!;
            else pc++;
            break;
          }
          case Op.JumpIfTrue: {
            const v = stack[--sp]!;
            if (v === false || v === null || v === VOID) pc++;
            else pc = code[pc]!;
            break;
          }
          case Op.AndJump:
            if (truthy(stack[sp - 1]!)) {
              sp--;
              pc++;
            } else pc = code[pc]!;
            break;
          case Op.OrJump:
            if (truthy(stack[sp - 1]!)) pc = code[pc]!;
            else {
              sp--;
              pc++;
            }
            break;
          case Op.Loop:
          case Op.LoopWhileLocalLtInt:
          case Op.LoopWhileLocalLeInt:
          case Op.LoopWhileLocalGtInt:
          case Op.LoopWhileLocalGeInt: {
            // A plain back-edge, or one repeating its loop head's test (emitter.ts; <, <=, >, >= in order).
            const op = code[ip]!;
            if (op === Op.Loop) pc = code[pc]!;
            else pc = X.comparesWithInt(op - Op.LoopWhileLocalLtInt, stack[base + code[pc]!]!, code[pc + 1]!) ? code[pc + 2]! : pc + 3;
          }
          // falls through: a back-edge is a safepoint
          case Op.CheckChannel:
            if (--budget <= 0) {
              budget = interval;
              if (vm.pendingCallbacks.length > 0 || vm.host.hasWork()) {
                frame.pc = pc;
                vm.sp = sp;
                vm.safepoint();
                continue reload;
              }
            }
            break;
          case Op.IterNext: {
            const it = stack[sp - 1] as unknown as A.GeneIterator;
            if (it.next()) {
              stack[sp++] = A.iteratorElement(it);
              pc++;
            } else {
              sp--;
              pc = code[pc]!;
            }
            break;
          }
          case Op.IterNext2: {
            const it = stack[sp - 1] as unknown as A.GeneIterator;
            if (it.next()) {
              stack[sp++] = it.key;
              stack[sp++] = it.value;
              pc++;
            } else {
              sp--;
              pc = code[pc]!;
            }
            break;
          }
          case Op.Return: {
            const result = stack[sp - 1]!;
            const done = frame;
            vm.depth--;
            // Setting an array's length is a slow builtin call: only when it changes (THR-PERF).
            if (vm.handlers.length !== done.handlerBase) vm.handlers.length = done.handlerBase;
            if (done.mode === FrameMode.Normal) {
              sp = done.retBase;
              stack[sp++] = result;
              frame = vm.frames[vm.depth - 1]!;
              ({ code, consts, base, pc } = frame);
              break;
            }
            const r = vm.returnedFromCallback(done, result);
            if (r !== null) return r;
            continue reload;
          }

          // ---- calls ----
          case Op.Call: {
            const argc = code[pc++]!;
            const callee = stack[sp - argc - 1]!;
            frame.pc = pc;
            if (callee instanceof GFunction) {
              const unit = callee.unit;
              if (argc === unit.fastArity) {
                // Fast path: exact positional arity.
                const newBase = sp - argc;
                const end = newBase + unit.nlocals;
                for (let i = sp; i < end; i++) stack[i] = null;
                frame = vm.pushFrame(callee, newBase, newBase - 1, FrameMode.Normal);
                sp = end;
                code = frame.code;
                consts = frame.consts;
                base = newBase;
                pc = 0;
                // The entry safepoint costs a dispatch per call: skip its CheckChannel unless
                // the budget ran out, then let it run and do the real check (THR-CHAN.3).
                if (code[0] === Op.CheckChannel) pc = --budget > 0 ? 1 : 0;
                break;
              }
            }
            vm.sp = sp;
            const wait = vm.callValue(callee, argc, FrameMode.Normal);
            if (wait !== null) return vm.suspendForNative(wait);
            continue reload;
          }
          case Op.CallArgs: {
            const kw = stack[--sp] as GMap | null;
            const args = stack[--sp] as Value[];
            const callee = stack[sp - 1]!;
            for (const a of args) stack[sp++] = a;
            frame.pc = pc;
            vm.sp = sp;
            const wait = vm.callValue(callee, args.length, FrameMode.Normal, kw?.entries ?? null);
            if (wait !== null) return vm.suspendForNative(wait);
            continue reload;
          }
          case Op.CallMethod: {
            const name = frame.unit.names[code[pc++]!]!;
            const argc = code[pc++]!;
            frame.pc = pc;
            vm.sp = sp;
            const wait = vm.callMethod(name, argc, null);
            if (wait !== null) return vm.suspendForNative(wait);
            continue reload;
          }
          case Op.CallMethodArgs: {
            const name = frame.unit.names[code[pc++]!]!;
            const kw = stack[--sp] as GMap | null;
            const args = stack[--sp] as Value[];
            for (const a of args) stack[sp++] = a;
            frame.pc = pc;
            vm.sp = sp;
            const wait = vm.callMethod(name, args.length, kw?.entries ?? null);
            if (wait !== null) return vm.suspendForNative(wait);
            continue reload;
          }
          case Op.Closure:
            stack[sp++] = C.closure(consts[code[pc++]!] as CodeUnit, stack, base, frame);
            break;

          // ---- exceptions ----
          case Op.Throw:
            throw new GeneThrow(stack[--sp]!);
          case Op.TryBegin:
            vm.handlers.push({ frameDepth: vm.depth, pc: code[pc++]!, sp, exDepth: vm.exStack.length });
            break;
          case Op.TryEnd:
            vm.handlers.pop();
            break;

          // ---- operators ----
          case Op.Add: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? X.checkInt(a + b) : X.add(a, b);
            break;
          }
          case Op.Sub: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? X.checkInt(a - b) : X.sub(a, b);
            break;
          }
          case Op.Mul: {
            const b = stack[--sp]!;
            stack[sp - 1] = X.mul(stack[sp - 1]!, b);
            break;
          }
          case Op.Div: {
            const b = stack[--sp]!;
            stack[sp - 1] = X.div(stack[sp - 1]!, b);
            break;
          }
          case Op.Mod: {
            const b = stack[--sp]!;
            stack[sp - 1] = X.mod(stack[sp - 1]!, b);
            break;
          }
          case Op.Neg:
            stack[sp - 1] = X.neg(stack[sp - 1]!);
            break;
          case Op.Lt: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a < b : X.compare(a, b, '<') < 0;
            break;
          }
          case Op.Le: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a <= b : X.compare(a, b, '<=') <= 0;
            break;
          }
          case Op.Gt: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a > b : X.compare(a, b, '>') > 0;
            break;
          }
          case Op.Ge: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === 'number' && typeof b === 'number' ? a >= b : X.compare(a, b, '>=') >= 0;
            break;
          }
          case Op.Eq: {
            const b = stack[--sp]!;
            stack[sp - 1] = equals(stack[sp - 1]!, b);
            break;
          }
          case Op.Ne: {
            const b = stack[--sp]!;
            stack[sp - 1] = !equals(stack[sp - 1]!, b);
            break;
          }
          case Op.AddInt: {
            const a = stack[sp - 1]!;
            const k = code[pc++]!;
            stack[sp - 1] = typeof a === 'number' ? X.checkInt(a + k) : X.add(a, k);
            break;
          }
          case Op.SubInt: {
            const a = stack[sp - 1]!;
            const k = code[pc++]!;
            stack[sp - 1] = typeof a === 'number' ? X.checkInt(a - k) : X.sub(a, k);
            break;
          }
          case Op.LtInt: {
            const a = stack[sp - 1]!;
            const k = code[pc++]!;
            stack[sp - 1] = typeof a === 'number' ? a < k : X.compare(a, k, '<') < 0;
            break;
          }
          case Op.LeInt: {
            const a = stack[sp - 1]!;
            const k = code[pc++]!;
            stack[sp - 1] = typeof a === 'number' ? a <= k : X.compare(a, k, '<=') <= 0;
            break;
          }
          case Op.GtInt: {
            const a = stack[sp - 1]!;
            const k = code[pc++]!;
            stack[sp - 1] = typeof a === 'number' ? a > k : X.compare(a, k, '>') > 0;
            break;
          }
          case Op.GeInt: {
            const a = stack[sp - 1]!;
            const k = code[pc++]!;
            stack[sp - 1] = typeof a === 'number' ? a >= k : X.compare(a, k, '>=') >= 0;
            break;
          }
          // Fused statements (see the emitter's peepholes): the same arithmetic as above.
          case Op.IncLocal: {
            const x = base + code[pc++]!;
            const a = stack[x]!, k = code[pc++]!;
            stack[x] = typeof a === 'number' ? X.checkInt(a + k) : X.add(a, k);
            break;
          }
          case Op.AddLocal: {
            const x = base + code[pc++]!;
            const a = stack[x]!, b = stack[base + code[pc++]!]!;
            stack[x] = typeof a === 'number' && typeof b === 'number' ? X.checkInt(a + b) : X.add(a, b);
            break;
          }
          case Op.JumpUnlessLocalLtInt: {
            const a = stack[base + code[pc]!]!, k = code[pc + 1]!;
            pc = (typeof a === 'number' ? a < k : X.compare(a, k, '<') < 0) ? pc + 3 : code[pc + 2]!;
            break;
          }
          case Op.JumpUnlessLocalLeInt: {
            const a = stack[base + code[pc]!]!, k = code[pc + 1]!;
            pc = (typeof a === 'number' ? a <= k : X.compare(a, k, '<=') <= 0) ? pc + 3 : code[pc + 2]!;
            break;
          }
          case Op.JumpUnlessLocalGtInt: {
            const a = stack[base + code[pc]!]!, k = code[pc + 1]!;
            pc = (typeof a === 'number' ? a > k : X.compare(a, k, '>') > 0) ? pc + 3 : code[pc + 2]!;
            break;
          }
          case Op.JumpUnlessLocalGeInt: {
            const a = stack[base + code[pc]!]!, k = code[pc + 1]!;
            pc = (typeof a === 'number' ? a >= k : X.compare(a, k, '>=') >= 0) ? pc + 3 : code[pc + 2]!;
            break;
          }
          case Op.Not:
            stack[sp - 1] = !truthy(stack[sp - 1]!);
            break;

          // ---- building values ----
          case Op.MakeArray: {
            const n = code[pc++]!;
            const arr = stack.slice(sp - n, sp);
            sp -= n;
            stack[sp++] = arr;
            break;
          }
          case Op.ArrayPush: {
            const v = stack[--sp]!;
            (stack[sp - 1] as Value[]).push(v);
            break;
          }

          // ---- paths ----
          case Op.GetMember:
            stack[sp - 1] = A.getMember(stack[sp - 1]!, frame.unit.names[code[pc++]!]!);
            break;
          case Op.GetIndex:
            stack[sp - 1] = A.getIndex(stack[sp - 1]!, code[pc++]!);
            break;
          case Op.SetMember: {
            const v = stack[--sp]!;
            A.setMember(stack[sp - 1]!, frame.unit.names[code[pc++]!]!, v);
            stack[sp - 1] = v;
            break;
          }
          case Op.SetIndex: {
            const v = stack[--sp]!;
            A.setIndex(stack[sp - 1]!, code[pc++]!, v);
            stack[sp - 1] = v;
            break;
          }

          // ---- await, send with a reply, join, new, super (reloading-ops.ts) ----
          case Op.Await:
          case Op.SendMessage:
          case Op.ThreadJoin:
          case Op.New:
          case Op.NewArgs:
          case Op.CallSuper:
          case Op.CallSuperArgs: {
            frame.pc = pc;
            vm.sp = sp;
            const r = reloadingInstruction(vm, frame, ip);
            if (r !== null) return r;
            continue reload;
          }
          default:
            // The rarer instructions (rare-ops.ts): pc and sp go through the frame and vm.sp.
            frame.pc = pc;
            vm.sp = sp;
            rareInstruction(vm, frame, code[ip]!);
            pc = frame.pc;
            sp = vm.sp;
            break;
        }
      }
    } catch (e) {
      frame.pc = pc;
      vm.sp = sp;
      const r = unwind(vm, toGeneThrow(e), frame, ip);
      if (r !== null) return r;
    }
  }
}
