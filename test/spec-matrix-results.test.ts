// `gene spec --matrix` with several `--results`: one status column per implementation, side by
// side, named by each report's implementation (its --version line), never one replacing another.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specMain, type SpecIo } from '../src/spec/cli.js';

const ROOT = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'spec-matrix-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function report(name: string, implVersion: string, statuses: Record<string, string>): string {
  const file = join(scratch, `${name}.json`);
  const cases = Object.entries(statuses).map(([id, status]) => ({ id, status }));
  writeFileSync(file, JSON.stringify({ version: 2, impl: name, meta: { impl: name, implVersion }, cases }));
  return file;
}

describe('gene spec --matrix --results A --results B', () => {
  it('gives each report its own column', async () => {
    const a = report('ref', 'gene-ref 0.1.0', { 'thr.join.returns-nil-after-end': 'pass', 'thr.pool.lowest-free-slot': 'pass' });
    const b = report('nim', 'gene 0.1.0 (nim)', { 'thr.join.returns-nil-after-end': 'known-failure' });
    const output = join(scratch, 'matrix.md');
    let err = '';
    const io: SpecIo = { out: () => {}, err: (t) => void (err += t) };
    const code = await specMain(['--root', ROOT, '--matrix', '--results', a, '--results', b, '--output', output], io);
    expect(err).toBe('');
    expect(code).toBe(0);
    const text = readFileSync(output, 'utf8');
    expect(text).toContain('| rule | scenario | case | gene-ref 0.1.0 | gene 0.1.0 (nim) |');
    expect(text).toMatch(/`thr\.join\.returns-nil-after-end`.*\| pass \| known-failure \|/);
    expect(text).toMatch(/`thr\.pool\.lowest-free-slot`.*\| pass \| not run \|/);
    expect(text).toMatch(/Results \(gene-ref 0\.1\.0\): .*pass/);
    expect(text).toMatch(/Results \(gene 0\.1\.0 \(nim\)\): .*known-failure/);
  });
});
