// Concurrent fuzzing of the real runtime (docs/thread-protocol.md; issue 10 point 3): several
// actor threads at once send (large payloads too) and ask kept-alive targets, terminate them,
// spawn, join and await children that take the freed slots, with busy loops of random length in
// between (slow senders, busy waiters). Checked against the invariants: a message accepted by a
// target that was never terminated is delivered exactly once, in order per sender, and never to
// another thread; every reply Future settles, with the reply or (target terminated) with
// ThreadTerminated; ThreadInvalid only for a terminated target, ChannelFull only under a small
// capacity; after everything, every freed slot's next occupant has an empty mailbox (no phantom
// ChannelFull), the pool is empty and no Worker (OS thread) is left.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, LONG_RUN, fuzzParams } from './config.js';
import { ROOT, Session, Totals, osThreads, settleThreads, toGene, toJs } from './runtime.js';

const totals = new Totals();
afterAll(() => {
  if (LONG_RUN) console.log(totals.format(`concurrency (seed ${FUZZ_SEED})`));
});

const TIMEOUT = LONG_RUN ? 4 * 3600_000 : 120_000;
const PROGRAM = readFileSync(`${ROOT}/fuzz/programs/concurrency.gene`, 'utf8');

type Op = 'send' | 'ask' | 'kill' | 'spawn_return' | 'spawn_join';
interface Step {
  op: Op;
  to: number;
  size: number;
  work: number;
}
interface Scenario {
  capacity: number;
  targets: number;
  actors: Step[][];
}

const size = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 40_000 }) }, // large payloads
);
const work = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 20_000 }));
const stepArb = fc.record({
  op: fc.constantFrom<Op>('send', 'send', 'ask', 'ask', 'kill', 'spawn_return', 'spawn_join'),
  to: fc.nat(),
  size,
  work,
});
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    capacity: fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 4 })),
    targets: fc.integer({ min: 1, max: 4 }),
    actors: fc.array(fc.array(stepArb, { maxLength: 14, size: 'medium' }), { minLength: 2, maxLength: 4 }),
  })
  .map((sc) => ({
    ...sc,
    actors: sc.actors.map((plan) =>
      plan.map((st) => ({ ...st, to: st.to % sc.targets, size: st.op.startsWith('spawn') ? st.size % 2000 : st.size })),
    ),
  }));

interface ActorResult {
  sent: [number, number][];
  invalid: number[];
  full: number[];
  outcomes: [number, number, [string, unknown]][];
  kills: number[];
  children: [string, number, unknown][];
}
interface Result {
  results: (ActorResult | unknown[])[];
  logs: ({ log: [number, number, number][]; wrong: unknown[] } | null)[];
  probes: [number, number][];
}

function check(sc: Scenario, r: Result): void {
  const probe = Math.min(sc.capacity, 3);
  const killed = new Set<number>();
  r.results.forEach((a, me) => {
    if (Array.isArray(a)) throw new Error(`actor ${me} failed: ${JSON.stringify(a)}`);
    for (const k of a.kills) killed.add(k);
  });
  const results = r.results as ActorResult[];
  results.forEach((a, me) => {
    const plan = sc.actors[me]!;
    const msgs = plan.filter((st) => st.op === 'send' || st.op === 'ask');
    expect(a.sent.length + a.invalid.length + a.full.length, `actor ${me}: every send accounted for`).toBe(msgs.length);
    for (const to of a.invalid) expect(killed.has(to), `actor ${me}: ThreadInvalid from target ${to}, never terminated`).toBe(true);
    if (sc.capacity >= 1000) expect(a.full, `actor ${me}: ChannelFull below capacity`).toEqual([]);
    // Every reply Future settled: the reply, or ThreadTerminated when its target was terminated.
    for (const [to, seq, [how, v]] of a.outcomes) {
      const size = msgs[seq]!.size;
      if (how === 'ok') expect(v, `actor ${me} ask ${seq} → ${to}`).toEqual([me, seq, size]);
      else {
        expect(killed.has(to) ? 'ThreadTerminated' : 'a reply', `actor ${me} ask ${seq} → ${to} failed with ${String(v)}`).toBe(v);
      }
      totals.add(how === 'ok' ? 'replies' : `reply ${String(v)}`);
    }
    // Children took freed slots and never got a message meant for an earlier occupant.
    for (const [kind, k, got] of a.children) {
      expect(got, `actor ${me}: ${kind} child`).toEqual(kind === 'return' ? k : false);
    }
    totals.add('messages', a.sent.length);
    totals.add('ThreadInvalid', a.invalid.length);
    totals.add('ChannelFull', a.full.length);
    totals.add('children', a.children.length);
  });
  // Delivery to the targets that were never terminated: exactly once, in order, to the right one.
  r.logs.forEach((log, t) => {
    if (killed.has(t)) return;
    expect(log, `target ${t} (never terminated) answers at the end`).not.toBeNull();
    expect(log!.wrong, `target ${t}: messages meant for another thread`).toEqual([]);
    results.forEach((a, me) => {
      const want = a.sent.filter(([to]) => to === t).map(([, seq]) => seq);
      const got = log!.log.filter(([from]) => from === me).map(([, seq]) => seq);
      expect(got, `target ${t}: messages from actor ${me}`).toEqual(want);
      for (const [, seq, n] of log!.log.filter(([from]) => from === me)) {
        expect(n, `actor ${me} message ${seq}: payload size`).toBe(msgsOf(sc, me)[seq]!.size);
      }
    });
  });
  // No phantom ChannelFull: every probe (a fresh occupant of a freed slot) starts empty.
  for (const [id, n] of r.probes) expect(n, `probe in slot ${id}: messages accepted`).toBe(probe);
  totals.add('kills', killed.size);
}
const msgsOf = (sc: Scenario, me: number) => sc.actors[me]!.filter((st) => st.op === 'send' || st.op === 'ask');

describe('concurrent fuzzing of the real runtime', () => {
  it('many threads spawn, terminate, send, ask, join and await at once; the invariants hold', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (sc) => {
        const baseline = osThreads();
        const s = new Session({ channelCapacity: sc.capacity, maxThreads: 64 }, 2);
        try {
          await s.eval(PROGRAM);
          s.define('sc', toGene({ targets: sc.targets, actors: sc.actors, probe: Math.min(sc.capacity, 3) }));
          const r = toJs(await s.eval('(run_concurrency sc)')) as Result;
          check(sc, r);
          expect(s.liveSlots(), 'slots still in use after every thread was joined or terminated').toEqual([]);
        } finally {
          await s.close();
        }
        expect(await settleThreads(baseline), 'OS threads (Workers) left behind').toBeLessThanOrEqual(baseline);
        expect(s.err, "thread 0's stderr").toBe('');
        totals.add('runs');
        totals.add('threads', sc.targets + sc.actors.length);
      }),
      fuzzParams('concurrency', 4),
    );
  }, TIMEOUT);
});
