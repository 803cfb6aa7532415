// The words of the shared slot table and how facts are packed into them (docs/thread-protocol.md
// §1). Every fact that belongs to one occupant of a slot is either written only while that
// occupant holds the slot, or packed with its generation in the word a compare-and-swap checks.
import { MAX_THREADS_CEILING } from '../../contract/limits.js';

/** Slots 0..64: 0 is thread 0 (never claimed or freed), 1..64 are worker slots (THR-POOL.1). */
export const MAX_SLOTS = MAX_THREADS_CEILING + 1;
/** OS Worker indices: 0 is the main thread; 1..72 are Workers (64 plus room for dying ones). */
export const MAX_WORKERS = 73;

/** The state field of a slot word (3 bits). */
export const enum SlotState {
  /** Nobody lives here. The generation is the last occupant's. */
  Free = 0,
  /** A spawner (`who`) took the slot and is writing the new occupant's secret and parent. */
  Claimed = 1,
  /** The occupant runs on OS Worker `who`. */
  Running = 2,
  /** Running, and its body called `(keep_alive)` (THR-LIFE.1). */
  Kept = 3,
  /** Ending because its body finished (it frees the slot itself). */
  Exiting = 4,
  /** Ending because it was terminated (thread 0 frees the slot when the Worker is gone). */
  Terminating = 5,
  /** Ending because its Worker died (thread 0 frees the slot). */
  Crashing = 6,
}

/** Why a thread ended, as waiters see it (THR-MSG.6). */
export const enum EndReason {
  Exited = 1,
  Crashed = 2,
  Terminated = 3,
}

export const enum WorkerState {
  /** No Worker at this index. */
  Free = 0,
  /** Index taken by a spawner that asked thread 0 to start the Worker. */
  Reserved = 1,
  /** Started (maybe still booting) and waiting for a task. */
  Idle = 2,
  /** Running a task, or claimed for one that is on its way. */
  Busy = 3,
  /** Terminated or crashed; waiting for its exit event. */
  Dead = 4,
}

// ---- the slot word: generation (22 bits) | who (7 bits) | state (3 bits) ----
const STATE_BITS = 3;
const WHO_BITS = 7;
const GEN_SHIFT = STATE_BITS + WHO_BITS;
/** Generations count modulo 2^22: an ABA needs 4 M claims of one slot between two loads. */
export const GEN_MASK = (1 << (32 - GEN_SHIFT)) - 1;

export function slotWord(gen: number, who: number, state: SlotState): number {
  return ((gen & GEN_MASK) << GEN_SHIFT) | (who << STATE_BITS) | state;
}
export function stateOf(word: number): SlotState {
  return word & 7;
}
export function whoOf(word: number): number {
  return (word >>> STATE_BITS) & ((1 << WHO_BITS) - 1);
}
export function genOf(word: number): number {
  return word >>> GEN_SHIFT;
}
/** Running or kept alive: the occupant accepts messages. */
export function isLive(word: number): boolean {
  const s = stateOf(word);
  return s === SlotState.Running || s === SlotState.Kept;
}
/** Exiting, Terminating or Crashing: the slot frees once the occupant has stopped. */
export function isEnding(word: number): boolean {
  return stateOf(word) >= SlotState.Exiting;
}
/** The state an occupant ending for `reason` moves to. */
export function endingState(reason: EndReason): SlotState {
  return reason === EndReason.Exited ? SlotState.Exiting : reason === EndReason.Terminated ? SlotState.Terminating : SlotState.Crashing;
}
export function reasonOf(word: number): EndReason {
  const s = stateOf(word);
  return s === SlotState.Terminating ? EndReason.Terminated : s === SlotState.Crashing ? EndReason.Crashed : EndReason.Exited;
}

// ---- the mail word: generation tag (12 bits) | undelivered messages (20 bits) ----
const COUNT_BITS = 20;
/** THR-CHAN.1: `--channel-capacity` is at most 1,000,000 < 2^20. */
export const MAX_CAPACITY = (1 << COUNT_BITS) - 1;
export function mailWord(gen: number, count: number): number {
  return ((gen & 0xfff) << COUNT_BITS) | count;
}
export function mailTag(word: number): number {
  return word >>> COUNT_BITS;
}
export function mailCount(word: number): number {
  return word & MAX_CAPACITY;
}
export function tagOf(gen: number): number {
  return gen & 0xfff;
}

// ---- layout ----
export const H_EPOCH = 0;
const HEADER = 4;
export const S_STATE = 0;
export const S_SECRET_HI = 1;
export const S_SECRET_LO = 2;
export const S_PARENT = 3;
export const S_PSECRET_HI = 4;
export const S_PSECRET_LO = 5;
export const S_MAIL = 6;
const SLOT_WORDS = 7;
export const W_STATE = 0;
export const W_DOORBELL = 1;
export const W_GEN = 2;
export const W_SLEEPING = 3;
export const W_WATCHING = 4;
/** Rings that come by no port (ends, deadlocks, timers): what a sleeping thread has not yet seen. */
export const W_SIGNAL = 5;
const WORKER_WORDS = 6;
const SLOT_BASE = HEADER;
const WORKER_BASE = SLOT_BASE + MAX_SLOTS * SLOT_WORDS;
export const TOTAL_WORDS = WORKER_BASE + MAX_WORKERS * WORKER_WORDS;

/** Index of word `field` of slot `slot`. */
export function sAt(slot: number, field: number): number {
  return SLOT_BASE + slot * SLOT_WORDS + field;
}
/** Index of word `field` of OS thread `w`. */
export function wAt(w: number, field: number): number {
  return WORKER_BASE + w * WORKER_WORDS + field;
}

export const TWO_32 = 2 ** 32;
export function hiOf(n: number): number {
  return Math.floor(n / TWO_32);
}
export function loOf(n: number): number {
  return n % TWO_32 | 0;
}
export function join48(hi: number, lo: number): number {
  return hi * TWO_32 + (lo >>> 0);
}
