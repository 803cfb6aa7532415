// The conformance suite, run against gene-ref itself through the built CLI (DESIGN §3).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const gene = join(root, 'bin', 'gene.js');

describe('conformance suite against gene-ref', () => {
  it('is built', () => {
    expect(existsSync(join(root, 'dist', 'cli', 'main.js'))).toBe(true);
  });

  it('passes every case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gene-conf-'));
    const report = join(dir, 'report.json');
    let status = 0;
    try {
      execFileSync(process.execPath, [gene, 'conformance', '--reporter', 'json', '--output', report], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, CI: process.env.CI ?? '' },
      });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      summary: { failed: number; passed: number };
      cases: { id: string; status: string; reason?: string; output?: string }[];
    };
    rmSync(dir, { recursive: true, force: true });
    const failed = json.cases.filter((c) => c.status === 'failed' || c.status === 'fail');
    // A failure shows what the case printed (with GENE_TRACE=internal, vitest.config.ts): a rare
    // one must explain itself the first time it shows.
    expect(failed.map((c) => `${c.id}: ${c.reason ?? ''}\n${c.output ?? ''}`)).toEqual([]);
    expect(json.summary.passed).toBeGreaterThan(150);
    expect(status).toBe(0);
  }, 600_000);
});
