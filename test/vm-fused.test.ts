// THR-PERF VM speed: the emitter fuses loop statements (`x += k`, `x += y` on locals, a local
// compared with an Int as a condition) into single instructions. Each must behave exactly like
// the instructions it replaces, whatever the values, and never swallow a jump target. The
// reference is the same code on module variables, which is never fused.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { disassemble } from '../src/bytecode/disasm.js';
import { runGene } from './helpers.js';

const fusedOps = (src: string) => disassemble(compileSource(src, 'x.gene')).match(/\b(IncLocal|AddLocal|JumpUnlessLocal\w+|LoopWhileLocal\w+)\b/g) ?? [];

/** `body` run in a function (locals: fused) and at top level (module variables: not fused). */
async function bothWays(vars: string, body: string): Promise<[string, string]> {
  const inFn = await runGene(`(fn f [] ${vars} ${body}) (println (f))`);
  const top = await runGene(`${vars} (println (do ${body}))`);
  return [inFn.error ?? inFn.out, top.error ?? top.out];
}

describe('fused loop instructions', () => {
  it('fuses a counting loop in a function into a head and three instructions a turn', () => {
    expect(fusedOps('(fn run [] (var i 0) (var s 0) (while (i < 10) (s += i) (i += 1)) s)')).toEqual(['JumpUnlessLocalLtInt', 'AddLocal', 'IncLocal', 'LoopWhileLocalLtInt']);
    expect(fusedOps('(fn run [] (var i 9) (while (i >= 0) (i += -1)) i)')).toEqual(['JumpUnlessLocalGeInt', 'IncLocal', 'LoopWhileLocalGeInt']);
    // The head is an inner `if`'s test, not the loop's: the back-edge stays a plain Loop.
    expect(fusedOps('(fn run [] (var i 0) (while (if (i < 3) true else (i <= 5)) (i += 1)) i)')).toEqual(['JumpUnlessLocalLtInt', 'IncLocal']);
    expect(fusedOps('(fn f [n] (if (n <= 1) 1 elif (n > 5) 2 elif (n >= 3) 3 else 4))')).toEqual(['JumpUnlessLocalLeInt', 'JumpUnlessLocalGtInt', 'JumpUnlessLocalGeInt']);
    expect(fusedOps('(var i 0) (while (i < 10) (i += 1))')).toEqual([]);
  });

  it('computes what the unfused instructions compute, for every kind of value', async () => {
    const cases: [string, string][] = [
      ['(var i 0) (var s 0)', '(while (i < 1000) (s += i) (i += 1)) s'],
      ['(var x 0.5) (var y 0.25)', '(x += 1) (x += y) x'],
      ['(var x 1.5) (var r [])', '(if (x < 2) (r .add 1)) (if (x <= 1) (r .add 2)) (if (x > 1) (r .add 3)) (if (x >= 2) (r .add 4)) r'],
      ['(var n 2) (var r [])', '(if (n < 2) (r .add 1)) (if (n <= 2) (r .add 2)) (if (n > 2) (r .add 3)) (if (n >= 2) (r .add 4)) r'],
      ['(var i 0)', '(while (i <= 5) (i += 2)) i'],
      ['(var i 10)', '(while (i > -3) (i += -4)) i'],
      ['(var i 0) (var s 0)', '(while (i < 10) (i += 1) (if (i == 5) (continue)) (s += i)) s'],
      ['(var i 0) (var s 0)', '(while (i <= 10) (i += 1) (if (i == 7) (break)) (s += i)) [i s]'],
      ['(var i 0)', '(while (if (i < 3) true else (i <= 5)) (i += 1)) i'],
      ['(var i 0) (var n 0)', '(while (i < 4) (var j 0) (while (j < i) (n += j) (j += 1)) (i += 1)) n'],
      ['(var i 0.5)', '(while (i < 3) (i += 1)) i'],
    ];
    for (const [vars, body] of cases) {
      const [fused, plain] = await bothWays(vars, body);
      expect(fused, body).toBe(plain);
      expect(fused, body).not.toMatch(/^Error/);
    }
  });

  it('raises the same errors at the same place as the unfused instructions', async () => {
    const cases: [string, string][] = [
      ['(var x 140737488355327)', '(x += 1) x'],
      ['(var x 140737488355327) (var y 1)', '(x += y) x'],
      ['(var x "a") (var y 1)', '(x += y) x'],
      ['(var x "a")', '(x += 1) x'],
      ['(var x "a")', '(if (x < 1) 1 else 2)'],
      ['(var x nil)', '(while (x >= 1) nil)'],
      // Raised by the back-edge's copy of the test: at the condition, as the head's test would.
      ['(var x 0)', '(while (x < 5) (x = "a"))'],
      ['(var x 0)', '(while (x >= 0) (x = nil))'],
    ];
    for (const [vars, body] of cases) {
      const [fused, plain] = await bothWays(vars, body);
      const kind = (s: string) => /^Error: (\w+) at t\.gene:1:\d+: (.*)$/.exec(s.trim())?.slice(1);
      // The same place: the columns differ only by what precedes the body in each program.
      const col = (s: string, before: string) => Number(/t\.gene:1:(\d+)/.exec(s)?.[1]) - before.length;
      expect(col(fused, `(fn f [] ${vars} `), body).toBe(col(plain, `${vars} (println (do `));
      expect(kind(fused), body).toEqual(kind(plain));
      expect(kind(fused), body).toBeDefined();
    }
  });

  it('keeps the fused back-edge a safepoint: a callback runs while the loop turns', async () => {
    // A message to itself is delivered at a safepoint: inside the loop, before "done".
    const src = `($thread .on_message (fn [m] (println "got" (m .payload))))
      (fn spin [] ($thread .send 1) (var i 0) (while (i < 200000) (i += 1)) i)
      (println "done" (spin))`;
    expect(fusedOps(src)).toContain('LoopWhileLocalLtInt');
    // Through the CLI: thread 0's own mailbox needs the thread runtime (`npm test` builds dist/ first).
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/gene.js', import.meta.url)), 'eval', src], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('got 1\ndone 200000\n');
  });

  it('does not fuse across a jump target', async () => {
    // LoadLocal x; AddInt 1; StoreLocal x; Pop — but the `then` branch jumps to the AddInt.
    const src = '(fn f [c] (var x 10) (x = ((if c 5 else x) + 1)) x)';
    expect(fusedOps(src)).toEqual([]);
    expect((await runGene(`${src} (println (f true) (f false))`)).out).toBe('6 11\n');
  });
});
