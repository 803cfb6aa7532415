// CheckParam and CheckType (spec/language/types.md): the VM's side of type annotations. Only
// annotated code contains these instructions, so unannotated code pays nothing (LANG-TYPE.4).
import * as A from '../ops/access.js';
import { checkType } from '../ops/types.js';
import { GeneThrow } from '../values/errors.js';
import type { TypeCheck } from '../values/types.js';
import { Cell, type Value } from '../values/values.js';
import type { Frame } from './frame.js';
import type { Machine } from './machine.js';
import { locAt } from './unwind.js';

/** LANG-TYPE.2: check (and convert) parameter `slot`; a mismatch is reported at the call. */
export function checkParam(vm: Machine, frame: Frame, slot: number, check: TypeCheck): void {
  const at = frame.base + slot;
  const held = vm.stack[at] as unknown;
  const cell = held instanceof Cell ? held : null;
  try {
    const v = check1(vm, frame, cell !== null ? cell.v : (held as Value), check);
    if (cell !== null) cell.v = v;
    else vm.stack[at] = v;
  } catch (e) {
    const caller = vm.frames[vm.depth - 2];
    if (e instanceof GeneThrow && caller !== undefined) e.loc = locAt(caller, Math.max(0, caller.pc - 1));
    throw e;
  }
}

/** LANG-TYPE.3: check (and convert) the value on top of the stack: a return value or a variable's. */
export function checkTop(vm: Machine, frame: Frame, check: TypeCheck): void {
  vm.stack[vm.sp - 1] = check1(vm, frame, vm.stack[vm.sp - 1]!, check);
}

function check1(vm: Machine, frame: Frame, v: Value, check: TypeCheck): Value {
  return checkType(v, check, (name) => lookupTypeName(frame, name), (line) => vm.host.write(2, line + '\n'));
}

/** A type name as the code would read it: a module variable or builtin; `A/K` through namespaces. */
function lookupTypeName(frame: Frame, name: string): Value | undefined {
  const [first, ...rest] = name.split('/');
  let v = frame.globals.lookup(first!)?.v;
  for (const seg of rest) v = v === undefined ? undefined : A.getMember(v, seg);
  return v;
}
