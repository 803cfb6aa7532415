// What the compiler, the VM and the disassembler read about instructions, all derived from the
// one table in instruction-set.ts: opcode numbers (op.generated.ts), names, operand kinds and
// widths, stack effects.
import type { Constant } from '../values/values.js';
import { INSTRUCTION_SET, type InstructionSpec, type OpName, type OperandKind } from './instruction-set.js';
import { Op } from './op.generated.js';

export { Op, type OperandKind };

export interface OpInfo extends InstructionSpec {
  readonly code: Op;
  readonly name: OpName;
  /** Code words of the instruction: the opcode and one per operand. */
  readonly width: number;
}

export const OPS: readonly OpInfo[] = (Object.entries(INSTRUCTION_SET) as [OpName, InstructionSpec][]).map(
  ([name, spec], code) => ({ ...spec, name, code: code as Op, width: 1 + spec.operands.length }),
);

/** Net stack-depth change of one instruction with these operands. */
export function stackEffect(op: Op, operands: readonly number[], consts: readonly Constant[]): number {
  const effect = OPS[op]!.effect;
  return typeof effect === 'number' ? effect : effect(operands, consts);
}
