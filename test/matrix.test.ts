// docs/conformance-matrix.md is generated (`npm run matrix`); it must not fall behind the spec.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../src/spec/spec-index.js';

const root = join(import.meta.dirname, '..');

describe('conformance matrix', () => {
  it('lists every rule of the spec (regenerate with npm run matrix)', () => {
    const matrix = readFileSync(join(root, 'docs', 'conformance-matrix.md'), 'utf8');
    const missing = loadSpec(root).rules.map((r) => r.anchor).filter((a) => !matrix.includes(a));
    expect(missing).toEqual([]);
  });
});
