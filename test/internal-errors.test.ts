// Internal errors ("cannot happen") are kept apart from Gene errors: Gene code cannot catch one,
// the CLI prints one line and exits 70, and the JavaScript stack appears only under
// GENE_TRACE=internal. Faults are injected on purpose (a stdout that throws, in thread 0 or only
// in Workers). An internal error in a Worker is not that thread's error either: it ends the process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { VM } from '../src/vm/vm.js';

const ROOT = join(import.meta.dirname, '..');
const FAULT = join(ROOT, 'test', 'fixtures', 'faults', 'stdout-throws.mjs');
const WORKER_FAULT = join(ROOT, 'test', 'fixtures', 'faults', 'worker-stdout-throws.mjs');

function geneWithBrokenStdout(code: string, env: NodeJS.ProcessEnv = {}, fault = FAULT) {
  return spawnSync(process.execPath, ['--import', fault, join(ROOT, 'bin', 'gene.js'), 'eval', code], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, GENE_TRACE: '', ...env },
  });
}

describe('internal errors', () => {
  it('cannot be caught by Gene code', () => {
    let err = '';
    const host = new LocalHost((fd, text) => {
      if (fd === 1) throw new Error('injected fault');
      err += text;
    });
    const vm = new VM(host, DEFAULT_LIMITS);
    vm.load(compileSource('(try (println "x") catch * (println "caught"))', 't.gene'));
    expect(() => vm.run()).toThrow('injected fault');
    expect(err).toBe('');
  });

  it('print one line and exit 70 from the CLI, with no JavaScript stack', () => {
    const r = geneWithBrokenStdout('(try (println "x") catch * (println "caught"))');
    expect(r.status).toBe(70);
    expect(r.stderr).toBe('Error: InternalError: injected fault: stdout is broken\n');
  });

  it('show the JavaScript stack under GENE_TRACE=internal', () => {
    const r = geneWithBrokenStdout('(println "x")', { GENE_TRACE: 'internal' });
    expect(r.status).toBe(70);
    expect(r.stderr.split('\n')[0]).toBe('Error: InternalError: injected fault: stdout is broken');
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  describe('in a Worker', () => {
    const line = 'Error: InternalError in thread 1: injected fault: stdout is broken in a Worker\n';
    const inWorker = (code: string, env: NodeJS.ProcessEnv = {}) => geneWithBrokenStdout(code, env, WORKER_FAULT);

    it('is not an error the joiner can catch: one line naming the thread, exit 70', () => {
      const r = inWorker('(println "before") (var t (spawn (println "in worker"))) (try (t .join) catch * (println "caught" $ex/kind)) (println "after")');
      expect(r.signal).toBeNull();
      expect(r.stdout).toBe('before\n');
      expect(r.stderr).toBe(line);
      expect(r.status).toBe(70);
    });

    it('does not fail a spawn_return Future (nothing to catch), and ends a thread 0 that never waits', () => {
      const awaited = inWorker('(println (try (await (spawn_return (println "x") 1)) catch * ["caught" $ex/kind]))');
      expect([awaited.signal, awaited.stdout, awaited.stderr, awaited.status]).toEqual([null, '', line, 70]);
      // Thread 0 runs a loop that never ends: only the internal error can end the process.
      const busy = inWorker('(spawn (println "x")) (var i 0) (while true (i += 1))');
      expect([busy.signal, busy.stdout, busy.stderr, busy.status]).toEqual([null, '', line, 70]);
    });

    it('shows the Worker\'s JavaScript stack under GENE_TRACE=internal', () => {
      const r = inWorker('(spawn (println "x"))', { GENE_TRACE: 'internal' });
      expect(r.status).toBe(70);
      expect(r.stderr.split('\n')[0]).toBe(line.trimEnd());
      expect(r.stderr).toMatch(/\n\s+at /);
    });
  });
});
