// THR-MSG / THR-CHAN / THR-MAIN.3 with real threads (in process, thread 0 = MainThreadHost):
// random senders (threads and thread 0), receivers (threads and thread 0; callbacks or recv),
// payloads, asks and delays (busy loops, never sleeps). Every accepted message is delivered
// exactly once and in order per sender; with a small --channel-capacity, ChannelFull loses
// nothing already accepted and enqueues nothing; a NotSendable send enqueues nothing; every reply
// Future settles (a value, a remote error, ThreadExited or ThreadTerminated) and none is left
// pending — also while receivers exit early, throw, or are terminated mid-stream.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, LONG_RUN, fuzzParams } from './config.js';
import { DEFAULT_LIMITS, ROOT, Raw, Session, Totals, V, osThreads, settleThreads, toGene, toJs, type Value } from './runtime.js';

const totals = new Totals();
afterAll(() => {
  if (LONG_RUN) console.log(totals.format(`mailbox (seed ${FUZZ_SEED})`));
});

/** Long runs (npm run fuzz) take as long as they take; otherwise a bound against a hang, not a timing (a loaded machine runs them several times slower). */
const TIMEOUT = LONG_RUN ? 4 * 3600_000 : 120_000;

const PROGRAM = readFileSync(`${ROOT}/fuzz/programs/mailbox.gene`, 'utf8');

// ---- payloads: random plain data, compared kind for kind ----

type P = null | boolean | number | { f: number } | { s: string } | P[] | { m: [string, P][] };
const payload: fc.Arbitrary<P> = fc.letrec<{ p: P }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: V.INT_MIN, max: V.INT_MAX }),
    fc.oneof(fc.double(), fc.constantFrom(-0, NaN, Infinity, -Infinity)).map((f) => ({ f })),
    fc.string({ unit: 'binary', maxLength: 10 }).map((s) => ({ s })),
    fc.array(tie('p'), { maxLength: 4 }),
    fc.array(fc.tuple(fc.string({ maxLength: 3 }), tie('p')), { maxLength: 3 }).map((m) => ({ m })),
  ),
})).p;

function gene(p: P): Value {
  if (p === null || typeof p === 'boolean' || typeof p === 'number') return p;
  if (Array.isArray(p)) return p.map(gene);
  if ('f' in p) return new V.GFloat(p.f);
  if ('s' in p) return new V.GString(p.s);
  return new V.GMap(new Map(p.m.map(([k, x]) => [k, gene(x)])));
}

/** Equal kind for kind (-0.0 and NaN included, map key order too). */
function strictEq(a: Value, b: Value): boolean {
  if (a === null || typeof a !== 'object') return Object.is(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => strictEq(x, b[i]!));
  if (a instanceof V.GFloat) return b instanceof V.GFloat && Object.is(a.v, b.v);
  if (a instanceof V.GString) return b instanceof V.GString && a.s === b.s;
  if (a instanceof V.GMap) {
    if (!(b instanceof V.GMap) || a.entries.size !== b.entries.size) return false;
    const kb = [...b.entries.keys()];
    return [...a.entries].every(([k, x], i) => kb[i] === k && strictEq(x, b.entries.get(k)!));
  }
  return V.equals(a, b);
}

const get = (m: Value, k: string): Value => (m as InstanceType<typeof V.GMap>).entries.get(k) ?? null;

async function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what()}`)), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fresh runtime per scenario (thread 0's callbacks and mailbox start empty); shut down after. */
async function inSession<T>(capacity: number, warm: number, body: (s: Session) => Promise<T>): Promise<T> {
  const baseline = osThreads();
  const s = new Session({ channelCapacity: capacity, maxThreads: 64 }, warm);
  let result: T;
  try {
    await s.eval(PROGRAM);
    result = await withTimeout(body(s), 45_000, () => `scenario still running; thread 0 stderr: ${s.err}`);
  } catch (e) {
    await s.close().catch(() => {}); // the scenario's failure is the one to report
    throw e;
  }
  await s.close();
  expect(await settleThreads(baseline), 'OS threads (Workers) left behind').toBeLessThanOrEqual(baseline);
  expect(s.err, "thread 0's stderr").toBe('');
  return result;
}

// ---- 1. delivery: exactly once, in order per sender, ChannelFull and NotSendable lose nothing ----

type Mode = 'cb' | 'recv';
type Reply = 'reply' | 'forget' | 'throw';
interface Recv {
  where: 'main' | 'thread';
  mode: Mode;
  work: number;
  reply: Reply;
}
interface Step {
  to: number;
  payload: P;
  ask: boolean;
  bad: boolean;
  work: number;
}
interface Sender {
  where: 'main' | 'thread';
  steps: Step[];
}
interface Scenario {
  capacity: number;
  receivers: Recv[];
  senders: Sender[];
}

const work = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5000 }));
const recvArb = (where: 'main' | 'thread') =>
  fc.record({ where: fc.constant(where), mode: fc.constantFrom<Mode>('cb', 'recv'), work, reply: fc.constantFrom<Reply>('reply', 'forget', 'throw') });
const stepArb = fc.record({
  to: fc.nat(),
  payload,
  ask: fc.boolean(),
  bad: fc.oneof(fc.constant(false), fc.constant(false), fc.constant(false), fc.constant(true)),
  work,
});
const senderArb = (where: 'main' | 'thread') => fc.record({ where: fc.constant(where), steps: fc.array(stepArb, { maxLength: 40, size: 'medium' }) });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    capacity: fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 4 })),
    threadReceivers: fc.array(recvArb('thread'), { maxLength: 3 }),
    mainReceiver: fc.option(recvArb('main'), { nil: undefined }),
    mainAt: fc.nat(),
    threadSenders: fc.array(senderArb('thread'), { maxLength: 3 }),
    mainSender: fc.option(senderArb('main'), { nil: undefined }),
  })
  .filter((x) => x.threadReceivers.length + (x.mainReceiver ? 1 : 0) > 0 && x.threadSenders.length + (x.mainSender ? 1 : 0) > 0)
  .map((x) => {
    const receivers = [...x.threadReceivers];
    if (x.mainReceiver) receivers.splice(x.mainAt % (receivers.length + 1), 0, x.mainReceiver);
    const senders = [...x.threadSenders];
    if (x.mainSender) senders.splice(x.mainAt % (senders.length + 1), 0, x.mainSender);
    return { capacity: x.capacity, receivers, senders };
  });

interface Normal extends Scenario {
  doneTo: number[][];
  expectDone: number[];
}

/** Rules that keep a scenario free of waits nothing could end (see programs/mailbox.gene). */
function normalize(sc: Scenario): Normal {
  const n = sc.receivers.length;
  const mainR = sc.receivers.findIndex((r) => r.where === 'main');
  const mainRecvMode = mainR >= 0 && sc.receivers[mainR]!.mode === 'recv';
  // Thread 0 taking with recv must answer every ask (no one else would), and never sends to
  // itself (it is not receiving while it runs its own plan).
  const receivers = sc.receivers.map((r) => (r.where === 'main' && r.mode === 'recv' ? { ...r, reply: 'reply' as Reply } : r));
  const senders = sc.senders.map((s) => {
    const steps = s.steps.map((st) => ({ ...st, to: st.to % n }));
    return { ...s, steps: s.where === 'main' && mainRecvMode ? steps.filter((st) => st.to !== mainR) : steps };
  });
  const doneTo = senders.map((s) => [...Array(n).keys()].filter((r) => !(s.where === 'main' && mainRecvMode && r === mainR)));
  const expectDone = [...Array(n).keys()].map((r) => doneTo.filter((d) => d.includes(r)).length);
  return { capacity: sc.capacity, receivers, senders, doneTo, expectDone };
}

function scenarioValue(sc: Normal): Value {
  return toGene({
    receivers: sc.receivers.map((r, i) => ({ ...r, expect_done: sc.expectDone[i]! })),
    senders: sc.senders.map((s, me) => ({
      where: s.where,
      me,
      plan: s.steps.map((st) => ({ ...st, payload: new Raw(gene(st.payload)) })),
      done_to: sc.doneTo[me]!,
    })),
  });
}

function expectedReply(r: Recv, seq: number): unknown[] {
  if (r.reply === 'reply' || (r.reply === 'throw' && r.mode === 'recv')) return ['ok', seq];
  if (r.reply === 'throw') return ['err', 'AssertionFailed'];
  return r.mode === 'cb' ? ['ok', null] : ['err', 'ThreadExited'];
}

function checkDelivery(sc: Normal, result: Value): void {
  // The receivers' logs, by receiver index.
  const logs: Value[][] = sc.receivers.map(() => []);
  const mainR = sc.receivers.findIndex((r) => r.where === 'main');
  if (mainR >= 0) logs[mainR] = get(result, 'main_log') as Value[];
  for (const [idx, log] of get(result, 'logs') as [number, Value[]][]) logs[idx] = log;
  // The senders' reports, by sender index.
  const threadResults = [...(get(result, 'results') as Value[])];
  const reports = sc.senders.map((s) => (s.where === 'main' ? get(result, 'main_result') : threadResults.shift()!));

  sc.senders.forEach((s, me) => {
    const rep = toJs(reports[me]!) as { accepted: number[]; full: number; refused: number; outcomes: [number, number, unknown[]][]; states: string[] };
    const bad = s.steps.filter((st) => st.bad).length;
    expect(rep.refused, `sender ${me}: NotSendable sends`).toBe(bad);
    expect(rep.accepted.length + rep.full + rep.refused, `sender ${me}: every send accounted for`).toBe(s.steps.length);
    if (sc.capacity >= 1000) expect(rep.full, `sender ${me}: no ChannelFull below capacity`).toBe(0);
    totals.add('messages', rep.accepted.length);
    totals.add('ChannelFull', rep.full);
    totals.add('NotSendable', rep.refused);
    // Delivery: per receiver increasing seqs; together exactly 0..accepted-1, each to its target with its payload.
    const seen = new Set<number>();
    logs.forEach((log, r) => {
      let last = -1;
      for (const entry of log) {
        const [sender, seq, got] = entry as [number, number, Value];
        if (sender !== me) continue;
        if (seq <= last) throw new Error(`receiver ${r}: sender ${me}'s seq ${seq} after ${last} (order or duplicate)`);
        last = seq;
        if (seq < 0 || seq >= rep.accepted.length) throw new Error(`receiver ${r}: sender ${me}'s seq ${seq} was never accepted`);
        const step = s.steps[rep.accepted[seq]!]!;
        expect(step.to, `sender ${me} seq ${seq}: receiver`).toBe(r);
        if (!strictEq(gene(step.payload), got)) throw new Error(`sender ${me} seq ${seq}: payload ${V.repr(got)} != ${V.repr(gene(step.payload))}`);
        seen.add(seq);
      }
    });
    expect(seen.size, `sender ${me}: accepted messages delivered (exactly once)`).toBe(rep.accepted.length);
    // Every reply Future settled, the way its receiver answers.
    const asks = rep.accepted.map((i, seq) => ({ seq, step: s.steps[i]! })).filter((a) => a.step.ask);
    expect(rep.outcomes.length, `sender ${me}: ask Futures`).toBe(asks.length);
    rep.outcomes.forEach(([seq, to, outcome], k) => {
      expect([seq, to]).toEqual([asks[k]!.seq, asks[k]!.step.to]);
      expect(outcome, `sender ${me} seq ${seq} → receiver ${to} (${JSON.stringify(sc.receivers[to])})`).toEqual(expectedReply(sc.receivers[to]!, seq));
      expect(rep.states[k]).toBe(outcome[0] === 'ok' ? 'success' : 'failure');
    });
    totals.add('reply futures', asks.length);
  });
}

describe('mailboxes with real threads', () => {
  it('mailbox delivery: every accepted message is delivered exactly once, in order per sender; every reply settles', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (raw) => {
        const sc = normalize(raw);
        const threads = sc.receivers.filter((r) => r.where === 'thread').length + sc.senders.filter((s) => s.where === 'thread').length;
        await inSession(sc.capacity, Math.min(2, threads), async (s) => {
          s.define('sc', scenarioValue(sc));
          checkDelivery(sc, await s.eval('(run_scenario sc)'));
        });
        totals.add('threads', threads);
        totals.add('runs');
      }),
      fuzzParams('mailbox delivery', 12),
    );
  }, TIMEOUT);

  // ---- 2. chaos: receivers exit early, throw, or are terminated (by thread 0 or by a thread) ----

  type Fate = 'reply' | 'throw' | 'terminate' | 'exit_early' | 'no_reply';
  const chaosArb = fc
    .record({
      capacity: fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 3 })),
      targets: fc.array(
        fc.record({ fate: fc.constantFrom<Fate>('reply', 'throw', 'terminate', 'exit_early', 'no_reply'), n: fc.nat(4), work: fc.nat(3000) }),
        { minLength: 1, maxLength: 4 },
      ),
      plans: fc.array(fc.array(fc.record({ to: fc.nat(), x: fc.integer({ min: -1000, max: 1000 }), work, kill: fc.nat(9) }), { maxLength: 16, size: 'medium' }), {
        minLength: 1,
        maxLength: 3,
      }),
    })
    .map((c) => {
      const killable = c.targets.flatMap((t, i) => (t.fate === 'terminate' ? [i] : []));
      // plans[0] is thread 0's; about one step in ten terminates a "terminate" target
      const plans = c.plans.map((p) =>
        p.map((st) => (st.kill === 0 && killable.length > 0 ? { kill: killable[st.to % killable.length]!, work: st.work } : { to: st.to % c.targets.length, x: st.x, work: st.work })),
      );
      return { capacity: c.capacity, targets: c.targets, plans };
    });

  it('mailbox chaos: every reply Future settles while receivers exit, throw or are terminated', async () => {
    await fc.assert(
      fc.asyncProperty(chaosArb, async (c) => {
        const threads = c.targets.length + c.plans.length - 1;
        const results = await inSession(c.capacity, 2, async (s) => {
          s.define('sc', toGene({ targets: c.targets, plans: c.plans.slice(1), main_plan: c.plans[0]! }));
          return toJs(await s.eval('(run_chaos sc)')) as { outcomes: [number, number, unknown[]][]; states: string[]; invalid: number[]; full: number }[];
        });
        for (const r of results) {
          expect(r.states.filter((st) => st !== 'success' && st !== 'failure'), 'Futures left pending').toEqual([]);
          r.outcomes.forEach(([to, x, outcome], k) => {
            const fate = c.targets[to]!.fate;
            const ok = ['ok', x * 2];
            const allowed: unknown[][] = {
              reply: [ok],
              throw: [['err', 'AssertionFailed']],
              terminate: [['err', 'ThreadTerminated']],
              exit_early: [ok, ['err', 'ThreadExited']],
              no_reply: [['err', 'ThreadExited']],
            }[fate];
            if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(outcome))) {
              throw new Error(`ask ${x} to a "${fate}" target settled as ${JSON.stringify(outcome)}`);
            }
            expect(r.states[k]).toBe(outcome[0] === 'ok' ? 'success' : 'failure');
            totals.add(`settled ${outcome[0] === 'ok' ? 'value' : outcome[1]}`);
          });
          for (const to of r.invalid) expect(['terminate', 'exit_early', 'no_reply'], 'ThreadInvalid at send').toContain(c.targets[to]!.fate);
          if (c.capacity >= 1000) expect(r.full).toBe(0);
          totals.add('messages', r.outcomes.length);
        }
        totals.add('threads', threads);
        totals.add('runs');
      }),
      fuzzParams('mailbox chaos', 10),
    );
  }, TIMEOUT);
});

// Regression test for a runtime bug this suite found (fixed): the prelude's units are shared by
// every VM in a process, and their global look-up cache was trusted whenever the namespace
// version matched (0 for every fresh namespace), so a second thread-0 VM auto-replied through
// the first VM's host and stopped dispatching. Namespace versions are now unique.
describe('regressions', () => {
  it('prelude-inline-cache: a second thread-0 VM in one process still dispatches its messages', async () => {
    for (const round of [1, 2]) {
      const s = new Session({ ...DEFAULT_LIMITS }, 0);
      try {
        const r = await s.run('($thread .on_message (fn [m] nil)) (await ^timeout 2000 ($thread .send_expect_reply 1))');
        expect(r.ok ? r.value : `round ${round}: ${r.line}`).toBe(null);
      } finally {
        await s.close();
      }
    }
  });
});
