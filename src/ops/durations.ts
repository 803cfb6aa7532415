// THR-TIME: one rule for every duration (`sleep`, `sleep_async`, `keep_alive n`, and `^timeout`
// on await, join and recv), deadlines on a monotonic clock, and host timers that neither
// overflow nor fire early, however long the duration.
import { geneError } from '../values/errors.js';
import { GFloat, Value, kindName } from '../values/values.js';
import { repr } from '../values/print.js';

/** The longest duration honoured exactly (THR-TIME.1); longer ones are too. */
export const MAX_EXACT_DURATION_MS = 2 ** 47;

/** Node's setTimeout takes at most 2^31 - 1 ms (more fires after 1 ms, with a warning). */
const MAX_HOST_TIMER_MS = 2 ** 31 - 1;

// THR-TIME.1
/**
 * Milliseconds from a duration argument: an Int or a Float, both meaning milliseconds. A
 * negative, NaN, infinite or non-numeric duration raises ArgumentError naming `what`.
 */
export function durationMs(v: Value | undefined, what: string): number {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (v instanceof GFloat) ms = v.v;
  else throw geneError('ArgumentError', `${what} expects a duration in milliseconds (an Int or a Float), got ${kindName(v ?? null)}`);
  if (!Number.isFinite(ms) || ms < 0) {
    throw geneError('ArgumentError', `${what} expects a duration of 0 or more milliseconds, got ${repr(v)}`);
  }
  return ms;
}

/** Now, in milliseconds on a monotonic clock (never Date.now: wall time can jump). */
export function monotonicMs(): number {
  return performance.now();
}

/** A running host timer of any length; `cancel` stops it. */
export interface LongTimer {
  cancel(): void;
}

/**
 * THR-TIME.1: call `fire` once `ms` have passed on the monotonic clock. Host timers are chained
 * (each at most 2^31 - 1 ms), and one that fires before the deadline (Node's timer clock is
 * coarser than the monotonic one) is re-armed for the rest: never early, never overflowed.
 */
export function startTimer(ms: number, fire: () => void): LongTimer {
  const deadline = monotonicMs() + ms;
  let handle: NodeJS.Timeout;
  const arm = (rest: number) => {
    handle = setTimeout(check, Math.min(MAX_HOST_TIMER_MS, Math.max(0, Math.ceil(rest))));
  };
  const check = () => {
    const rest = deadline - monotonicMs();
    if (rest > 0) arm(rest);
    else fire();
  };
  arm(ms);
  return { cancel: () => clearTimeout(handle) };
}
