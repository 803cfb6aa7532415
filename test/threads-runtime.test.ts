// The thread runtime end to end: real Gene programs run as child processes on the built code
// (`gene run`: thread 0 = MainThreadHost, Workers from dist/threads/worker-boot.cjs running the
// Worker bundle). Every run has a timeout and must end by itself; no expectation depends on
// interleaving or on sleeps.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { runOnThreads } from '../src/threads/run-main.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gene-threads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// `npm test` builds dist/ first; the programs run through the real CLI.
const gene_js = join(ROOT, 'bin/gene.js');

interface Run {
  out: string;
  err: string;
  status: number | null;
}

let n = 0;
/** Run a program; it must exit by itself within the timeout (THR-LIFE.4). */
function gene(source: string, args: string[] = [], env: Record<string, string> = {}, timeout = 30_000): Run {
  const file = join(scratch, `t${n++}.gene`);
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [gene_js, 'run', ...args, file], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, GENE_TRACE: '', ...env },
  });
  expect(r.signal, `the program did not exit by itself:\n${r.stdout}\n${r.stderr}`).toBeNull();
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe('spawn, spawn_return, join (THR-SPAWN, THR-JOIN)', () => {
  it('runs a body on another thread, joins it, and returns values', () => {
    const r = gene(`
      (var t (spawn (println "in thread" ($thread .id) (($thread .parent) == $main_thread))))
      (t .join)
      (println "joined" (t .alive))
      (println (await (spawn_return (21 * 2))) (await (spawn_return [1 "two" {^k 3.5}])))
      (println (await (spawn_return (await (spawn_return "nested")))))`);
    expect(r.out).toBe('in thread 1 true\njoined false\n42 [1 two {^k 3.5}]\nnested\n');
    expect(r.status).toBe(0);
  });

  it('captures variables and functions by copy, and passes ^args', () => {
    const r = gene(`
      (fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2)))))
      (var base 100)
      (var xs [1 2 3])
      (var f (spawn_return (xs .add 4) [(fib 15) base xs]))
      (println (await f) xs)
      ((spawn ^args {^k 7} (println "k is" k)) .join)
      (println (await (spawn_return (try nope catch UndefinedVariable $ex/kind))))`);
    expect(r.out).toBe('[610 100 [1 2 3 4]] [1 2 3]\nk is 7\nUndefinedVariable\n');
  });

  it('reports an unsendable capture in the spawner, and an unsendable result in the Future', () => {
    const r = gene(`
      (var fut (new gene/Future))
      (println (try (spawn_return fut) catch NotSendable $ex/kind))
      (println (try (await (spawn_return (new gene/Future))) catch NotSendable $ex/kind))`);
    expect(r.out).toBe('NotSendable\nNotSendable\n');
  });

  it('prints an uncaught error of a plain spawn as [thread N] Kind: message, exit status 0', () => {
    const r = gene('((spawn (10 % 0)) .join) (println "main goes on")');
    expect(r.err).toContain('[thread 1] DivisionByZero: ');
    expect(r.out).toBe('main goes on\n');
    expect(r.status).toBe(0);
  });

  it('rethrows a remote error with its kind, thread and trace', () => {
    const r = gene(`
      (try (await (spawn_return (assert false "remote boom")))
       catch AssertionFailed (println $ex/kind $ex/message $ex/thread ($ex/trace .contains "at")))`);
    expect(r.out).toBe('AssertionFailed remote boom 1 true\n');
  });
});

describe('the pool and handles (THR-POOL, THR-SECRET)', () => {
  it('raises ThreadPoolExhausted at --max-threads and reuses the lowest free slot', () => {
    const r = gene(`
      (var a (spawn (keep_alive)))
      (var b (spawn (keep_alive)))
      (println (try (spawn 1) catch ThreadPoolExhausted $ex/kind))
      (a .terminate)
      (println ((spawn (keep_alive)) .id))
      (b .terminate)
      (repeat 10 (await (spawn_return 1)))`, ['--max-threads', '2']);
    expect(r.out).toBe('ThreadPoolExhausted\n1\n');
    expect(r.status).toBe(0);
  });

  it('makes handles of ended threads stale: send raises, join returns, id reads, terminate does nothing', () => {
    const r = gene(`
      (var t (spawn nil))
      (t .join)
      (println (try (t .send 1) catch ThreadInvalid $ex/kind) (t .id) (t .alive))
      (t .join)
      (var u (spawn (keep_alive)))
      (println (u .id) (u == t) (try (t .terminate) catch ThreadInvalid "stale") (u .alive))`);
    expect(r.out).toBe('ThreadInvalid 1 false\n1 false nil true\n');
  });
});

describe('messages (THR-MSG, THR-MAIN.3, THR-CHAN)', () => {
  it('send_expect_reply is answered by the receiver’s callback; plain send returns nil', () => {
    const r = gene(`
      (var w (spawn ($thread .on_message (fn [m] (if ((m .payload) != "ignored") (m .reply ((m .payload) * 2))))) (keep_alive)))
      (println (await (w .send_expect_reply 21)) (w .send 5) (await (w .send_expect_reply "ignored")))`);
    expect(r.out).toBe('42 nil nil\n');
  });

  it('thread 0 dispatches messages to its own on_message callbacks', () => {
    const r = gene(`
      (var got (new gene/Future))
      ($thread .on_message (fn [m] (m .reply "thanks") (got .complete (m .payload))))
      (var w (spawn (await ($main_thread .send_expect_reply "hello main"))))
      (println (await got) (await (spawn_return (await ($main_thread .send_expect_reply "again")))))`);
    expect(r.out).toBe('hello main thanks\n');
  });

  it('recv takes the next message; messages from one sender keep their order', () => {
    const r = gene(`
      (var w (spawn (for i in [1 2 3 4 5] ($main_thread .send i))))
      (var got [])
      (repeat 5 (got .add ((await (recv)) .payload)))
      (println got)
      (var sender nil)
      (var m (await (recv ^timeout 10000 (do (sender = (spawn ($main_thread .send "from w"))) nil))))
      (println (m .payload) ((m .sender) .id) (sender .id))`);
    const [first, second, rest] = r.out.split('\n');
    expect(first).toBe('[1 2 3 4 5]');
    // The message names its sender: the thread the second spawn started (whichever slot it got).
    expect(second).toMatch(/^from w (\d+) \1$/);
    expect(rest).toBe('');
    expect(r.status).toBe(0);
  });

  it('a full mailbox raises ChannelFull in the sender', () => {
    const r = gene(`
      (for i in [1 2] ($thread .send i))
      (println (try ($thread .send 3) "accepted" catch ChannelFull $ex/kind))`, ['--channel-capacity', '2']);
    expect(r.out).toBe('ChannelFull\n');
  });
});

describe('life cycle (THR-LIFE)', () => {
  it('terminates a thread in an endless loop; its pending requests fail ThreadTerminated', () => {
    const r = gene(`
      (var t (spawn (loop nil)))
      (t .terminate)
      (println (t .alive))
      (var w (spawn ($thread .on_message (fn [m] (loop nil))) (keep_alive)))
      (var q (w .send_expect_reply 1))
      (w .terminate)
      (println (try (await q) catch ThreadTerminated $ex/kind))
      (println (try ($main_thread .terminate) catch ThreadInvalid $ex/kind))`);
    expect(r.out).toBe('false\nThreadTerminated\nThreadInvalid\n');
  });

  it('waits at the end for running threads and stops kept-alive ones', () => {
    const r = gene(`
      (spawn (var i 0) (while (i < 100000) (i += 1)) (println "worker done" i))
      (spawn ($thread .on_message (fn [m] nil)) (keep_alive))
      (println "main done")`);
    expect(r.out.split('\n').sort()).toEqual(['', 'main done', 'worker done 100000']);
    expect(r.status).toBe(0);
  });

  it('a Worker that runs out of memory crashes alone: ThreadCrashed, and others go on', () => {
    const r = gene(`
      (var f (spawn_return (var a []) (loop (a .add [1 2 3 4 5 6 7 8 "a string that takes room"]))))
      (println (try (await f) catch ThreadCrashed $ex/kind))
      (println (await (spawn_return "still working")))`, ['--thread-memory-mb', '32'], {}, 60_000);
    expect(r.out).toBe('ThreadCrashed\nstill working\n');
    // THR-LIFE.3: a spawn_return thread's crash reaches its Future only (it was printed twice).
    expect(r.err).not.toContain('ThreadCrashed');
    expect(r.status).toBe(0);
  }, 90_000);

  it('a wait nothing can complete is a Deadlock (exit status 1)', () => {
    const r = gene('(println "before")\n(await (recv))');
    expect(r.out).toBe('before\n');
    expect(r.err).toMatch(/^Error: Deadlock at .*:2:1: /m);
    expect(r.status).toBe(1);
  });

  it('a main body error exits 1 at once, stopping a runaway thread, keeping what threads printed (THR-LIFE.4)', () => {
    const r = gene('((spawn (println "side")) .join) (spawn (loop nil)) (throw "boom")');
    expect(r.err).toMatch(/Error: GeneException at .*: "boom"/);
    expect(r.out).toBe('side\n');
    expect(r.status).toBe(1);
  });
});

describe('in process', () => {
  it('runOnThreads runs thread 0 here (from source) and Workers from the compiled entry', async () => {
    let out = '';
    const unit = compileSource('(var t (spawn 1)) (t .join) (println (await (spawn_return (1 + 2))) (t .alive))', 'inproc.gene');
    const r = await runOnThreads(unit, DEFAULT_LIMITS, { sink: (_fd, text) => (out += text) });
    expect(r.kind).toBe('done');
    expect(out).toBe('3 false\n');
  });
});

describe('GENE_TRACE=threads', () => {
  it('logs spawns, messages and slot changes on stderr', () => {
    const r = gene('(var w (spawn (keep_alive))) (w .send [1 2]) (await (spawn_return 1))', [], { GENE_TRACE: 'threads' });
    expect(r.err).toContain('[trace] spawn 0 -> 1 (slot 1');
    expect(r.err).toMatch(/\[trace\] msg 0 -> 1 send \d+ bytes/);
    expect(r.err).toContain('[trace] end 2 (exited; slot 2 free)');
    expect(r.err).toMatch(/\[trace\] end 1 \(terminated/);
  });
});
