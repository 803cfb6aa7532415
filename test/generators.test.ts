// Generators (spec/language/generators.md): nesting (a body that drives another generator),
// waits inside a body, sending one to a thread. The basic behaviour is in conformance/cases/lang/gen.
import { describe, expect, it } from 'vitest';
import { runGene } from './helpers.js';

describe('generators', () => {
  it('a body may drive another generator; each yield goes to its own generator', async () => {
    const r = await runGene([
      '(fn inner* [] (yield "a") (yield "b"))',
      '(fn outer* [] (var i (inner*)) (yield (i .next)) (yield 1) (yield (i .next)))',
      '(var o (outer*))',
      '(println (o .next) (o .next) (o .next) (o .next))',
    ].join('\n'));
    expect(r.error).toBeUndefined();
    expect(r.out).toBe('a 1 b not_found\n');
  });

  it('a wait inside a body is a TypeError that ends the generator', async () => {
    const r = await runGene('(fn w* [] (await (new gene/Future)) (yield 1))\n(var g (w*))\n(try (g .next) catch TypeError (println "caught" $ex/message))\n(println (g .next))');
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/^caught a generator's body cannot wait \(await\); only yield suspends it\nnot_found\n$/);
  });

  it('many generators, each with its own stack, interleave', async () => {
    const r = await runGene('(fn up* [n] (var i 0) (while (i < n) (yield i) (i += 1)))\n(var gs [(up* 3) (up* 3)])\n(var out [])\n(repeat 3 (for g in gs (out .add (g .next))))\n(println out)');
    expect(r.out).toBe('[0 0 1 1 2 2]\n');
  });
});
