// THR-LIFE.5's detector (src/threads/deadlock.ts) under a controlled scheduler: several simulated
// OS threads share one set of activity words and one slot table, and fast-check picks the order
// of their steps. A step here is one call into the detector (each is atomic on one JavaScript
// thread; the detector's own claim of an instant is a CAS on CHANGES). Found by the fan-in bench:
// thread 0 marks a Worker it terminates as busy ending, the Worker — still running until the
// terminate lands — goes idle and overwrote the mark, and thread 0's wait for the terminate was
// declared a deadlock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlockWatch } from '../src/threads/deadlock.js';
import { Doorbell } from '../src/threads/doorbell.js';
import { SlotTable } from '../src/threads/protocol/table.js';
import { interleave, type Actor } from './interleave.js';

const schedules = fc.array(fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 1, max: 6 })), { maxLength: 30 });

/** One OS thread's detector, having seen its signal word's current value. */
function watch(sab: SharedArrayBuffer, slots: SlotTable, index: number): DeadlockWatch {
  return new DeadlockWatch(sab, index, slots, () => Atomics.load(slots.i32, slots.signalIndex(index)), () => index);
}

describe('THR-LIFE.5 deadlock detection under a controlled scheduler', () => {
  it('a Worker being terminated never makes the terminate look like a deadlock, whatever it does before it stops', () => {
    fc.assert(
      fc.property(schedules, fc.array(fc.constantFrom('idle', 'running'), { minLength: 1, maxLength: 6 }), (schedule, moves) => {
        const slots = SlotTable.create(4);
        const sab = DeadlockWatch.create();
        const t0 = watch(sab, slots, 0);
        const w1 = watch(sab, slots, 1);
        t0.setWorker(1, 'starting');
        let stopped = false;
        let report: string | null = null;
        const terminateWait = {};
        const main = function* (): Actor {
          t0.setWorker(1, 'stopping');
          yield 'mark Worker 1 stopping';
          report ??= t0.block(terminateWait, 'terminate <Thread 1>');
          yield 'block on the terminate';
          // The terminate lands: the Worker runs no more; its exit reaches thread 0.
          stopped = true;
          t0.running();
          yield 'woken by the exit';
          t0.setWorker(1, 'gone');
          yield 'Worker 1 gone';
        };
        const worker = function* (): Actor {
          for (const move of moves) {
            if (stopped) return;
            if (move === 'idle') w1.idle();
            else w1.running();
            yield move;
          }
        };
        const trace = interleave({ main: main(), worker: worker() }, schedule);
        if (report !== null) throw new Error(`deadlock declared: ${report}\ninterleaving: ${trace.join(' → ')}`);
      }),
      { seed: 7301, numRuns: 2000 },
    );
  });

  it('a wait nothing can end is declared, once every other thread sleeps with nothing on its way', () => {
    fc.assert(
      fc.property(schedules, (schedule) => {
        const slots = SlotTable.create(4);
        const sab = DeadlockWatch.create();
        const t0 = watch(sab, slots, 0);
        const w1 = watch(sab, slots, 1);
        t0.setWorker(1, 'starting');
        const reports: (string | null)[] = [];
        const recvWait = {};
        const main = function* (): Actor {
          reports.push(t0.block(recvWait, 'await (recv)'));
          yield 'block on recv';
        };
        const worker = function* (): Actor {
          w1.idle();
          yield 'idle';
        };
        interleave({ main: main(), worker: worker() }, schedule);
        // Whoever moved last saw the deadlock; thread 0 learns it when it looks again (woken by the ring).
        const again = t0.block(recvWait, 'await (recv)');
        expect(reports[0] ?? again).toContain('thread 0: await (recv)');
      }),
      { seed: 7302, numRuns: 500 },
    );
  });

  it('a scan sees every Worker started, at any index (it stops past the highest one started)', () => {
    for (const index of [1, 5, 63]) {
      const slots = SlotTable.create(4);
      const sab = DeadlockWatch.create();
      const t0 = watch(sab, slots, 0);
      t0.setWorker(index, 'starting');
      // The Worker boots (Running): thread 0's wait for it is no deadlock.
      expect(t0.block({}, 'await a reply')).toBeNull();
      // It sleeps with nothing on its way: now it is one.
      watch(sab, slots, index).idle();
      expect(t0.block({}, 'await a reply')).toContain('thread 0: await a reply');
    }
  });

  it('mail a port event delivers before its sender moves the doorbell still lets the deadlock be found', () => {
    // thr.life.deadlock-global-cycle: thread 0 awaits a reply from Worker 1, which sends it a
    // request and awaits the answer. An idle thread is woken by the port itself, and the sender
    // moves the receiver's doorbell after posting (no notify): the receiver can take the message
    // before the doorbell moves. When the scan compared doorbells, thread 0 slept having seen the
    // doorbell one behind, every scan said "thread 0 will wake", and nothing woke it: a hang.
    fc.assert(
      fc.property(schedules, (schedule) => {
        const slots = SlotTable.create(4);
        const sab = DeadlockWatch.create();
        const bells = [new Doorbell(slots, 0), new Doorbell(slots, 1)];
        const watches = bells.map((b, i) => new DeadlockWatch(sab, i, slots, () => b.signalSeenValue, () => i));
        const [t0, w1] = watches as [DeadlockWatch, DeadlockWatch];
        t0.setWorker(1, 'starting');
        let inPort = false;
        const reports: (string | null)[] = [null, null];
        const waits = [{}, {}];
        /** A thread's poll (host-ends.ts): the signal, then the doorbell, then what arrived. */
        const poll = (i: number) => {
          watches[i]!.running();
          bells[i]!.takeSignal();
          bells[i]!.take();
        };
        const block = (i: number) => (reports[i] ??= watches[i]!.block(waits[i]!, `thread ${i}: await a reply`));
        const main = function* (): Actor {
          poll(0);
          block(0);
          yield 'block on the reply';
          while (!inPort) yield 'asleep';
          // The port event: the request is taken (and counted) before anything else.
          inPort = false;
          poll(0);
          t0.taken();
          yield 'take the request from the port';
          block(0);
          yield 'block again';
        };
        const worker = function* (): Actor {
          poll(1);
          yield 'run the callback';
          w1.sent(0);
          yield 'count the request as sent';
          inPort = true;
          yield 'post the request';
          slots.ringForMail(0);
          yield "move thread 0's doorbell";
          block(1);
          yield 'block on the answer';
        };
        interleave({ main: main(), worker: worker() }, schedule);
        // Who is woken now: a sleeper whose signal word moved (a ring; mail wakes by its port).
        for (let round = 0; round < 3 && reports.some((r) => r === null); round++) {
          for (const i of [0, 1]) {
            if (Atomics.load(slots.i32, slots.signalIndex(i)) === bells[i]!.signalSeenValue) continue;
            poll(i);
            reports[i] = watches[i]!.block(waits[i]!, `thread ${i}: await a reply`);
          }
        }
        expect(reports[0], 'thread 0 is never told of the deadlock').toContain('thread 0: await a reply');
        expect(reports[1], 'Worker 1 is never told of the deadlock').toContain('thread 1: await a reply');
      }),
      { seed: 7303, numRuns: 1000 },
    );
  });

  /**
   * thr.copy.deep-values-everywhere.in-thread (1 run in 5 under load, a false Deadlock): thread 1
   * spawns on a Worker that does not exist yet, so it asks thread 0 to start Worker 2 and holds the
   * task until its port arrives. Thread 0 hands out the ports, and reset Worker 2's counts only
   * after: thread 1 could post the held task first, the reset erased it from `sent`, Worker 2's
   * taking it put `taken` one ahead, and the next task to Worker 2 was invisible: thread 1, blocking
   * on it, found Worker 2 idle with nothing on its way. The runtime (main-host.ts startWorker) resets
   * before any port exists; the model runs either order.
   */
  const startingRace = (resetFirst: boolean) =>
    fc.property(schedules, (schedule) => {
      const slots = SlotTable.create(4);
      const sab = DeadlockWatch.create();
      const [t0, w1, w2] = [0, 1, 2].map((i) => watch(sab, slots, i)) as [DeadlockWatch, DeadlockWatch, DeadlockWatch];
      t0.setWorker(1, 'starting');
      /** Messages in each OS thread's ports, not taken yet. */
      const port = [0, 0, 0];
      const post = (from: DeadlockWatch, to: number) => {
        from.sent(to);
        port[to]!++;
      };
      const take = (me: DeadlockWatch, i: number) => {
        me.running();
        me.taken();
        port[i]!--;
      };
      let w2Started = false;
      let report: string | null = null;
      const awaitResult = [{}, {}];
      const main = function* (): Actor {
        // Thread 0 awaits thread 1's result all along; woken by 'create', it starts Worker 2.
        report ??= t0.block(awaitResult[0]!, "thread 0: await a thread's result");
        yield "block on thread 1's result";
        while (port[0] === 0) yield 'asleep';
        take(t0, 0);
        yield "take thread 1's 'create'";
        if (resetFirst) {
          t0.setWorker(2, 'starting');
          yield "reset Worker 2's counts";
        }
        post(t0, 1);
        yield 'post the port to Worker 2 to thread 1';
        if (!resetFirst) {
          t0.setWorker(2, 'starting');
          yield "reset Worker 2's counts";
        }
        w2Started = true;
        report ??= t0.block(awaitResult[0]!, "thread 0: await a thread's result");
        yield "block on thread 1's result again";
      };
      /** Thread 1 blocks until something is in its port, then takes it (the caller says what it did). */
      const awaitMail = function* (what: string): Generator<string, void, void> {
        report ??= w1.block(awaitResult[1]!, "thread 1: await a thread's result");
        yield `block (${what} to come)`;
        while (port[1] === 0) yield 'asleep';
        take(w1, 1);
      };
      const thread1 = function* (): Actor {
        post(w1, 0);
        yield "ask thread 0 to start a Worker ('create'); hold the task";
        yield* awaitMail('the port to Worker 2');
        post(w1, 2);
        yield 'take the port, post the held task';
        yield* awaitMail('the first result');
        yield 'take the first result';
        post(w1, 2);
        yield 'post the second task to the idle Worker 2';
        yield* awaitMail('the second result');
        yield 'take the second result';
      };
      const worker2 = function* (): Actor {
        while (!w2Started) yield 'not started';
        for (const task of ['first', 'second']) {
          while (port[2] === 0) {
            w2.idle();
            yield 'idle';
          }
          take(w2, 2);
          yield `take the ${task} task`;
          post(w2, 1);
          yield `post the ${task} result`;
        }
        w2.idle();
        yield 'idle';
      };
      const trace = interleave({ main: main(), thread1: thread1(), worker2: worker2() }, schedule);
      if (report !== null) throw new Error(`deadlock declared: ${report}\ninterleaving: ${trace.join(' → ')}`);
    });

  it('a Worker being started has its counts reset before anyone can post to it (no false deadlock)', () => {
    fc.assert(startingRace(true), { seed: 7304, numRuns: 3000 });
  });

  it('the old order, ports before the reset, declares a false deadlock under some schedule', () => {
    const r = fc.check(startingRace(false), { seed: 7304, numRuns: 3000 });
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toContain('deadlock declared');
  });
});
