import type { EncUnit } from './codec.js';
// What travels over the MessagePorts between OS threads (DESIGN §2). Every payload is the
// codec's plain form; nothing here holds a live Gene value.
import type { MessagePort } from 'node:worker_threads';
import type { Limits } from '../contract/limits.js';
import type { Enc, Tables } from './codec.js';
import type { EndReason } from './protocol/words.js';

/** A thread's identity on the wire: slot id and secret. */
export interface Who {
  id: number;
  secret: number;
}

/** THR-SPAWN: everything a Worker needs to run a thread. */
export interface TaskSpec {
  slot: number;
  secret: number;
  /** The occupant's generation in the slot word (docs/thread-protocol.md). */
  gen: number;
  parent: Who;
  /** Index of the body in `tables.u`. */
  body: number;
  /**
   * The copied graph: units, functions, cells, and namespace 0 = the spawner's module globals
   * the body uses (THR-SPAWN.4), which become the thread's module variables.
   */
  tables: Tables;
  /** Captured variables (`^args` first, then lexical captures): names and values. */
  names: string[];
  values: Enc[];
  /** spawn_return: the body's value goes back to `replyTo`. */
  returnsFuture: boolean;
  /** Where the result of a spawn_return goes. */
  replyTo: Who & { rid: number };
}

/**
 * The messages on the hot path travel as arrays, tagged by their first element: structured
 * clone copies a short array of numbers about a third faster than an object with named fields
 * (THR-PERF throughput and latency; a task, warm spawn).
 */
export const enum Hot {
  Msg = 0,
  Reply = 1,
  Task = 2,
}

/**
 * A message to thread (to, ts) from (from, fs) (THR-MSG.1); `rid` ≠ 0 when the sender waits
 * for a reply; `r` and `t` are the payload as the codec encoded it (Encoded's root and tables).
 */
export type MsgWire = [tag: Hot.Msg, to: number, ts: number, from: number, fs: number, rid: number, r: Enc, t: Tables | undefined];

/** A reply, a spawn_return result or an acknowledgement to (to, ts), for its request `rid`. */
export type ReplyWire = [tag: Hot.Reply, to: number, ts: number, rid: number, ok: boolean, r: Enc, t: Tables | undefined];

/** Run a thread (to a Worker): a TaskSpec as a tuple (taskWire, taskOf). */
export type TaskWire = [
  tag: Hot.Task, slot: number, secret: number, gen: number, parent: number, parentSecret: number, body: number,
  u: Tables['u'], f: Tables['f'], c: Tables['c'], n: Tables['n'], k: Tables['k'], names: string[], values: Enc[],
  returnsFuture: boolean, replyTo: number, replySecret: number, rid: number,
];

export function taskWire(t: TaskSpec): TaskWire {
  const { u, f, c, n, k } = t.tables;
  return [
    Hot.Task, t.slot, t.secret, t.gen, t.parent.id, t.parent.secret, t.body, u, f, c, n, k, t.names, t.values,
    t.returnsFuture, t.replyTo.id, t.replyTo.secret, t.replyTo.rid,
  ];
}

export function taskOf(m: TaskWire): TaskSpec {
  const [, slot, secret, gen, parent, parentSecret, body, u, f, c, n, k, names, values, returnsFuture, replyTo, replySecret, rid] = m;
  return {
    slot, secret, gen, parent: { id: parent, secret: parentSecret }, body, tables: k === undefined ? { u, f, c, n } : { u, f, c, n, k },
    names, values, returnsFuture, replyTo: { id: replyTo, secret: replySecret, rid },
  };
}

/** A message between OS threads; field names are short for the same reason as the codec's (codec.ts). */
export type Wire =
  | MsgWire
  | ReplyWire
  | TaskWire
  /** A new mesh port to OS thread `peer` (generation `gen`), from thread 0. */
  | { t: 'port'; peer: number; gen: number; port: MessagePort }
  /**
   * To thread 0, from Worker `from`: make a port between it and Worker `peer`, which it has a
   * message for and no port to (the lazy mesh, mesh.ts).
   */
  | { t: 'link'; from: number; peer: number }
  /** To thread 0: start a Worker at the reserved index `w`. */
  | { t: 'create'; w: number }
  /** To thread 0: terminate thread (slot, secret), then reply to (from, fs, rid). */
  | { t: 'terminate'; slot: number; secret: number; from: number; fs: number; rid: number }
  /**
   * From thread 0, before it frees the slot of a thread it terminated or saw crash: why
   * (slot, secret) ended, for the Futures waiting on it (THR-MSG.6). A thread that exits by itself
   * answers what it owes explicitly instead.
   */
  | { t: 'ended'; slot: number; secret: number; reason: EndReason }
  /**
   * To thread 0: a bug in gene-ref (a JavaScript exception that is not a Gene error) in thread
   * `slot`. Thread 0 ends the process with status 70 (hosts/internal-error.ts).
   */
  | { t: 'internal'; slot: number; message: string; stack: string }
  /** Several of the above from one sender, in order (one postMessage, one doorbell ring). */
  | { t: 'batch'; ms: Wire[] };

/** workerData of every Worker. */
export interface WorkerBoot {
  sab: SharedArrayBuffer;
  index: number;
  gen: number;
  limits: Limits;
  trace: boolean;
  /** The prelude, compiled by thread 0: Workers never load the compiler. */
  prelude: EncUnit[];
  /** A body run once at start-up, before any task (hosts/prelude.ts compiledWarmUp). */
  warmUp: EncUnit;
  /** THR-IO.1: the output lock shared by every OS thread. */
  output: SharedArrayBuffer;
  /** THR-LIFE.5: every OS thread's activity, for global deadlock detection. */
  deadlock: SharedArrayBuffer;
  /** The port to thread 0 (also the control port). Ports to other Workers come when needed. */
  control: MessagePort;
  /** The Worker bundle and its V8 code cache (worker-code.ts); absent without a bundle (a bare tsc). */
  code?: WorkerCode;
}

/** What became of the V8 code cache a Worker was given (GENE_TRACE=threads says it). */
export type CodeCacheUse = 'used' | 'refused' | 'none';

/**
 * The Worker bundle as thread 0 read it once for all Workers, with V8's code cache of it: a Worker
 * given a cache skips compiling the functions an earlier Worker compiled (THR-PERF cold spawn).
 */
export interface WorkerCode {
  /** The bundle's path: stack traces and its source map name it. */
  file: string;
  source: string;
  /** V8's code cache of `source` (on shared memory: one copy for every Worker), or none yet. */
  cache?: Uint8Array;
  /**
   * Given to the first Worker of a process: where it writes a code cache, once its first thread
   * has run, if it had none or V8 refused it (another Node); with the header tying it to this bundle.
   */
  writeTo?: { file: string; header: Uint8Array };
}

/** Every message but the hot ones: ports, ends, requests to thread 0. */
export type ControlWire = Exclude<Wire, MsgWire | ReplyWire | TaskWire>;
