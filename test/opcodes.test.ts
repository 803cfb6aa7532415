// The instruction table is the one source of the instruction set: the Op enum is generated from
// it, the dispatch loop handles every entry, and the disassembler and GENE_TRACE=vm print from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, renderOpEnum } from '../scripts/gen-opcodes.js';
import { compileSource } from '../src/cli/compile.js';
import { disassembleInstruction } from '../src/bytecode/disasm.js';
import { INSTRUCTION_SET } from '../src/bytecode/instruction-set.js';
import { OPS, Op, stackEffect } from '../src/bytecode/opcodes.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { drive } from '../src/hosts/driver.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { VM } from '../src/vm/vm.js';

const ROOT = join(import.meta.dirname, '..');

describe('the instruction table', () => {
  it('generates the Op enum (op.generated.ts is current)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderOpEnum());
    expect(OPS.map((o) => o.name)).toEqual(Object.keys(INSTRUCTION_SET));
    OPS.forEach((o, i) => expect(o.code).toBe(i));
  });

  it('has a case for every instruction in the dispatch loop or its rare instructions, once', () => {
    const read = (f: string) => readFileSync(join(ROOT, 'src/vm', f), 'utf8');
    const casesIn = (text: string) => [...text.matchAll(/case Op\.(\w+):/g)].map((m) => m[1]!);
    const loop = read('dispatch.ts');
    const cases = [...casesIn(loop), ...casesIn(read('rare-ops.ts'))];
    expect(new Set(cases)).toEqual(new Set(OPS.map((o) => o.name)));
    expect(cases.length).toBe(new Set(cases).size);
    // The loop hands exactly reloading-ops.ts's instructions to it, in one group of cases.
    const group = loop.slice(0, loop.indexOf('reloadingInstruction(vm'));
    const handed = casesIn(group.slice(group.lastIndexOf('break;')));
    expect(handed.length).toBeGreaterThan(0);
    expect(new Set(handed)).toEqual(new Set(casesIn(read('reloading-ops.ts'))));
  });

  it('gives widths and stack effects that depend on operands where they vary', () => {
    expect(OPS[Op.SpawnThread]!.width).toBe(4);
    expect(OPS[Op.Nil]!.width).toBe(1);
    expect(stackEffect(Op.Call, [3], [])).toBe(-3);
    expect(stackEffect(Op.CallMethod, [0, 2], [])).toBe(-2);
    expect(stackEffect(Op.MakeArray, [0], [])).toBe(1);
    expect(stackEffect(Op.MakeMap, [0], [{ kind: 'keys', keys: ['a', 'b'] }])).toBe(-1);
    expect(stackEffect(Op.MakeGene, [0, 2], [{ kind: 'keys', keys: ['a'] }])).toBe(-3);
    expect(stackEffect(Op.Await, [2], [])).toBe(-1);
    expect(stackEffect(Op.Await, [-2], [])).toBe(-2); // a ^timeout below the two Futures
    expect(stackEffect(Op.ThreadJoin, [1], [])).toBe(-1);
    for (const o of OPS) {
      const effect = stackEffect(o.code, o.operands.map(() => 0), [{ kind: 'keys', keys: [] }]);
      expect(Number.isInteger(effect), o.name).toBe(true);
    }
  });

  it('disassembles one instruction at a pc', () => {
    const unit = compileSource('(var x 1) (println x)', 'x.gene');
    expect(disassembleInstruction(unit, 0)).toBe('Int            1');
    expect(disassembleInstruction(unit, 2)).toBe('DefineGlobal   0 (x)');
  });
});

describe('GENE_TRACE=vm', () => {
  async function traced(source: string, traceVm: boolean): Promise<string[]> {
    const lines: string[] = [];
    const host = new LocalHost((_fd, text) => lines.push(text));
    const vm = new VM(host, DEFAULT_LIMITS, { traceVm });
    vm.load(compileSource(source, 't.gene'));
    await drive(vm, vm.run(), host);
    return lines;
  }

  it('prints each executed instruction with the thread id and the stack, before it runs', async () => {
    const lines = await traced('(var x (1 + 2)) (println x)', true);
    expect(lines[0]).toMatch(/^\[thread 0\] <module> 0000 Int\s+1\s+\[\]\n$/);
    expect(lines[1]).toMatch(/^\[thread 0\] <module> 0002 AddInt\s+2\s+\[1\]\n$/);
    expect(lines).toContain('3\n');
    expect(lines.at(-1)).toMatch(/Return\s+\[nil\]\n$/);
  });

  it('prints nothing when off', async () => {
    expect(await traced('(var x (1 + 2)) (println x)', false)).toEqual(['3\n']);
  });
});
