// The packing of the shared slot table's words (src/threads/protocol/words.ts, docs/thread-protocol.md
// §1): every field a word holds reads back as written, whatever the others hold, and no two fields
// of the table share a word. A wrong shift or mask here shows in the conformance cases only as a
// thread that cannot be reached or a message that never arrives; this says which field broke.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_THREADS_CEILING } from '../src/contract/limits.js';
import {
  EndReason, GEN_MASK, H_EPOCH, MAX_CAPACITY, MAX_SLOTS, MAX_WORKERS, S_MAIL, S_PARENT, S_PSECRET_HI, S_PSECRET_LO,
  S_SECRET_HI, S_SECRET_LO, S_STATE, SlotState, TOTAL_WORDS, TWO_32, W_DOORBELL, W_GEN, W_SIGNAL, W_SLEEPING, W_STATE, W_WATCHING,
  endingState, genOf, hiOf, isEnding, isLive, join48, loOf, mailCount, mailTag, mailWord, reasonOf, sAt, slotWord,
  stateOf, tagOf, wAt, whoOf,
} from '../src/threads/protocol/words.js';

const STATES = [
  SlotState.Free, SlotState.Claimed, SlotState.Running, SlotState.Kept,
  SlotState.Exiting, SlotState.Terminating, SlotState.Crashing,
];

describe('the slot word (generation | who | state)', () => {
  it('reads back each field as written, the generation modulo 2^22', () => {
    expect(GEN_MASK).toBe(2 ** 22 - 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 23 }), fc.integer({ min: 0, max: MAX_WORKERS }), fc.constantFrom(...STATES), (gen, who, state) => {
        const w = slotWord(gen, who, state);
        expect(stateOf(w)).toBe(state);
        expect(whoOf(w)).toBe(who);
        expect(genOf(w)).toBe(gen & GEN_MASK);
      }),
    );
  });
  it('keeps the extremes apart: the highest generation and Worker index', () => {
    const w = slotWord(GEN_MASK, 127, SlotState.Crashing);
    expect([genOf(w), whoOf(w), stateOf(w)]).toEqual([GEN_MASK, 127, SlotState.Crashing]);
    expect(slotWord(0, 0, SlotState.Free)).toBe(0);
    expect(slotWord(GEN_MASK + 1, 0, SlotState.Free)).toBe(0);
  });
  it('names which states are live and which are ending', () => {
    const live = STATES.filter((s) => isLive(slotWord(5, 3, s)));
    const ending = STATES.filter((s) => isEnding(slotWord(5, 3, s)));
    expect(live).toEqual([SlotState.Running, SlotState.Kept]);
    expect(ending).toEqual([SlotState.Exiting, SlotState.Terminating, SlotState.Crashing]);
  });
  it('maps each end reason to its ending state and back (THR-MSG.6)', () => {
    for (const reason of [EndReason.Exited, EndReason.Crashed, EndReason.Terminated]) {
      expect(reasonOf(slotWord(9, 1, endingState(reason)))).toBe(reason);
    }
    expect(endingState(EndReason.Exited)).toBe(SlotState.Exiting);
    expect(endingState(EndReason.Terminated)).toBe(SlotState.Terminating);
    expect(endingState(EndReason.Crashed)).toBe(SlotState.Crashing);
  });
});

describe('the mail word (generation tag | undelivered count)', () => {
  it('reads back the tag (12 bits of the generation) and the count', () => {
    expect(MAX_CAPACITY).toBe(2 ** 20 - 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 23 }), fc.integer({ min: 0, max: MAX_CAPACITY }), (gen, count) => {
        const w = mailWord(gen, count);
        expect(mailTag(w)).toBe(tagOf(gen));
        expect(tagOf(gen)).toBe(gen % 4096);
        expect(mailCount(w)).toBe(count);
      }),
    );
  });
  it('counts up to the largest capacity without touching the tag', () => {
    const w = mailWord(4095, MAX_CAPACITY);
    expect([mailTag(w), mailCount(w)]).toEqual([4095, MAX_CAPACITY]);
  });
});

describe('48-bit secrets in two words (THR-SECRET.1)', () => {
  it('split into a high and a low word and join back', () => {
    expect(TWO_32).toBe(4294967296);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (n) => {
        const hi = hiOf(n);
        const lo = loOf(n);
        expect(hi).toBe(Math.floor(n / 2 ** 32));
        expect(lo | 0).toBe(lo); // fits an Int32Array word
        expect(join48(hi, lo)).toBe(n);
      }),
    );
    expect(join48(hiOf(2 ** 48 - 1), loOf(2 ** 48 - 1))).toBe(2 ** 48 - 1);
  });
});

describe('the layout of the table', () => {
  it('gives every field of every slot and Worker a word of its own, inside the table', () => {
    expect(MAX_SLOTS).toBe(MAX_THREADS_CEILING + 1);
    const owner = new Map<number, string>([[H_EPOCH, 'epoch']]);
    const take = (index: number, name: string): void => {
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(TOTAL_WORDS);
      expect(owner.get(index), `${name} shares word ${index}`).toBeUndefined();
      owner.set(index, name);
    };
    const slotFields = { S_STATE, S_SECRET_HI, S_SECRET_LO, S_PARENT, S_PSECRET_HI, S_PSECRET_LO, S_MAIL };
    const workerFields = { W_STATE, W_DOORBELL, W_GEN, W_SLEEPING, W_WATCHING, W_SIGNAL };
    for (let slot = 0; slot < MAX_SLOTS; slot++) for (const [name, f] of Object.entries(slotFields)) take(sAt(slot, f), `slot ${slot} ${name}`);
    for (let w = 0; w < MAX_WORKERS; w++) for (const [name, f] of Object.entries(workerFields)) take(wAt(w, f), `worker ${w} ${name}`);
    // Nothing left over: the table is exactly as long as its fields.
    expect(owner.size).toBeLessThanOrEqual(TOTAL_WORDS);
    expect(TOTAL_WORDS - owner.size).toBeLessThan(4);
  });
});
