// `gene repl` under a real pseudo-terminal (issue 12): Ctrl-C stops a runaway evaluation and an
// evaluation that waits, prints one line, and returns to the prompt with the variables intact.
// The terminal is driven by test/fixtures/pty-repl.py (Python's pty module); skipped without python3.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const python = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!python)('gene repl through a pseudo-terminal (needs python3; skipped when missing)', () => {
  it('Ctrl-C interrupts a runaway loop and a wait; the session continues', () => {
    const r = spawnSync('python3', [join(root, 'test/fixtures/pty-repl.py'), process.execPath, join(root, 'bin/gene.js')], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.stdout).toContain('Interrupted (Ctrl-C)');
    // Each of the two runaway evaluations is reported (the script checks one after each Ctrl-C).
    // Not exactly two: the script presses Ctrl-C again when no report came within 2 s (one press
    // can fall between two VM stretches), and on a loaded machine a slow first report then meets
    // a second press: a count of 3 was seen once at load 0.2.
    expect(r.stdout.match(/Interrupted/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(r.status).toBe(0);
  }, 200_000);
});
