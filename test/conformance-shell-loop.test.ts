// conformance/run-cases.sh, the suite without Node (docs/implementers.md "Without Node"): it must
// judge like the runner, in particular drop the `## error:` line before comparing output (the old
// loop in the guide did not, and failed 8 cases against gene-ref itself).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'conformance', 'run-cases.sh');
const FAKE = `${process.execPath} ${join(ROOT, 'test/fixtures/fake-impl/fake-gene.mjs')}`;
const scratch = mkdtempSync(join(tmpdir(), 'shell-loop-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function loop(gene: string, dir: string): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync('sh', [SCRIPT, gene, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { status: err.status, out: err.stdout };
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.gene') ? [join(dir, e.name)] : []));
}

describe('conformance/run-cases.sh', () => {
  it('judges exit status, the error line and output like the runner (fake implementation)', () => {
    const dir = join(scratch, 'fake');
    mkdirSync(dir);
    const write = (name: string, lines: string[]) => writeFileSync(join(dir, name), lines.join('\n') + '\n');
    write('error-ok.gene', ['## error: TypeError', ';fake: print before', ';fake: error TypeError boom', '# Expected: before']);
    write('error-wrong-kind.gene', ['## error: TypeError', ';fake: error IndexError boom']);
    write('output-wrong.gene', [';fake: print  a   b ', ';fake: print', '# Expected: a b c']);
    write('exit-code.gene', ['# ExitCode: 3', ';fake: exit 3']);
    write('args.gene', ['# Args: --max-threads 2', ';fake: args', '# Expected: args: --max-threads|2']);
    write('writes.gene', [';fake: write cache.gir x', ';fake: print done', '# Expected: done']);
    const r = loop(FAKE, dir);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('4 passed, 2 failed');
    expect(r.out).toContain('error-wrong-kind.gene: no uncaught-error line for TypeError');
    expect(r.out).toContain('output-wrong.gene: output differs');
    expect(r.status).toBe(1);
    expect(readdirSync(dir).sort()).not.toContain('cache.gir');
  });

  it('passes gene-ref on every case with ## error: or # ExitCode:', () => {
    const dir = join(scratch, 'ref');
    const cases = join(ROOT, 'conformance', 'cases');
    const picked = walk(cases).filter((f) => /^(## error:|# ExitCode:)/m.test(readFileSync(f, "utf8")));
    expect(picked.length).toBeGreaterThan(20);
    for (const f of picked) cpSync(f, join(dir, relative(cases, f)));
    const r = loop(`${process.execPath} ${join(ROOT, 'bin', 'gene.js')}`, dir);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(`${picked.length} passed, 0 failed`);
    expect(r.status).toBe(0);
  }, 300_000);
});
