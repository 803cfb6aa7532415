// THR-LIFE.5, the order of a Worker's start on the real MainThreadHost: a new Worker's message
// counts are reset before any port to it exists. test/deadlock-interleavings.test.ts shows, on a
// model, why the other order gives a false Deadlock (a peer posts its held task before the reset,
// which erases it); this test pins the order in `startWorker` itself, deterministically: it records
// the reset, every port handed out to the new Worker and the install of thread 0's own port.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileSource } from '../src/cli/compile.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { DeadlockWatch } from '../src/threads/deadlock.js';
import { Mesh } from '../src/threads/mesh.js';
import { runOnThreads } from '../src/threads/run-main.js';

type Step = { what: 'reset' | 'port handed out' | 'thread 0 port installed'; w: number };

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
  const r = await runOnThreads(unit, { ...DEFAULT_LIMITS, warmWorkers: 2 }, { sink: (_fd, text) => (out += text) });
  expect(r.kind).toBe('done');
  return { steps, out };
}

describe('a Worker start (THR-LIFE.5)', () => {
  it('resets the new Worker\'s message counts before any port to it exists', async () => {
    // Two warm Workers, then a third started for the third thread alive at once: the second and
    // the third get ports from the Workers already running.
    const { steps, out } = await workerStarts(`
      (var ts [(spawn (keep_alive)) (spawn (keep_alive)) (spawn (keep_alive))])
      (println (await (spawn_return 7)))
      (for t in ts (t .terminate))`);
    expect(out).toBe('7\n');
    // Each start of a Worker index is: its reset, the ports its peers get, thread 0's own port.
    // A port or an install with no reset of that start before it is the race's order.
    const open = new Map<number, number>(); // index -> ports handed out since its reset
    let peersSeen = 0;
    for (const s of steps) {
      if (s.what === 'reset') {
        expect(open.has(s.w), `Worker ${s.w} reset twice in one start`).toBe(false);
        open.set(s.w, 0);
        continue;
      }
      expect(open.has(s.w), `Worker ${s.w}: ${s.what} before its counts were reset`).toBe(true);
      if (s.what === 'port handed out') open.set(s.w, open.get(s.w)! + 1);
      else {
        peersSeen = Math.max(peersSeen, open.get(s.w)!);
        open.delete(s.w);
      }
    }
    expect(open.size).toBe(0);
    // The third Worker got ports from the two running before it.
    expect(peersSeen).toBeGreaterThanOrEqual(2);
  });
});
