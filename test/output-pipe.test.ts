// THR-IO.1: lines from one println never interleave with another thread's, also on a pipe whose
// reader is slow and with lines larger than the pipe's buffer (partial writes are retried under
// one lock shared by every OS thread). A real `gene run` writes into a real pipe; the reader
// starts reading late, so the writers meet a full pipe (EAGAIN) and partial writes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const GENE = join(import.meta.dirname, '..', 'bin', 'gene.js');

/** Each thread prints lines of one letter, 10 KB to 200 KB long (a pipe buffer is 64 KB). */
const PROGRAM = `
(fn shout [letter]
  (var sizes [10000 70000 200000 30000 131000])
  (var chunk "")
  (repeat 1000 (chunk .append letter))
  (repeat 3
    (for n in sizes
      (var line "")
      (var i 0)
      (while (i < (n / 1000)) (line .append chunk) (i += 1))
      (println line))))
(var a (spawn (shout "a")))
(var b (spawn (shout "b")))
(shout "m")
(a .join)
(b .join)
(println "end")
`;

/** Run the program with stdout into a pipe nobody reads until the writers have filled it. */
function runThroughSlowPipe(file: string): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    // The shell's pipe (not Node's): the reader sleeps before it reads anything.
    const child = spawn('sh', ['-c', `node "${GENE}" run "${file}" | (sleep 1; cat)`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ out, code }));
  });
}

describe('output through a slow pipe', () => {
  it('keeps every line whole and loses none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gene-pipe-'));
    const file = join(dir, 'shout.gene');
    writeFileSync(file, PROGRAM);
    const { out, code } = await runThroughSlowPipe(file).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.pop()).toBe('end');
    const mixed = lines.filter((l) => !/^(a+|b+|m+)$/.test(l));
    expect(mixed.length).toBe(0);
    for (const letter of 'abm') {
      const mine = lines.filter((l) => l[0] === letter).map((l) => l.length);
      expect(mine).toEqual([10000, 70000, 200000, 30000, 131000, 10000, 70000, 200000, 30000, 131000, 10000, 70000, 200000, 30000, 131000]);
    }
  }, 60_000);
});
