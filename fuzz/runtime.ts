// In-process access to the BUILT runtime for the fuzz suites. Workers start from compiled
// JavaScript (dist/threads/worker-main.js), so thread 0's side must come from dist/ too: mixing
// src/ and dist/ would give two copies of every value class (instanceof would lie) and point the
// Worker entry at a .ts file. Types come from src/ (type-only imports), code from dist/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as CompileT from '../src/cli/compile.js';
import type * as CodecT from '../src/threads/codec.js';
import type * as ErrorsT from '../src/values/errors.js';
import type * as MainHostT from '../src/threads/main-host.js';
import type * as ValuesT from '../src/values/values.js';
import type * as PrintT from '../src/values/print.js';
import type * as EqualityT from '../src/values/equality.js';
import type * as DriverT from '../src/hosts/driver.js';
import type * as LimitsT from '../src/contract/limits.js';
import type * as LocalHostT from '../src/hosts/local-host.js';
import type * as VmT from '../src/vm/vm.js';
import type { CodeUnit } from '../src/values/values.js';
import type { Limits } from '../src/contract/limits.js';
import type { Value } from '../src/values/values.js';

export type { Value, Limits, CodeUnit };

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

// vitest's global setup (test/global-setup.ts) has built dist/ from the current src/.

// `as string` keeps TypeScript from resolving the .js files (dist/ has no declarations).
const dist = (p: string) => import(join(ROOT, 'dist', p) as string);
/** The value classes with their printing and equality (three modules in src/values). */
export const V = {
  ...((await dist('values/values.js')) as typeof ValuesT),
  ...((await dist('values/print.js')) as typeof PrintT),
  ...((await dist('values/equality.js')) as typeof EqualityT),
};
export const E = (await dist('values/errors.js')) as typeof ErrorsT;
export const C = (await dist('threads/codec.js')) as typeof CodecT;
const { MainThreadHost } = (await dist('threads/main-host.js')) as typeof MainHostT;
const { VM } = (await dist('vm/vm.js')) as typeof VmT;
const { drive } = (await dist('hosts/driver.js')) as typeof DriverT;
const { DEFAULT_LIMITS } = (await dist('contract/limits.js')) as typeof LimitsT;
const { LocalHost } = (await dist('hosts/local-host.js')) as typeof LocalHostT;
const { compileSource, errorLine } = (await dist('cli/compile.js')) as typeof CompileT;

export { DEFAULT_LIMITS };
export type VMType = InstanceType<typeof VM>;
export type Host = InstanceType<typeof MainThreadHost>;

const unitsByNs = new WeakMap<object, Map<string, CodeUnit>>();
/** Compile once per source text and module namespace (the numbered file names stay per session). */
export function compile(src: string, ns: object): CodeUnit {
  let units = unitsByNs.get(ns);
  if (units === undefined) unitsByNs.set(ns, (units = new Map()));
  let u = units.get(src);
  if (u === undefined) {
    u = compileSource(src, `fuzz${units.size}.gene`);
    units.set(src, u);
  }
  return u;
}

export type Outcome = { ok: true; value: Value } | { ok: false; value: Value; kind: string; message: string; line: string };

/** The kind of a thrown value (an error object's `kind`, or GeneException for a plain value). */
export function kindOf(v: Value): string {
  if (v instanceof V.GInstance) {
    const k = v.props.get('kind');
    if (k instanceof V.GString) return k.s;
    return v.cls.name;
  }
  return 'GeneException';
}
export function messageOf(v: Value): string {
  if (v instanceof V.GInstance) {
    const m = v.props.get('message');
    if (m instanceof V.GString) return m.s;
  }
  return V.repr(v);
}

/**
 * Thread 0 as a REPL: a MainThreadHost and a VM with one persistent module namespace; each
 * `run(src)` loads a new unit into that namespace and drives it to its end (its waits
 * included), exactly like `gene run` does for a whole program.
 */
export class Session {
  readonly host: Host;
  readonly vm: VMType;
  readonly ns: InstanceType<typeof V.Namespace>;
  readonly limits: Limits;
  out = '';
  err = '';
  private closed = false;

  constructor(limits: Partial<Limits> = {}, warm = 0) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.host = new MainThreadHost(this.limits, {
      trace: false,
      warm,
      sink: (fd, text) => {
        if (fd === 1) this.out += text;
        else this.err += text;
      },
    });
    this.vm = new VM(this.host, this.limits);
    this.host.bind(this.vm);
    this.ns = new V.Namespace(this.vm.builtins);
  }

  define(name: string, v: Value): void {
    this.ns.define(name, v);
  }
  get(name: string): Value {
    return this.ns.lookup(name)?.v ?? null;
  }

  /** Run Gene source on thread 0 to its end; an uncaught error is returned, not thrown. */
  async run(src: string): Promise<Outcome> {
    this.vm.load(compile(src, this.ns), this.ns);
    const r = await drive(this.vm, this.vm.run(), this.host);
    if (r.kind === 'error') {
      return { ok: false, value: r.value, kind: kindOf(r.value), message: messageOf(r.value), line: errorLine(r.value, r.loc) };
    }
    return { ok: true, value: r.kind === 'done' ? r.value : null };
  }

  /** Run and expect success; the value. */
  async eval(src: string): Promise<Value> {
    const r = await this.run(src);
    if (!r.ok) throw new Error(`Gene failed: ${r.line}\nsource: ${src}\nstderr: ${this.err}`);
    return r.value;
  }

  /** Slots in use now (the pool's live count). */
  liveSlots(): number[] {
    return this.host.slots.busySlots();
  }

  /**
   * THR-LIFE.4 as at the end of `gene run`: wait for running threads, stop kept-alive ones, stop
   * every Worker. Fails if that does not end within `ms` or leaves a Worker behind.
   */
  async close(ms = 20_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
    const r = await Promise.race([this.host.finish({ kind: 'done', value: null }).then(() => 'ok' as const), timeout]);
    clearTimeout(timer);
    if (r === 'timeout') throw new Error(`host.finish did not end within ${ms} ms; live slots ${this.liveSlots().join(',')}`);
    if (this.host.workerCount !== 0) throw new Error(`${this.host.workerCount} Workers left after host.finish`);
  }
}

/**
 * OS threads of this process (/proc/self/task): every Worker is one, so after a host has shut
 * down the count is back where it was. (Workers are unref'd, so process.getActiveResourcesInfo()
 * does not list them.)
 */
export function osThreads(): number {
  return readdirSync('/proc/self/task').length;
}

/** Wait until no more OS threads run than `baseline` (Worker teardown may lag a little); the count. */
export async function settleThreads(baseline: number, ms = 3000): Promise<number> {
  const until = Date.now() + ms;
  while (osThreads() > baseline && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return osThreads();
}

/** A single-threaded VM (LocalHost): makes functions and runs receivers in the codec suite. */
export class LocalVm {
  readonly vm: VMType;
  readonly ns: InstanceType<typeof V.Namespace>;
  constructor() {
    this.vm = new VM(new LocalHost(() => {}), DEFAULT_LIMITS);
    this.ns = new V.Namespace(this.vm.builtins);
  }
  /** Run source that never waits; its value (synchronously). */
  run(src: string): Value {
    this.vm.load(compile(src, this.ns), this.ns);
    const r = this.vm.run();
    if (r.kind === 'error') throw new Error(`Gene failed: ${kindOf(r.value)}: ${messageOf(r.value)}\nsource: ${src}`);
    if (r.kind !== 'done') throw new Error(`Gene suspended: ${src}`);
    return r.value;
  }
}

/** Totals for long runs (printed at the end when GENE_FUZZ_RUNS is set). */
export class Totals {
  private readonly counts = new Map<string, number>();
  add(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }
  get(what: string): number {
    return this.counts.get(what) ?? 0;
  }
  format(suite: string): string {
    return `[fuzz totals] ${suite}: ${[...this.counts].map(([k, v]) => `${k}=${v}`).join(' ')}`;
  }
}

/** A JS description as a Gene value: objects → maps, strings → Strings; `raw` values go as they are. */
export class Raw {
  constructor(readonly v: Value) {}
}
export function toGene(x: unknown): Value {
  if (x instanceof Raw) return x.v;
  if (x === null || typeof x === 'boolean' || typeof x === 'number') return x;
  if (typeof x === 'string') return new V.GString(x);
  if (Array.isArray(x)) return x.map(toGene);
  return new V.GMap(new Map(Object.entries(x as object).map(([k, v]) => [k, toGene(v)])));
}

/** A Gene value as JS (maps → objects, Strings → strings) for checking. */
export function toJs(v: Value): unknown {
  if (v instanceof V.GString) return v.s;
  if (v instanceof V.Sym) return v.name;
  if (Array.isArray(v)) return v.map(toJs);
  if (v instanceof V.GMap) return Object.fromEntries([...v.entries].map(([k, x]) => [k, toJs(x)]));
  return v;
}
