// The slot protocol of the first release (src/threads/slots.ts before issue 10), transcribed
// step for step as generators over the same simulated memory, so the interleaving tests can
// show that they catch its three slot defects. Only what those tests need is kept.
import type { Mem, Step } from '../src/threads/protocol/memory.js';

const S_STATE = 0;
const S_SECRET = 1;
const S_REASON = 2;
const S_MAIL = 3;
const SLOT_WORDS = 4;
const H_EPOCH = 0;
export const OLD_TOTAL_WORDS = 1 + 4 * SLOT_WORDS;
const at = (slot: number, f: number) => 1 + slot * SLOT_WORDS + f;

export const enum OldState {
  Free = 0,
  Running = 1,
  Ending = 2,
}
/** EndReason of the old table: None until the slot's occupant ends, reset on allocation. */
export const enum OldReason {
  None = 0,
  Exited = 1,
  Crashed = 2,
  Terminated = 3,
}

export function* oldAllocate(m: Mem, maxThreads: number): Step<{ slot: number; secret: number } | null> {
  for (let slot = 1; slot <= maxThreads; slot++) {
    const won = m.cas(at(slot, S_STATE), OldState.Free, OldState.Running) === OldState.Free;
    yield 'cas Free→Running';
    if (!won) continue;
    m.store(at(slot, S_REASON), OldReason.None);
    yield 'store reason None';
    m.store(at(slot, S_MAIL), 0);
    yield 'store mail 0';
    const secret = m.load(at(slot, S_SECRET));
    yield 'load secret';
    return { slot, secret };
  }
  return null;
}

function* oldMatches(m: Mem, slot: number, secret: number): Step<boolean> {
  const s = m.load(at(slot, S_SECRET));
  yield 'load secret';
  return s === secret;
}

export function* oldAlive(m: Mem, slot: number, secret: number): Step<boolean> {
  if (!(yield* oldMatches(m, slot, secret))) return false;
  const st = m.load(at(slot, S_STATE));
  yield 'load state';
  return st === OldState.Running;
}

export function* oldHasEnded(m: Mem, slot: number, secret: number): Step<boolean> {
  if (yield* oldMatches(m, slot, secret)) return false;
  const st = m.load(at(slot, S_STATE));
  yield 'load state';
  return st !== OldState.Ending;
}

/** The old beginEnd: check the secret, CAS Running→Ending, check again, CAS back if it changed. */
export function* oldBeginEnd(m: Mem, slot: number, secret: number): Step<boolean> {
  if (!(yield* oldMatches(m, slot, secret))) return false;
  const won = m.cas(at(slot, S_STATE), OldState.Running, OldState.Ending) === OldState.Running;
  yield 'cas Running→Ending';
  if (!won) return false;
  if (!(yield* oldMatches(m, slot, secret))) {
    m.cas(at(slot, S_STATE), OldState.Ending, OldState.Running);
    yield 'cas Ending→Running (undo)';
    return false;
  }
  return true;
}

/** The old free: record the reason, rotate the secret, clear the mail count, epoch, Free. */
export function* oldFree(m: Mem, slot: number, reason: OldReason, nextSecret: number): Step<void> {
  m.store(at(slot, S_REASON), reason);
  yield 'store reason';
  m.store(at(slot, S_SECRET), nextSecret);
  yield 'store secret';
  m.store(at(slot, S_MAIL), 0);
  yield 'store mail 0';
  m.add(H_EPOCH, 1);
  yield 'add epoch';
  m.store(at(slot, S_STATE), OldState.Free);
  yield 'store Free';
}

/** The old reserveMail: count against the slot, whoever lives there now. */
export function* oldReserveMail(m: Mem, slot: number, capacity: number): Step<boolean> {
  const before = m.add(at(slot, S_MAIL), 1);
  yield 'add mail';
  if (before >= capacity) {
    m.add(at(slot, S_MAIL), -1);
    yield 'sub mail';
    return false;
  }
  return true;
}

export function* oldReason(m: Mem, slot: number): Step<OldReason> {
  const r = m.load(at(slot, S_REASON));
  yield 'load reason';
  return r;
}

export const oldMailCount = (m: Mem, slot: number) => m.load(at(slot, S_MAIL));
export const oldState = (m: Mem, slot: number) => m.load(at(slot, S_STATE));
export const oldSecretAt = (m: Mem, slot: number) => m.load(at(slot, S_SECRET));
export const oldSetSecret = (m: Mem, slot: number, s: number) => m.store(at(slot, S_SECRET), s);
