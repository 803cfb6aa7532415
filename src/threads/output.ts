// THR-IO.1: every thread writes straight to the process's stdout/stderr with one synchronous
// write per println, so lines never interleave, output follows causality and nothing is lost.
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Streams whose reader has gone (`gene run … | head`): later output to them is dropped. */
const closed = new Set<number>();

/** Write all of `text` to fd 1 or 2, waiting out a full pipe (EAGAIN) instead of dropping it. */
export function writeOut(fd: 1 | 2, text: string): void {
  if (closed.has(fd)) return;
  let buf = Buffer.from(text, 'utf8');
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
}

/** GENE_TRACE=threads: spawns, slot changes, messages, terminations and crashes, on stderr. */
export function traceEnabled(): boolean {
  return (process.env.GENE_TRACE ?? '').split(',').includes('threads');
}

export function trace(text: string): void {
  writeOut(2, `[trace] ${text}\n`);
}
