// Type annotations (spec/language/types.md): what the compiler emits (nothing for unannotated
// code, LANG-TYPE.6), where a mismatch is reported, conversions of captured parameters, the
// warning's stream, and the compile errors. The language behaviour is in conformance/cases/lang/type.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { disassemble } from '../src/bytecode/disasm.js';
import { runGene } from './helpers.js';

describe('type annotations', () => {
  it('compiles unannotated functions to exactly the code they had before (LANG-TYPE.6)', () => {
    const plain = disassemble(compileSource('(fn add [x y] (x + y)) (var n 1) (add n 2)', 't.gene'));
    expect(plain).not.toMatch(/CheckParam|CheckType/);
    const typed = disassemble(compileSource('(fn add [x: Int y] -> Int (x + y)) (var n: Int 1) (add n 2)', 't.gene'));
    expect(typed.match(/CheckParam/g)).toHaveLength(1);
    expect(typed.match(/CheckType/g)).toHaveLength(2); // the return and the var
    expect(typed).toContain('CheckParam     0 1 (<Int for parameter x of add>)');
    // The typed function's code is the plain one plus its checks, instruction for instruction.
    const ops = (text: string) => text.split('\n').map((l) => /^\d+\s+\S+\s+(\w+)/.exec(l)?.[1]).filter((o) => o !== undefined && !o.startsWith('Check'));
    expect(ops(typed)).toEqual(ops(plain));
    expect(ops(plain).length).toBeGreaterThan(10);
  });

  it('reports a parameter mismatch at the call, naming the parameter, function and types (LANG-TYPE.2)', async () => {
    const r = await runGene('(fn add [x: Int y: Int]\n  (x + y))\n(println 1)\n(add 1\n  "2")');
    expect(r.out).toBe('1\n');
    expect(r.error).toBe('Error: TypeError at t.gene:4:1: parameter y of add expects Int, got String');
  });

  it('converts a captured parameter in its cell, and a return value (LANG-TYPE.4)', async () => {
    const r = await runGene('(fn f [x: Float] (fn [] x)) (fn g [] -> Float 2) (println ((f 3)) (g))');
    expect(r.out).toBe('3.0 2.0\n');
  });

  it('writes the lossy-conversion warning to stderr', async () => {
    const r = await runGene('(fn f [n: Int] n) (println (f 3.9) (f 4.0))');
    expect(r.out).toBe('3 4\n');
    expect(r.err).toBe('Warning: Lossy conversion Float -> Int for n: 3.9 -> 3\n');
  });

  it('checks the value of every (return v), also inside try/finally', async () => {
    const r = await runGene('(fn f [x] -> Int (try (return x) finally (println "fin"))) (println (f 1)) (f "s")');
    expect(r.out).toBe('fin\n1\nfin\n');
    expect(r.error).toMatch(/^Error: TypeError at .*: return value of f expects Int, got String$/);
  });

  const compileErrors: [string, RegExp][] = [
    ['(fn f [x:] x)', /parameter x: needs a type/],
    ['(type (Result 5) (Ok T))', /bad type parameter 5: expected a name/],
    ['(type A)', /type expects \(type Name T\)/],
    ['(fn f [x: 5] x)', /bad type 5/],
    ['(var x: Int 1 2)', /var expects/],
  ];
  for (const [source, expected] of compileErrors) {
    it(`compile error: ${source}`, () => expect(() => compileSource(source, 't.gene')).toThrow(expected));
  }
});
