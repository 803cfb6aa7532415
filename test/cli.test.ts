// The `gene` command as a user runs it (gene-core §9): exit statuses and the one error line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const gene = join(import.meta.dirname, '..', 'bin', 'gene.js');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [gene, ...args], { encoding: 'utf8', input, timeout: 30_000 });

/** The folders `file` made: removed after the tests (a test run leaves nothing behind). */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gene-cli-'));
  made.push(dir);
  const p = join(dir, 't.gene');
  writeFileSync(p, text);
  return p;
}

describe('gene CLI', () => {
  it('runs a file and exits 0', () => {
    const r = run(['run', file('(println "hi" [1 2])')]);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'hi [1 2]\n', '']);
  });

  it('prints exactly one Error line with file:line:col and exits 1 on an uncaught error', () => {
    const p = file('(println "before")\n(fn f [] (throw "from f"))\n(f)\n');
    const r = run(['run', p]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toBe(`Error: GeneException at ${p}:2:10: "from f"\n`);
  });

  it('reports parse errors without running anything', () => {
    const p = file('(println 1)\n(println (1 2)\n');
    const r = run(['run', p]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^Error: ParseError at ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: expected '\\)'`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says when a file is missing', () => {
    const r = run(['run', '/no/such/file.gene']);
    expect([r.status, r.stderr]).toEqual([1, 'Error: File not found: /no/such/file.gene\n']);
  });

  it('evaluates code, shows help, version and bytecode', () => {
    expect(run(['eval', '(println (1 + 2 * 3))']).stdout).toBe('7\n');
    expect(run(['--help']).stdout).toContain('gene run FILE');
    expect(run(['--version']).stdout).toMatch(/^gene-ref \d+\.\d+\.\d+/);
    const d = run(['compile', '--disasm', file('(fn f [x] (x + 1))')]);
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('Add');
  });

  it('rejects unknown options with a usage error', () => {
    const r = run(['run', '--bogus', 'x.gene']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('Error: unknown option --bogus (see gene --help)\n');
  });

  it('evaluates multi-line forms in the REPL and prints each result', () => {
    const r = run(['repl'], '(var x\n  41)\n(x + 1)\n(println nope)\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('41');
    expect(r.stdout).toContain('42');
    expect(r.stdout).toContain('Error: UndefinedVariable');
  });
});
