// Every program under examples/ runs and prints what its `# Expected:` lines say (issue 7).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('examples', () => {
  it('all run with their expected output', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'gene.js'), 'conformance', join(root, 'examples')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.stdout + r.stderr).toMatch(/\b0 failed\b/);
    expect(r.status).toBe(0);
  }, 300_000);
});
