// Contracts (spec/language/contracts.md): compile errors, the --contracts option, and that a
// function without ^pre/^post (or with contracts off) compiles no checks. The language
// behaviour is in conformance/cases/lang/contract.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { disassemble } from '../src/bytecode/disasm.js';

describe('contracts', () => {
  it('compiles ContractFail only where there are conditions, and none with contracts off', () => {
    const src = '(fn f [x] ^pre [(x > 0)] ^post [(result > 0)] x) (fn g [x] x)';
    const on = disassemble(compileSource(src, 't.gene', { safepoints: true }));
    expect(on.match(/ContractFail/g)).toHaveLength(2);
    expect(on).toContain('<f precondition #1 failed: (x > 0)>');
    const off = disassemble(compileSource(src, 't.gene', { safepoints: true, contracts: false }));
    expect(off).not.toContain('ContractFail');
  });

  it('rejects conditions that are not an array', () => {
    expect(() => compileSource('(fn f [x] ^pre (x > 0) x)', 't.gene')).toThrow(/\^pre expects an array of conditions/);
  });

  it('takes --contracts=off and --contracts on, and rejects other values with a usage error', () => {
    const gene = (...args: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'gene.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
    const src = '(fn f [x] ^pre [(x > 0)] x) (println (f -1))';
    expect(gene('eval', '--contracts=off', src).stdout).toBe('-1\n');
    expect(gene('eval', '--contracts', 'on', src).stderr).toMatch(/^Error: ContractViolation at <eval>:1:1: f precondition #1 failed/);
    const bad = gene('eval', '--contracts=maybe', src);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('Error: --contracts expects on or off, got maybe\n');
  });
});
