// How much CPU other processes used while a figure was measured (Linux /proc; the machines these
// benchmarks run on are shared). Other = all busy CPU time − this process's own (its Workers are
// its threads) − its finished children's (Gene programs, raw-JS children).
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

export interface CpuUse {
  otherCores: number;
  stealCores: number;
}

function systemBusyTicks(): { busy: number; steal: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return { busy: user + nice + system + irq + softirq, steal };
}

function ownTicks(): number {
  const s = readFileSync('/proc/self/stat', 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14–17; f[0] is field 3.
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

/** Start measuring; the returned function gives the cores other processes used meanwhile. */
export function cpuMeter(): () => CpuUse {
  let s0: { busy: number; steal: number }, o0: number, t0: number;
  try {
    s0 = systemBusyTicks();
    o0 = ownTicks();
    t0 = performance.now();
  } catch {
    return () => ({ otherCores: NaN, stealCores: NaN });
  }
  return () => {
    const s1 = systemBusyTicks();
    const o1 = ownTicks();
    const secs = (performance.now() - t0) / 1000;
    const other = Math.max(0, s1.busy - s0.busy - (o1 - o0)) / TICKS_PER_S / secs;
    return { otherCores: Math.round(other * 100) / 100, stealCores: Math.round(((s1.steal - s0.steal) / TICKS_PER_S / secs) * 100) / 100 };
  };
}

/**
 * Wait (up to maxMs) until other processes use less than `limit` cores over a 0.5 s window.
 * Returns the last window's figure.
 */
export async function awaitQuiet(maxMs: number, limit = 0.25): Promise<number> {
  const end = performance.now() + maxMs;
  for (;;) {
    const m = cpuMeter();
    await new Promise((r) => setTimeout(r, 500));
    const { otherCores } = m();
    if (!(otherCores >= limit) || performance.now() >= end) return otherCores;
  }
}
