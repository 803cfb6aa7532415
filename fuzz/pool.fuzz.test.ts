// THR-POOL / THR-SECRET / THR-JOIN / THR-LIFE.2, model-based: random command sequences (spawn,
// spawn_return, finish, terminate, join, send to a live or a stale handle) run against a REAL
// thread runtime in this process — thread 0 is a MainThreadHost whose VM keeps one module
// namespace, like a REPL — and against a model of the pool. After every command: the live
// count never exceeds the limit, the slots in use are the model's, a spawn took the lowest free
// slot, a spawn beyond the limit raised ThreadPoolExhausted and changed nothing, and every freed
// slot got a new secret (old handles are stale: .alive false, send → ThreadInvalid, terminate
// does nothing).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, LONG_RUN, fuzzParams } from './config.js';
import { Session, Totals, V, osThreads, settleThreads, type Value } from './runtime.js';

const totals = new Totals();
/** Long runs (npm run fuzz) take as long as they take. */
// Short runs take 25–45 s alone; a loaded 2-core machine running the suite in parallel needs more.
const TIMEOUT = LONG_RUN ? 4 * 3600_000 : 180_000;
afterAll(() => {
  if (LONG_RUN) console.log(totals.format(`pool (seed ${FUZZ_SEED})`));
});

type Kind = 'keep' | 'waiter';
interface Handle {
  id: number;
  kind: Kind;
  live: boolean;
}
interface Model {
  limit: number;
  /** slot → index of the handle living there (slots 1..limit), or -1. */
  slots: number[];
  handles: Handle[];
}
interface Real {
  s: Session;
}

/** A kept-alive thread answering requests, or one that ends when it receives "finish". */
const BODY: Record<Kind, string> = {
  keep: '(spawn ($thread .on_message (fn [m] (m .reply ((m .payload) * 2)))) (keep_alive))',
  waiter: '(spawn (loop (if (((await (recv)) .payload) == "finish") (break))))',
};

const lowestFree = (m: Model): number => {
  for (let s = 1; s <= m.limit; s++) if (m.slots[s] === -1) return s;
  return -1;
};
const liveCount = (m: Model): number => m.handles.filter((h) => h.live).length;
const pick = <T>(xs: T[], n: number): T => xs[n % xs.length]!;
const liveIdx = (m: Model) => m.handles.flatMap((h, i) => (h.live ? [i] : []));
const staleIdx = (m: Model) => m.handles.flatMap((h, i) => (h.live ? [] : [i]));

function end(m: Model, i: number): void {
  const h = m.handles[i]!;
  h.live = false;
  m.slots[h.id] = -1;
}

/**
 * Slots in use and secrets of the whole table (ThreadPoolExhausted must change none; a running
 * thread may move on from Running to Kept meanwhile).
 */
function tableSnapshot(r: Real): string {
  const t = r.s.host.slots;
  const out: string[] = [];
  for (let s = 1; s <= 64; s++) out.push(`${s}:${t.state(s) === 0 ? 'free' : 'in use'}:${t.secretNow(s)}`);
  return out.join(' ');
}

/** The invariants, checked after every command. */
async function checkAll(m: Model, r: Real): Promise<void> {
  totals.add('commands');
  const busy = r.s.liveSlots();
  expect(busy.length).toBeLessThanOrEqual(m.limit);
  const want = m.slots.flatMap((h, s) => (h >= 0 ? [s] : []));
  expect(busy, 'slots in use').toEqual(want);
  if (m.handles.length > 0) {
    const alive = (await r.s.eval(`[${m.handles.map((_, i) => `(h${i} .alive)`).join(' ')}]`)) as Value[];
    expect(alive, '.alive of every handle').toEqual(m.handles.map((h) => h.live));
  }
  // THR-SECRET.1: every thread that lived in a slot had its own secret.
  const secrets = new Map<string, number>();
  m.handles.forEach((h, i) => {
    const v = r.s.get(`h${i}`) as InstanceType<typeof V.ThreadHandle>;
    expect(v.id).toBe(h.id);
    // THR-POOL.3 / THR-SECRET.2: once its slot is free, the old handle names nobody (the next
    // claim of the slot draws a new secret: docs/thread-protocol.md)
    if (!h.live) expect(r.s.host.slots.matches(h.id, v.secret), `h${i} still names slot ${h.id}'s occupant after it ended`).toBe(false);
    if (!h.live && r.s.host.slots.state(h.id) !== 0) expect(r.s.host.slots.secretNow(h.id), `slot ${h.id}'s new occupant kept h${i}'s secret`).not.toBe(v.secret);
    const k = `${h.id}:${v.secret}`;
    if (secrets.has(k)) throw new Error(`h${i} and h${secrets.get(k)} share slot ${h.id} and its secret`);
    secrets.set(k, i);
  });
}

class Spawn implements fc.AsyncCommand<Model, Real> {
  constructor(readonly kind: Kind, readonly count: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    for (let k = 0; k < this.count; k++) {
          const id = lowestFree(m);
      if (id < 0) {
        // THR-POOL.2: raises in the spawner and changes nothing else
        const before = tableSnapshot(r);
        const got = await r.s.eval(`(try ${BODY[this.kind]} "spawned" catch ThreadPoolExhausted $ex/kind)`);
        expect(got).toEqual(new V.GString('ThreadPoolExhausted'));
        expect(tableSnapshot(r)).toBe(before);
        totals.add('exhausted');
        continue;
      }
      const i = m.handles.length;
      const got = (await r.s.eval(`(var h${i} ${BODY[this.kind]}) [(h${i} .id) (h${i} .alive)]`)) as Value[];
      expect(got, 'a spawn takes the lowest free slot').toEqual([id, true]);
      // THR-SECRET.1: a handle of an earlier thread in the same slot is stale and not equal
      const older = m.handles.flatMap((h, j) => (h.id === id ? [j] : []));
      if (older.length > 0) {
        const eq = (await r.s.eval(`[${older.map((j) => `(h${i} == h${j}) (h${j} .alive)`).join(' ')}]`)) as Value[];
        expect(eq).toEqual(older.flatMap(() => [false, false]));
        totals.add('slot reuses');
      }
      m.handles.push({ id, kind: this.kind, live: true });
      m.slots[id] = i;
      totals.add('threads');
    }
    await checkAll(m, r);
  }
  toString = () => `spawn ${this.kind}${this.count > 1 ? ` x${this.count}` : ''}`;
}

/** THR-POOL.4: a spawn_return thread frees its slot once its result is in. */
class SpawnReturn implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
      const id = lowestFree(m);
    const got = await r.s.eval('(try (await (spawn_return ($thread .id))) catch ThreadPoolExhausted $ex/kind)');
    expect(got).toEqual(id < 0 ? new V.GString('ThreadPoolExhausted') : id);
    totals.add(id < 0 ? 'exhausted' : 'threads');
    await checkAll(m, r);
  }
  toString = () => 'spawn_return';
}

/** Send "finish" to a waiter, then join it: it ends, its slot frees. */
class Finish implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => m.handles.some((h) => h.live && h.kind === 'waiter');
  async run(m: Model, r: Real): Promise<void> {
    const i = pick(m.handles.flatMap((h, j) => (h.live && h.kind === 'waiter' ? [j] : [])), this.n);
    expect(await r.s.eval(`(h${i} .send "finish") (h${i} .join) (h${i} .alive)`)).toBe(false);
    end(m, i);
    totals.add('messages');
    await checkAll(m, r);
  }
  toString = () => `finish #${this.n}`;
}

class Terminate implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => m.handles.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const i = this.n % m.handles.length;
    if (m.handles[i]!.live) {
      // THR-LIFE.2: when terminate returns, the slot is free
      expect(await r.s.eval(`(h${i} .terminate) [(h${i} .alive) (h${i} .id)]`)).toEqual([false, m.handles[i]!.id]);
      end(m, i);
    } else {
      // THR-SECRET.2: terminate on a stale handle does nothing (and never touches the occupant)
      expect(await r.s.eval(`(try (h${i} .terminate) catch ThreadInvalid $ex/kind)`)).toBe(null);
    }
    await checkAll(m, r);
  }
  toString = () => `terminate #${this.n}`;
}

/** THR-JOIN: a live thread does not end by itself (the join times out); a stale handle joins at once. */
class Join implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => m.handles.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const i = this.n % m.handles.length;
    const live = m.handles[i]!.live;
    const got = await r.s.eval(`(try (h${i} .join ^timeout ${live ? 5 : 10_000}) "joined" catch AsyncTimeout $ex/kind)`);
    expect(got).toEqual(new V.GString(live ? 'AsyncTimeout' : 'joined'));
    await checkAll(m, r);
  }
  toString = () => `join #${this.n}`;
}

class SendLive implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number, readonly x: number) {}
  check = (m: Readonly<Model>) => liveCount(m as Model) > 0;
  async run(m: Model, r: Real): Promise<void> {
    const i = pick(liveIdx(m), this.n);
    if (m.handles[i]!.kind === 'keep') {
      expect(await r.s.eval(`(await (h${i} .send_expect_reply ${this.x}))`)).toBe(this.x * 2);
    } else {
      expect(await r.s.eval(`(h${i} .send ${this.x})`)).toBe(null);
    }
    totals.add('messages');
    await checkAll(m, r);
  }
  toString = () => `send live #${this.n} ${this.x}`;
}

/** THR-SECRET.2: nothing is sent through a stale handle; .id still reads. */
class SendStale implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number, readonly reply: boolean) {}
  check = (m: Readonly<Model>) => m.handles.some((h) => !h.live);
  async run(m: Model, r: Real): Promise<void> {
    const i = pick(staleIdx(m), this.n);
    const op = this.reply ? 'send_expect_reply' : 'send';
    const got = await r.s.eval(`[(try (h${i} .${op} 1) "sent" catch ThreadInvalid $ex/kind) (h${i} .id) (h${i} .alive)]`);
    expect(got).toEqual([new V.GString('ThreadInvalid'), m.handles[i]!.id, false]);
    totals.add('stale sends');
    await checkAll(m, r);
  }
  toString = () => `send stale #${this.n}${this.reply ? ' (reply)' : ''}`;
}

function commands(maxSpawn: number) {
  const kind = fc.constantFrom<Kind>('keep', 'waiter');
  return [
    fc.tuple(kind, fc.integer({ min: 1, max: maxSpawn })).map(([k, c]) => new Spawn(k, c)),
    fc.tuple(kind, fc.constant(1)).map(([k, c]) => new Spawn(k, c)),
    fc.constant(new SpawnReturn()),
    fc.nat().map((n) => new Finish(n)),
    fc.nat().map((n) => new Terminate(n)),
    fc.nat().map((n) => new Join(n)),
    fc.tuple(fc.nat(), fc.integer({ min: -1000, max: 1000 })).map(([n, x]) => new SendLive(n, x)),
    fc.tuple(fc.nat(), fc.boolean()).map(([n, b]) => new SendStale(n, b)),
  ];
}

async function runPool(limit: number, cmds: Iterable<fc.AsyncCommand<Model, Real>>): Promise<void> {
  const baseline = osThreads();
  const s = new Session({ maxThreads: limit }, 0);
  const model: Model = { limit, slots: new Array(limit + 1).fill(-1), handles: [] };
  let failure: unknown = null;
  try {
    await fc.asyncModelRun(() => ({ model, real: { s } }), cmds);
  } catch (e) {
    failure = e;
  }
  try {
    // Waiters never end by themselves: stop what is left, then shut the host down (THR-LIFE.4).
    const live = model.handles.flatMap((h, i) => (h.live ? [`h${i}`] : []));
    if (live.length > 0) await s.run(`(for h in [${live.join(' ')}] (if (h .alive) (h .terminate)))`);
    await s.close();
  } catch (e) {
    failure ??= e;
  }
  if (failure !== null) throw failure;
  expect(s.liveSlots()).toEqual([]);
  expect(await settleThreads(baseline), 'OS threads (Workers) left behind').toBeLessThanOrEqual(baseline);
  expect(s.err).toBe('');
  totals.add('runs');
}

describe('the pool against a model (real threads, in process)', () => {
  it('pool model max 3: random spawn/finish/terminate/join/send sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands(4), { maxCommands: 40, size: 'max' }), (cmds) => runPool(3, cmds)),
      fuzzParams('pool model max 3', 25),
    );
  }, TIMEOUT);

  it('pool model max 64 (the real pool): the same, with bursts of spawns', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands(40), { maxCommands: 30, size: 'max' }), (cmds) => runPool(64, cmds)),
      // a run starts up to 64 Workers (~2 s): a tenth of the runs in long runs
      fuzzParams('pool model max 64', 3, 0.1),
    );
  }, TIMEOUT);
});
