// Progress on stderr: a line rewritten in place on a terminal (`[37/120] 2 failed`), or with
// --progress and no terminal, plain lines at every tenth of the run and every 15 s (CI logs).

import type { CaseResult } from './results.js';
import { isFailing } from './results.js';

export interface TextSink {
  write(text: string): unknown;
}

export interface Progress {
  onResult(result: CaseResult, done: number, total: number): void;
  finish(): void;
}

export type ProgressMode = 'tty' | 'lines' | 'off';

const HEARTBEAT_MS = 15_000;

export function createProgress(sink: TextSink, mode: ProgressMode, allowUnexpectedPass: boolean): Progress {
  let failed = 0;
  let done = 0;
  let total = 0;
  const line = (): string => `[${done}/${total}] ${failed} failed`;
  if (mode === 'off') return { onResult: () => {}, finish: () => {} };

  if (mode === 'tty') {
    return {
      onResult(result, d, t) {
        done = d;
        total = t;
        if (isFailing(result, allowUnexpectedPass)) failed++;
        sink.write(`\r${line()}\x1b[K`);
      },
      finish() {
        if (total > 0) sink.write('\r\x1b[K');
      },
    };
  }

  let lastTenth = 0;
  const heartbeat = setInterval(() => {
    if (total > 0) sink.write(`${line()}\n`);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    onResult(result, d, t) {
      done = d;
      total = t;
      if (isFailing(result, allowUnexpectedPass)) failed++;
      const tenth = Math.floor((d * 10) / t);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        sink.write(`${line()}\n`);
      }
    },
    finish() {
      clearInterval(heartbeat);
    },
  };
}
