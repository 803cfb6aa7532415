// Result and Option (spec/language/variants.md): the compile errors of case, and that `?` and
// case compile to the variant test. The language behaviour is in conformance/cases/lang/variant.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { disassemble } from '../src/bytecode/disasm.js';

describe('Result and Option', () => {
  it('compiles ? and variant patterns to IsVariant, value patterns to ==', () => {
    const text = disassemble(compileSource('(fn f [r] (var v (r ?)) (case v when (Ok x) x when 3 "three"))', 't.gene'));
    expect(text).toContain('IsVariant');
    expect(text).toMatch(/IsVariant\s+\d+ \("Err None"\)/);
    expect(text).toMatch(/IsVariant\s+\d+ \("Ok"\)/);
    expect(text).toContain('Eq');
  });

  const errors: [string, RegExp][] = [
    ['(case)', /^t\.gene:1:1: case expects a value to match/],
    ['(println 1)\n(case 1 1 "one")', /^t\.gene:\d+:\d+: case: expected when or else, got 1/],
    ['(case 1 else 2 when 1 3)', /case: else must be the last clause/],
    ['(case 1 when (Ok a b) 3)', /case: a Ok pattern takes one name, as \(Ok v\)/],
    ['(case 1 when (Some [a]) 3)', /case: bad binding in a Some pattern: expected a name/],
  ];
  for (const [source, expected] of errors) {
    it(`compile error: ${source}`, () => expect(() => compileSource(source, 't.gene')).toThrow(expected));
  }
});
