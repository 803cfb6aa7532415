// GENE_TRACE=vm (clox's DEBUG_TRACE_EXECUTION): before each instruction, one stderr line with the
// thread id, the function, the disassembled instruction and the running frame's stack.
import { disassembleInstruction } from '../bytecode/disasm.js';
import type { VMHost } from '../contract/host.js';
import { Cell, type Value } from '../values/values.js';
import { repr } from '../values/print.js';
import type { Frame } from './frame.js';

export type InstructionTracer = (host: VMHost, frame: Frame, pc: number, stack: readonly Value[], sp: number) => void;

/** A stack slot as text: slots also hold cells, iterators and unset parameters. */
function slotText(v: unknown): string {
  if (v === undefined) return '<unset>';
  if (v instanceof Cell) return `cell(${slotText(v.v)})`;
  try {
    return repr(v as Value);
  } catch {
    return `<${(v as object).constructor?.name ?? typeof v}>`;
  }
}

export const traceInstruction: InstructionTracer = (host, frame, pc, stack, sp) => {
  const slots: string[] = [];
  for (let i = frame.base; i < sp; i++) slots.push(slotText(stack[i]));
  const where = `${frame.unit.name} ${String(pc).padStart(4, '0')}`;
  host.write(2, `[thread ${host.threadId}] ${where} ${disassembleInstruction(frame.unit, pc).padEnd(30)} [${slots.join(', ')}]\n`);
};
