// Generated from transitions.ts by scripts/gen-transitions.ts (run by `npm run build`); do not edit.
// The same transitions without their yields: what the runtime runs (table.ts).
import {
  EndReason, GEN_MASK, H_EPOCH, MAX_SLOTS, S_MAIL, S_PARENT, S_PSECRET_HI, S_PSECRET_LO, S_SECRET_HI, S_SECRET_LO, S_STATE,
  SlotState, endingState, genOf, hiOf, isEnding, isLive, join48, loOf, mailCount, mailTag, mailWord, sAt, slotWord,
  stateOf, tagOf, whoOf,
} from './words.js';
import { ENDED, FULL, type Mem } from './memory.js';

/**
 * THR-POOL.2 (any thread): claim the lowest free slot ≤ maxThreads for a new occupant: Free(g) →
 * Claimed(g+1, who = the claimer), then write its secret, parent and an empty mail word tagged
 * g+1. Nobody holds a handle to it yet, so these plain stores race with no reader. Returns the
 * slot and the new generation, or null (every slot in use).
 */
export function claim(
  m: Mem, maxThreads: number, claimer: number, secret: number, parent: number, parentSecret: number,
): { slot: number; gen: number } | null {
  for (let slot = 1; slot <= maxThreads; slot++) {
    const w = m.load(sAt(slot, S_STATE));
    if (stateOf(w) !== SlotState.Free) continue;
    const gen = (genOf(w) + 1) & GEN_MASK;
    if (m.cas(sAt(slot, S_STATE), w, slotWord(gen, claimer, SlotState.Claimed)) !== w) {
      slot--; // look at the same slot again
      continue;
    }
    m.store(sAt(slot, S_SECRET_HI), hiOf(secret));
    m.store(sAt(slot, S_SECRET_LO), loOf(secret));
    m.store(sAt(slot, S_PARENT), parent);
    m.store(sAt(slot, S_PSECRET_HI), hiOf(parentSecret));
    m.store(sAt(slot, S_PSECRET_LO), loOf(parentSecret));
    m.store(sAt(slot, S_MAIL), mailWord(gen, 0));
    return { slot, gen };
  }
  return null;
}

/** The spawner (THR-SPAWN.1): Claimed(g, claimer) → Running(g, who = the hosting Worker). */
export function publish(m: Mem, slot: number, gen: number, claimer: number, host: number): boolean {
  const from = slotWord(gen, claimer, SlotState.Claimed);
  const ok = m.cas(sAt(slot, S_STATE), from, slotWord(gen, host, SlotState.Running)) === from;
  return ok;
}

/**
 * THR-SPAWN.6: a spawn that failed after its claim gives the slot back: Claimed(g) → Free(g).
 * Also thread 0, for a claim whose spawner's Worker died before it published.
 */
export function unclaim(m: Mem, slot: number, gen: number, claimer: number): boolean {
  const from = slotWord(gen, claimer, SlotState.Claimed);
  const ok = m.cas(sAt(slot, S_STATE), from, slotWord(gen, 0, SlotState.Free)) === from;
  return ok;
}

/**
 * THR-SECRET.2: the slot word of the occupant the handle (slot, secret) names, or ENDED. The
 * secret only changes under a claim, which moves the generation: reading the word, the secret,
 * then the word again with the same generation proves the secret read belongs to that occupant.
 */
export function resolve(m: Mem, slot: number, secret: number): number {
  if (slot < 0 || slot >= MAX_SLOTS) return ENDED;
  for (;;) {
    const w1 = m.load(sAt(slot, S_STATE));
    const st = stateOf(w1);
    if (st === SlotState.Free || st === SlotState.Claimed) return ENDED;
    const hi = m.load(sAt(slot, S_SECRET_HI));
    const lo = m.load(sAt(slot, S_SECRET_LO));
    const w2 = m.load(sAt(slot, S_STATE));
    if (genOf(w2) !== genOf(w1)) continue;
    if (join48(hi, lo) !== secret) return ENDED;
    const st2 = stateOf(w2);
    return st2 === SlotState.Free || st2 === SlotState.Claimed ? ENDED : w2;
  }
}

/** THR-LIFE.1 (the occupant itself): Running(g) → Kept(g). False when it is already ending. */
export function keep(m: Mem, slot: number, gen: number, host: number): boolean {
  const from = slotWord(gen, host, SlotState.Running);
  const old = m.cas(sAt(slot, S_STATE), from, slotWord(gen, host, SlotState.Kept));
  return old === from || old === slotWord(gen, host, SlotState.Kept);
}

/**
 * THR-POOL.3 (its body finished), THR-LIFE.2 (terminated), THR-LIFE.3 (its Worker died): begin
 * ending occupant g: Running|Kept(g) → Exiting|Terminating|Crashing(g). The occupant
 * itself (its body finished) or thread 0 (terminate, crash); exactly one wins. The generation is
 * part of the compared word, so a later occupant of the slot is never touched (no ABA).
 */
export function beginEnd(m: Mem, slot: number, gen: number, reason: EndReason): boolean {
  for (;;) {
    const w = m.load(sAt(slot, S_STATE));
    if (genOf(w) !== gen || !isLive(w)) return false;
    const to = slotWord(gen, whoOf(w), endingState(reason));
    if (m.cas(sAt(slot, S_STATE), w, to) === w) {
      return true;
    }
  }
}

/**
 * THR-POOL.3: free the slot of ending occupant g (whoever moved it to Ending, once it has
 * stopped): Ending(g) → Free(g). The ended epoch moves before (whoever sees the slot free also
 * sees the epoch moved: THR-LIFE.5 never takes a thread that just ended for a deadlock) and after
 * (whoever read the epoch before the Free store looks again). The caller then rings every
 * watcher. False when the slot was not ending under g.
 */
export function free(m: Mem, slot: number, gen: number): boolean {
  const w = m.load(sAt(slot, S_STATE));
  if (genOf(w) !== gen || !isEnding(w)) return false;
  m.add(H_EPOCH, 1);
  const ok = m.cas(sAt(slot, S_STATE), w, slotWord(gen, 0, SlotState.Free)) === w;
  m.add(H_EPOCH, 1);
  return ok;
}

/**
 * THR-CHAN.1 (a sender): count one more undelivered message for the occupant named by (slot,
 * secret). Returns its slot word (who = where to post), FULL, or ENDED. The count lives in the
 * mail word tagged with the occupant's generation: a count taken for an occupant that has ended
 * can never weigh on the next one, whose claim wrote a fresh word.
 */
export function reserveMail(m: Mem, slot: number, secret: number, capacity: number): number {
  for (;;) {
    const w = resolve(m, slot, secret);
    if (w === ENDED || !isLive(w)) return ENDED;
    const tag = tagOf(genOf(w));
    const mail = m.load(sAt(slot, S_MAIL));
    if (mailTag(mail) !== tag) continue; // claimed again since: resolve will say so
    if (mailCount(mail) >= capacity) return FULL;
    if (m.cas(sAt(slot, S_MAIL), mail, mail + 1) !== mail) {
      continue;
    }
    // Still the same occupant, still live? Otherwise the count is withdrawn and the send fails:
    // it took effect after the end.
    const after = m.load(sAt(slot, S_STATE));
    if (genOf(after) === genOf(w) && isLive(after)) return after;
    takeMail(m, slot, genOf(w));
    return ENDED;
  }
}

/**
 * THR-CHAN.1 (the receiving occupant, or a sender withdrawing): one message of occupant g left
 * its mailbox. A count of an occupant that has ended is gone with it: nothing to release.
 */
export function takeMail(m: Mem, slot: number, gen: number): void {
  for (;;) {
    const mail = m.load(sAt(slot, S_MAIL));
    if (mailTag(mail) !== tagOf(gen) || mailCount(mail) === 0) return;
    if (m.cas(sAt(slot, S_MAIL), mail, mail - 1) === mail) {
      return;
    }
  }
}
