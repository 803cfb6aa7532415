// Internal errors ("cannot happen") are kept apart from Gene errors: Gene code cannot catch one,
// the CLI prints one line and exits 70, and the JavaScript stack appears only under
// GENE_TRACE=internal. Faults are injected on purpose (a stdout that throws).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { VM } from '../src/vm/vm.js';

const ROOT = join(import.meta.dirname, '..');
const FAULT = join(ROOT, 'test', 'fixtures', 'faults', 'stdout-throws.mjs');

function geneWithBrokenStdout(code: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', FAULT, join(ROOT, 'bin', 'gene.js'), 'eval', code], {
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
});
