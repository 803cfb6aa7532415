// Instructions after which the dispatch loop reloads its registers (`continue reload`): they may
// suspend the VM (await, a send that expects a reply, join) or push a frame (new, super). Out of
// the loop so that it stays short; none of them is hot. The loop saves pc (just past the opcode)
// and sp into the frame and vm.sp before calling, and passes `ip`, the instruction's own pc, so a
// suspended instruction can run again on resume.
import { Op } from '../bytecode/opcodes.js';
import { InternalError } from '../values/errors.js';
import type { GMap, Value } from '../values/values.js';
import { awaitFutures, sendMessage, threadJoin } from './async-ops.js';
import * as K from './class-ops.js';
import type { Frame, RunResult } from './frame.js';
import type { Machine } from './machine.js';

/** Run one of these instructions; a RunResult when the VM suspends, else null (reload). */
export function reloadingInstruction(vm: Machine, frame: Frame, ip: number): RunResult | null {
  const code = frame.code;
  const op = code[ip]! as Op;
  switch (op) {
    case Op.Await: {
      const operand = code[frame.pc++]!;
      return awaitFutures(vm, frame, ip, operand);
    }
    case Op.SendMessage: {
      const expectReply = code[frame.pc++]! === 1;
      const wait = sendMessage(vm, expectReply);
      return wait === null ? null : vm.suspendForNative(wait);
    }
    case Op.ThreadJoin: {
      const withTimeout = code[frame.pc++]! === 1;
      return threadJoin(vm, frame, ip, withTimeout);
    }
    case Op.New:
    case Op.NewArgs:
    case Op.CallSuper:
    case Op.CallSuperArgs: {
      const stack = vm.stack;
      const name = op === Op.CallSuper || op === Op.CallSuperArgs ? frame.unit.names[code[frame.pc++]!]! : '';
      let argc = op === Op.New || op === Op.CallSuper ? code[frame.pc++]! : 0;
      let kw: Map<string, Value> | null = null;
      if (op === Op.NewArgs || op === Op.CallSuperArgs) {
        let sp = vm.sp;
        kw = (stack[--sp] as GMap | null)?.entries ?? null;
        const args = stack[--sp] as Value[];
        for (const a of args) stack[sp++] = a;
        argc = args.length;
        vm.sp = sp;
      }
      if (op === Op.New || op === Op.NewArgs) K.newInstance(vm, argc, kw);
      else K.callSuper(vm, frame, name, argc, kw);
      return null;
    }
    default:
      throw new InternalError(`opcode ${op} at ${ip} in ${frame.unit.name} is not a reloading instruction`);
  }
}
