// Fault tests (THR-LIFE.2–4, THR-MSG.6, THR-ERR): a worker that overflows its stack, one that
// exceeds --thread-memory-mb, threads terminated while handling a request, and thread 0's body
// throwing while threads run. Each runs as a real `gene run` child process in its own process
// group, with a timeout: it must exit by itself with the right status and output, the other
// threads must have kept working, and no process of its group may be left behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './runtime.js';

const GENE = join(ROOT, 'bin/gene.js');
const PROGRAMS = join(ROOT, 'fuzz/programs');
const scratch = mkdtempSync(join(tmpdir(), 'gene-faults-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  out: string;
  err: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** Is any process of group `pgid` still alive? */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * `node bin/gene.js run [args] file` in a new process group. Fails if it does not exit by itself
 * within `timeout` (the whole group is killed then), or if anything of its group outlives it.
 */
async function geneRun(file: string, args: string[] = [], timeout = 30_000): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [GENE, 'run', ...args, file], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GENE_TRACE: '' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const pgid = child.pid!;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, timeout);
  const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(timer);
  const ms = Date.now() - started;
  expect(timedOut, `the program did not exit within ${timeout} ms:\n${out}\n${err}`).toBe(false);
  expect(signal, `killed by a signal:\n${out}\n${err}`).toBeNull();
  // No process of its group survives it (Workers are threads of the child: they die with it).
  const until = Date.now() + 2000;
  while (groupAlive(pgid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(groupAlive(pgid), 'a process of the program’s group is left behind').toBe(false);
  return { out, err, status, signal, ms };
}

const program = (name: string) => join(PROGRAMS, `fault-${name}.gene`);
let n = 0;
function scratchProgram(source: string): string {
  const f = join(scratch, `p${n++}.gene`);
  writeFileSync(f, source);
  return f;
}

describe('faults in workers leave the process and the other threads working', () => {
  it('stack overflow in a worker (Gene recursion, in a callback): StackOverflow there only; deep data is no overflow', async () => {
    const r = await geneRun(program('stack'));
    expect(r.out).toBe(
      [
        'gene recursion: [StackOverflow true]',
        'deep equality: true',
        'in callback: StackOverflow true',
        'sending deep data: nil',
        'deep still alive: true',
        'others: 42 20000100000',
        'on thread 0: StackOverflow',
        'pool still works: ok',
        '',
      ].join('\n'),
    );
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
  });

  it('a worker over --thread-memory-mb crashes alone: ThreadCrashed in thread 0 and in another thread', async () => {
    const r = await geneRun(program('memory'), ['--thread-memory-mb', '32'], 60_000);
    expect(r.out).toBe(
      ['thread 0: ThreadCrashed', 'thread: ThreadCrashed', 'hog: false ThreadInvalid', 'others: 42 new thread ok', ''].join('\n'),
    );
    expect(r.err).toBe('[thread 2] ThreadCrashed: out of memory\n'); // THR-LIFE.3 fixes this reason
    expect(r.status).toBe(0);
  }, 90_000);

  it('terminated mid-message (by thread 0 and by a thread): the handled and the queued requests fail ThreadTerminated', async () => {
    const r = await geneRun(program('terminate'));
    expect(r.out).toBe(
      ['by thread 0: ThreadTerminated ThreadTerminated', 'slow: false ThreadInvalid', 'by a thread: false ThreadTerminated ThreadTerminated', 'others: 42 new thread ok', ''].join(
        '\n',
      ),
    );
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
  });

  it('thread 0 throws while threads run: every other thread stops at once (THR-LIFE.4), exit status 1', async () => {
    const r = await geneRun(program('main-throws'));
    expect(r.out).toBe('waiter got before the throw\nmain throws\n');
    expect(r.err).toMatch(/^Error: GeneException at .*fault-main-throws\.gene:14:1: "boom"\n$/);
    expect(r.status).toBe(1);
  });

  it('thread 0 fails with a runtime error while a worker crashes and another is terminated: still one clean exit', async () => {
    const r = await geneRun(
      scratchProgram(`
        (var hog (spawn (var a []) (loop (a .add [1 2 3 4 5 6 7 8 "room"]))))
        (var spin (spawn (loop nil)))
        (var keeper (spawn ($thread .on_message (fn [m] (m .reply m/.payload))) (keep_alive)))
        (hog .join)
        (spin .terminate)
        (println "after the crash:" (await (keeper .send_expect_reply "still here")) (spin .alive) (hog .alive))
        (10 % 0)`),
      ['--thread-memory-mb', '32'],
      60_000,
    );
    expect(r.out).toBe('after the crash: still here false false\n');
    expect(r.err).toMatch(/^\[thread 1\] ThreadCrashed: .*\nError: DivisionByZero at .*:8:9: .*\n$/);
    expect(r.status).toBe(1);
  }, 90_000);
});

// Regression tests for runtime bugs these suites found (fixed):
// - a spawn_return result nested too deeply to copy failed its Future with plain nil;
// - SlotTable.free() rotated the secret before the slot read Free, so a join or spawn_return
//   could return while the slot was still being freed and the next spawn found the pool full.
describe('regressions', () => {
  it('spawn-return-result-overflow: a 200,000-deep spawn_return result arrives (THR-MSG-COPY.4)', async () => {
    const r = await geneRun(
      scratchProgram(`
        (fn nest [n] (var a []) (repeat n (a = [a])) a)
        (println (try (== (await (spawn_return (nest 200000))) (nest 200000)) catch * [(typeof $ex) $ex/kind]))`),
    );
    expect(r.out).toBe('true\n');
  });
});

describe('regressions (slot table)', () => {
  it('slot-free-window: after spawn_return settled or join returned, the slot is free', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => geneRun(join(PROGRAMS, 'bug-slot-free-window.gene'), ['--max-threads', '1'], 120_000)));
    for (const r of runs) expect(r.out).toBe('ThreadPoolExhausted right after a spawn_return settled: 0 after a join returned: 0\n');
  }, 180_000);
});
