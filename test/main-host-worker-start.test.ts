// THR-LIFE.5, the order of a Worker's start on the real MainThreadHost: a new Worker's message
// counts are reset before any port to it exists. test/deadlock-interleavings.test.ts shows, on a
// model, why the other order gives a false Deadlock (a peer posts its held task before the reset,
// which erases it); this test pins the order in `startWorker` itself, deterministically: it records
// the reset, the install of thread 0's own port and every port to the new Worker handed out later
// (the lazy mesh: when a thread on another Worker first has a message for it).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { DeadlockWatch } from '../src/threads/deadlock.js';
import { Mesh } from '../src/threads/mesh.js';
import { runOnThreads } from '../src/threads/run-main.js';

type Step = { what: 'reset' | 'port handed out' | 'thread 0 port installed'; w: number } | { what: 'printed'; text: string };

afterEach(() => vi.restoreAllMocks());

/** Run `source` on thread 0 here, recording the steps of every Worker start. */
async function workerStarts(source: string): Promise<{ steps: Step[]; out: string }> {
  const steps: Step[] = [];
  const setWorker = DeadlockWatch.prototype.setWorker;
  vi.spyOn(DeadlockWatch.prototype, 'setWorker').mockImplementation(function (this: DeadlockWatch, w, presence) {
    if (presence === 'starting') steps.push({ what: 'reset', w });
    return setWorker.call(this, w, presence);
  });
  const post = Mesh.prototype.post;
  vi.spyOn(Mesh.prototype, 'post').mockImplementation(function (this: Mesh, w, m, transfer) {
    if (!Array.isArray(m) && m.t === 'port') steps.push({ what: 'port handed out', w: m.peer });
    return post.call(this, w, m, transfer);
  });
  const install = Mesh.prototype.install;
  vi.spyOn(Mesh.prototype, 'install').mockImplementation(function (this: Mesh, peer, gen, port) {
    steps.push({ what: 'thread 0 port installed', w: peer });
    return install.call(this, peer, gen, port);
  });
  let out = '';
  const unit = compileSource(source, 'worker-start.gene');
  const r = await runOnThreads(unit, { ...DEFAULT_LIMITS, warmWorkers: 2 }, {
    sink: (_fd, text) => {
      out += text;
      steps.push({ what: 'printed', text });
    },
  });
  expect(r.kind).toBe('done');
  return { steps, out };
}

/**
 * Checks the order of each Worker start in `steps`: its reset, then thread 0's own port to it,
 * then any port to it handed to another Worker (the lazy mesh). Returns how many ports were made.
 */
function checkStartOrder(steps: Step[]): number {
  const started = new Map<number, 'reset' | 'installed'>();
  let ports = 0;
  for (const s of steps) {
    if (s.what === 'printed') continue;
    if (s.what === 'reset') {
      started.set(s.w, 'reset');
    } else if (s.what === 'thread 0 port installed') {
      expect(started.get(s.w), `Worker ${s.w}: thread 0 port installed before its counts were reset`).toBe('reset');
      started.set(s.w, 'installed');
    } else {
      expect(started.get(s.w), `Worker ${s.w}: a port to it handed out before its start (reset, thread 0's port)`).toBe('installed');
      ports++;
    }
  }
  return ports;
}

describe('a Worker start (THR-LIFE.5)', () => {
  it('resets the new Worker\'s message counts before any port to it exists', async () => {
    // Two warm Workers, then a third started for the third thread alive at once; a thread on one
    // Worker then spawns a child on another and sends it 50 messages, so the two get a port.
    const { steps, out } = await workerStarts(`
      (var ts [(spawn (keep_alive)) (spawn (keep_alive))])
      (println (await (spawn_return
        (var w (spawn
          (var seen [])
          (thread .on_message (fn [m] (if ((m .payload) == "end") (m .reply seen) else (seen .add (m .payload)))))
          (keep_alive)))
        (for i in (range 1 50) (w .send i))
        (var got (await (w .send_expect_reply "end")))
        (w .terminate)
        (got .size))))
      (for t in ts (t .terminate))`);
    expect(out).toBe('50\n');
    expect(steps.filter((s) => s.what === 'reset').length).toBeGreaterThanOrEqual(3);
    // The two Workers that talked got a port to each other: one end each.
    expect(checkStartOrder(steps)).toBe(2);
  });

  it('makes no port between Workers whose threads never talk to each other (the lazy mesh)', async () => {
    const { steps, out } = await workerStarts(`
      (var ts [(spawn (keep_alive)) (spawn (keep_alive)) (spawn (keep_alive))])
      (println (await (spawn_return 7)))
      (for t in ts (t .terminate))`);
    expect(out).toBe('7\n');
    expect(checkStartOrder(steps)).toBe(0);
  });

  it('starts the second warm Worker only once the first runs (THR-PERF cold spawn: the first has a core to itself)', async () => {
    // Thread 0's program runs right after the host is made, before any event; the first
    // Worker's 'online' is an event. So the second start must come after the first line printed.
    const { steps, out } = await workerStarts(`
      (println "first line")
      (println (await (spawn_return 7)))`);
    expect(out).toBe('first line\n7\n');
    // Under load the first Worker may even run the task before its 'online' reaches thread 0
    // (then the second starts after "7", or not at all when the program has ended): only the
    // order against the first line is fixed.
    const order = steps.filter((s) => s.what === 'reset' || s.what === 'printed').map((s) => (s.what === 'reset' ? `start ${s.w}` : 'printed'));
    expect(order[0]).toBe('start 1');
    expect(order.indexOf('printed'), `a second Worker started before thread 0's first line: ${order.join(', ')}`).toBe(1);
  });
});
