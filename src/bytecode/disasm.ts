// The disassembler (`gene compile --disasm`, GENE_TRACE=vm), driven by the instruction table.
import { isCodeUnit, type CodeUnit, type Constant } from '../values/values.js';
import { repr } from '../values/print.js';
import { OPS } from './opcodes.js';

function constText(c: Constant): string {
  if (isCodeUnit(c)) return `<fn ${c.name}>`;
  if (typeof c === 'object' && c !== null && 'kind' in c && c.kind === 'keys') return `keys[${c.keys.join(' ')}]`;
  if (typeof c === 'object' && c !== null && 'kind' in c && c.kind === 'spawn') {
    return `<thread body; captures ${c.pushedNames.join(' ') || 'nothing'}; module names ${c.moduleNames.join(' ') || 'none'}>`;
  }
  if (typeof c === 'object' && c !== null && 'kind' in c && c.kind === 'type') return `<${c.text} for ${c.what}>`;
  if (typeof c === 'object' && c !== null && 'kind' in c && c.kind === 'contract') return `<${c.head}>`;
  if (typeof c === 'object' && c !== null && 'kind' in c && c.kind === 'import') {
    return `<import ${c.items.map((i) => (i.as === i.name || i.name === '*' ? i.name : `${i.name}:${i.as}`)).join(' ')} from "${c.path}">`;
  }
  return repr(c);
}

/** One instruction as text: `Name operand…`, constants and names spelled out. */
export function disassembleInstruction(unit: CodeUnit, pc: number): string {
  const info = OPS[unit.code[pc]!];
  if (info === undefined) return `<bad opcode ${unit.code[pc]}>`;
  const parts = info.operands.map((kind, i) => {
    const v = unit.code[pc + 1 + i]!;
    switch (kind) {
      case 'const':
        return `${v} (${constText(unit.consts[v]!)})`;
      case 'name':
        return `${v} (${unit.names[v]})`;
      case 'jump':
        return `-> ${v}`;
      default:
        return String(v);
    }
  });
  return `${info.name.padEnd(14)} ${parts.join(' ')}`.trimEnd();
}

/** Units the instruction at `pc` refers to: a nested function or a thread body. */
function unitsUsedAt(unit: CodeUnit, pc: number): CodeUnit[] {
  return OPS[unit.code[pc]!]!.operands.flatMap((kind, i) => {
    if (kind !== 'const') return [];
    const c = unit.consts[unit.code[pc + 1 + i]!];
    if (isCodeUnit(c)) return [c];
    if (typeof c === 'object' && c !== null && 'kind' in c && c.kind === 'spawn') return [c.body];
    return [];
  });
}

/** Text of one unit and, after it, every unit nested in it. */
export function disassemble(unit: CodeUnit): string {
  const params = unit.nparams || unit.restSlot >= 0 || unit.kwParams.length
    ? ` params=${unit.nparams}${unit.restSlot >= 0 ? '+rest' : ''}${unit.kwParams.map((k) => ` ^${k.name}`).join('')}`
    : '';
  const out = [`== ${unit.name} (${unit.file}) locals=${unit.nlocals}${params}${unit.isAsync ? ' async' : ''} ==`];
  const nested: CodeUnit[] = [];
  let lastLine = -1;
  for (let pc = 0; pc < unit.code.length; pc += OPS[unit.code[pc]!]!.width) {
    const line = unit.lines[pc]!;
    const lineText = line !== lastLine ? String(line).padStart(4) : '   |';
    lastLine = line;
    out.push(`${String(pc).padStart(5, '0')} ${lineText} ${disassembleInstruction(unit, pc)}`.trimEnd());
    nested.push(...unitsUsedAt(unit, pc));
  }
  return [out.join('\n'), ...nested.map(disassemble)].join('\n\n');
}
