// THR-IO.1: every thread writes straight to the process's stdout/stderr with one synchronous
// write per println, so output follows causality and nothing is lost. A write to a pipe can be
// partial (the pipe is full, its reader slow): the rest is retried until it is all out, under one
// lock shared by every OS thread, so lines from one println never interleave with another's.
import { writeSync } from 'node:fs';

/** More than the OS threads (thread 0 and every Worker index) and the slots there can be. */
const MAX_INDEX = 128;

/**
 * Shared by every OS thread (a SharedArrayBuffer every Worker gets at boot). LOCK holds the
 * output lock's owner (0 = free, else OS thread index + 1); GONE + w is 1 while Worker w is
 * being stopped (it may die holding the lock: the lock is then taken from it); QUIET + slot is 1
 * while the thread in that slot is a spawn_return thread, whose crash reaches its Future only.
 */
const LOCK = 0;
const GONE = 1;
const QUIET = GONE + MAX_INDEX;

let words = new Int32Array(new SharedArrayBuffer(4 * (QUIET + MAX_INDEX)));
/** This OS thread's index + 1 (thread 0 is 1). */
let me = 1;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Streams whose reader has gone (`gene run … | head`): later output to them is dropped. */
const closed = new Set<number>();

/** The buffer to hand to Workers (thread 0's). */
export function outputLockBuffer(): SharedArrayBuffer {
  return words.buffer as SharedArrayBuffer;
}

/** A Worker at boot: share thread 0's lock. */
export function useOutputLock(sab: SharedArrayBuffer, index: number): void {
  words = new Int32Array(sab);
  me = index + 1;
}

/**
 * Thread 0: Worker w is being stopped (or has died): if it holds the lock, the lock is taken
 * from it; `false` when index w starts a new Worker.
 */
export function markWorkerGone(w: number, gone: boolean): void {
  Atomics.store(words, GONE + w, gone ? 1 : 0);
  if (gone) Atomics.notify(words, LOCK);
}

// THR-LIFE.3
/** The spawner: is the thread it places in `slot` one whose crash goes to its Future only? */
export function setCrashQuiet(slot: number, quiet: boolean): void {
  Atomics.store(words, QUIET + slot, quiet ? 1 : 0);
}

// THR-LIFE.3
/** Thread 0, when a Worker dies under the thread in `slot`: print the crash on stderr? */
export function crashIsPrinted(slot: number): boolean {
  return Atomics.load(words, QUIET + slot) === 0;
}

// THR-IO.1
function lock(): void {
  for (;;) {
    const owner = Atomics.compareExchange(words, LOCK, 0, me);
    if (owner === 0 || owner === me) return;
    // A Worker stopped while it held the lock never releases it: take it over.
    if (Atomics.load(words, GONE + owner - 1) === 1 && Atomics.compareExchange(words, LOCK, owner, me) === owner) return;
    // Sleep until the owner releases it (notify), checking now and then that it is alive.
    Atomics.wait(words, LOCK, owner, 10);
  }
}

function unlock(): void {
  Atomics.store(words, LOCK, 0);
  Atomics.notify(words, LOCK, 1);
}

/**
 * THR-IO.1: write all of `text` to fd 1 or 2 as one piece: under the cross-thread lock, waiting
 * out a full pipe (EAGAIN) and retrying partial writes instead of dropping or splitting them.
 */
export function writeOut(fd: 1 | 2, text: string): void {
  if (closed.has(fd)) return;
  let buf = Buffer.from(text, 'utf8');
  lock();
  try {
    while (buf.length > 0) {
      try {
        const n = writeSync(fd, buf);
        buf = buf.subarray(n);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          // Nobody reads this stream any more: the program goes on, its output is discarded.
          closed.add(fd);
          return;
        }
        if (code !== 'EAGAIN') throw e;
        Atomics.wait(pause, 0, 0, 1); // the reader is behind: give it a millisecond
      }
    }
  } finally {
    unlock();
  }
}

/** GENE_TRACE=threads: spawns, slot changes, messages, terminations and crashes, on stderr. */
export function traceEnabled(): boolean {
  return (process.env.GENE_TRACE ?? '').split(',').includes('threads');
}

export function trace(text: string): void {
  writeOut(2, `[trace] ${text}\n`);
}
