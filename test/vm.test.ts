import { describe, expect, it } from 'vitest';
import { runGene } from './helpers.js';

describe('VM', () => {
  it('runs recursion, closures and loops', async () => {
    const r = await runGene(`
      (fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2)))))
      (fn make_counter [] (var n 0) (fn [] (n += 1) n))
      (var c (make_counter)) (c) (c)
      (println (fib 15) (c))`);
    expect(r.out).toBe('610 3\n');
  });

  it('gives each for iteration its own captured variable', async () => {
    const r = await runGene(`
      (var fs [])
      (for x in [1 2 3] (fs .add (fn [] x)))
      (println (fs .map (fn [f] (f))))`);
    expect(r.out).toBe('[1 2 3]\n');
  });

  it('ends deep recursion in a catchable StackOverflow, not a crash', async () => {
    const r = await runGene(`
      (fn down [n] (+ 1 (down (n + 1))))
      (try (down 0) catch StackOverflow (println "caught" $ex/kind))
      (println "still running")`, { maxCallDepth: 500 });
    expect(r.out).toBe('caught StackOverflow\nstill running\n');
  });

  it('survives recursion deeper than the JavaScript stack would allow', async () => {
    const r = await runGene(`
      (fn count [n] (if (n == 0) 0 else (1 + (count (n - 1)))))
      (println (count 50000))`, { maxCallDepth: 100_000 });
    expect(r.out).toBe('50000\n');
  });

  it('names an undefined variable and its position', async () => {
    const r = await runGene('(println 1)\n(println  nope)');
    expect(r.error).toBe('Error: UndefinedVariable at t.gene:2:11: Undefined variable: nope');
  });

  it('runs finally on return, break and rethrow', async () => {
    const r = await runGene(`
      (fn f [] (try (return 1) finally (println "fin1")))
      (println (f))
      (loop (try (break) finally (println "fin2")))
      (try (try (throw "x") catch Int (println "no") finally (println "fin3")) catch * (println "outer" $ex))
      (try (try (throw "a") catch * (throw "b") finally (println "fin4")) catch * (println "got" $ex))`);
    expect(r.out).toBe('fin1\n1\nfin2\nfin3\nouter x\nfin4\ngot b\n');
  });

  it('awaits with a timeout', async () => {
    const r = await runGene(`
      (try (await ^timeout 10 (gene/sleep_async 5000)) catch AsyncTimeout (println "timed out"))`);
    expect(r.out).toBe('timed out\n');
  });

  it('reports a Deadlock instead of hanging on a future nothing can settle', async () => {
    const r = await runGene('(await (new gene/Future))');
    expect(r.error).toMatch(/^Error: Deadlock at t\.gene:1:1:/);
  });

  it('keeps integers within 48 bits', async () => {
    const r = await runGene('(try (140737488355327 + 1) catch IntegerOverflow (println $ex/kind))');
    expect(r.out).toBe('IntegerOverflow\n');
  });

  it('runs future callbacks queued while pending exactly once', async () => {
    const r = await runGene(`
      (var f (new gene/Future))
      (f .on_success (fn [v] (println "cb" v)))
      (f .complete 7)
      (f .complete 8)
      (println (await f))`);
    expect(r.out).toBe('7\ncb 7\n');
  });

  it('keeps builtin namespaces read-only, so a reused worker keeps nothing of a task (THR-RESET.1)', async () => {
    const r = await runGene(`
      (try (gene/extra = 1) catch TypeError (println "gene:" $ex/message))
      (try (time .set "now" 1) catch TypeError (println "time:" $ex/kind))`);
    expect(r.out).toBe('gene: gene is a builtin namespace and cannot be changed\ntime: TypeError\n');
  });
});
