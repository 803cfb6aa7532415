// Private copies of dist/ for figures that compare the built VM with a modified one: each copy is
// its own module graph (JIT'd apart from the others) and can have the GENE_TRACE=vm test compiled out.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DistCopy {
  dir: string;
  remove: () => void;
}

/**
 * A copy of dist/, with the GENE_TRACE=vm test (the `if (tracer !== null) tracer(…)` statement of
 * the dispatch loop) removed when `untraced`.
 */
export function copyDist(untraced: boolean): DistCopy {
  const dir = mkdtempSync(join(tmpdir(), 'gene-vm-copy-'));
  cpSync(fileURLToPath(new URL('../dist/', import.meta.url)), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  if (untraced) {
    const file = join(dir, 'vm', 'dispatch.js');
    const text = readFileSync(file, 'utf8');
    const stripped = text.replace(/if \(tracer !== null\)\s*tracer\([^;]*\);/g, '');
    if (stripped.length === text.length) throw new Error('bench: the trace test was not found in dist/vm/dispatch.js');
    writeFileSync(file, stripped);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
