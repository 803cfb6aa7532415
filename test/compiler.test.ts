import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { disassemble } from '../src/bytecode/disasm.js';
import { OPS } from '../src/bytecode/opcodes.js';
import { CompileError } from '../src/values/errors.js';

describe('compiler', () => {
  it('has one table entry per opcode, in order', () => {
    OPS.forEach((o, i) => expect(o.code).toBe(i));
    expect(new Set(OPS.map((o) => o.name)).size).toBe(OPS.length);
  });

  it('emits the thread instructions (THR-API.3)', () => {
    const text = disassemble(compileSource('(fn f [] 1) (var t (spawn (println 1))) (t .send 1) (t .join)', 'x.gene'));
    for (const name of ['SpawnThread', 'SendMessage', 'ThreadJoin', 'CheckChannel']) expect(text).toContain(name);
  });

  it('captures free variables of a spawn body, but not builtins or ^args', () => {
    const text = disassemble(compileSource('(var x 1) (fn f [] x) (spawn ^args {^y 2} (println x y (f)))', 'x.gene'));
    expect(text).toMatch(/captures y; module names println x f/);
  });

  it('compiles without safepoints when asked (overhead benchmark)', () => {
    const unit = compileSource('(loop (break))', 'x.gene', { safepoints: false });
    expect(disassemble(unit)).not.toContain('CheckChannel');
  });

  it('rejects malformed forms with a CompileError at the form', () => {
    expect(() => compileSource('\n  (fn f x 1)', 'x.gene')).toThrow(CompileError);
    try {
      compileSource('\n  (fn f x 1)', 'x.gene');
    } catch (e) {
      expect((e as CompileError).message).toBe('x.gene:2:3: fn argument list must be an array, e.g. [a b]');
    }
  });
});
