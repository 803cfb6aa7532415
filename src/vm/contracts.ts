// ContractFail (spec/language/contracts.md): a `^pre`/`^post` condition was false.
import { geneError } from '../values/errors.js';
import { repr } from '../values/print.js';
import type { ContractCheck } from '../values/types.js';
import { Cell, type Value } from '../values/values.js';
import type { Frame } from './frame.js';
import type { Machine } from './machine.js';

/** LANG-CONTRACT.1: `f precondition #1 failed: (x > 0) | args=[x=-2]` (`| result=4` after a postcondition). */
export function contractFail(vm: Machine, frame: Frame, check: ContractCheck): never {
  const slot = (i: number): Value => {
    const v = vm.stack[frame.base + i] as unknown;
    return v instanceof Cell ? v.v : (v as Value);
  };
  const args = check.params.map((p) => `${p.name}=${repr(slot(p.slot))}`).join(', ');
  const result = check.post ? ` | result=${repr(vm.stack[vm.sp - 1]!)}` : '';
  throw geneError('ContractViolation', `${check.head} | args=[${args}]${result}`);
}
