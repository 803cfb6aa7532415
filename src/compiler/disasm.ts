// The disassembler (`gene compile --disasm`), driven by the instruction table.
import { repr } from '../values/values.js';
import { OPS } from './opcodes.js';
import { isCodeUnit, type CodeUnit, type Constant } from '../values/values.js';

function constText(c: Constant): string {
  if (isCodeUnit(c)) return `<fn ${c.name}>`;
  if (typeof c === 'object' && c !== null && 'kind' in c && (c as { kind: string }).kind === 'keys') return `keys[${(c as unknown as { keys: string[] }).keys.join(' ')}]`;
  if (typeof c === 'object' && c !== null && 'kind' in c && (c as { kind: string }).kind === 'spawn') {
    const s = c as unknown as { pushedNames: string[]; moduleNames: string[] };
    return `<thread body; captures ${s.pushedNames.join(' ') || 'nothing'}; module names ${s.moduleNames.join(' ') || 'none'}>`;
  }
  return repr(c as never);
}

/** Text of one unit and, after it, every unit nested in it. */
export function disassemble(unit: CodeUnit): string {
  const out: string[] = [];
  const nested: CodeUnit[] = [];
  const params = unit.nparams || unit.restSlot >= 0 || unit.kwParams.length
    ? ` params=${unit.nparams}${unit.restSlot >= 0 ? '+rest' : ''}${unit.kwParams.map((k) => ` ^${k.name}`).join('')}`
    : '';
  out.push(`== ${unit.name} (${unit.file}) locals=${unit.nlocals}${params}${unit.isAsync ? ' async' : ''} ==`);
  let lastLine = -1;
  for (let pc = 0; pc < unit.code.length; ) {
    const info = OPS[unit.code[pc]!]!;
    const line = unit.lines[pc]!;
    const lineText = line !== lastLine ? String(line).padStart(4) : '   |';
    lastLine = line;
    const parts = info.operands.map((kind, i) => {
      const v = unit.code[pc + 1 + i]!;
      switch (kind) {
        case 'const': {
          const c = unit.consts[v]!;
          if (isCodeUnit(c)) nested.push(c);
          else if (typeof c === 'object' && c !== null && (c as { kind?: string }).kind === 'spawn') nested.push((c as { body: CodeUnit }).body);
          return `${v} (${constText(c)})`;
        }
        case 'name':
          return `${v} (${unit.names[v]})`;
        case 'jump':
          return `-> ${v}`;
        default:
          return String(v);
      }
    });
    out.push(`${String(pc).padStart(5, '0')} ${lineText} ${info.name.padEnd(14)} ${parts.join(' ')}`.trimEnd());
    pc += 1 + info.operands.length;
  }
  return [out.join('\n'), ...nested.map(disassemble)].join('\n\n');
}
