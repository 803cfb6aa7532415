// Settings for one run of the thread figures, and what each group of figures is handed.
import { cpus } from 'node:os';

export interface Plan {
  cores: number;
  quietMaxMs: number;
  speedup: { ns: number[]; k: number; geneRounds: number; rawRounds: number; alternations: number; settleMs: number };
  spawn: { samples: number; cold: number };
  ping: { busy: number; idle: number };
  reply: { samples: number };
  throughput: { count: number; burst: number; rounds: number; burstRounds: number; fanInCount: number; fanInRounds: number; senders: number };
  spawnAll: { n: number; runs: number };
  terminate: { rounds: number; deadlineMs: number };
  rss: { ns: number[]; runs: number; settleMs: number };
  deep: { rounds: number };
}

/** quick keeps the whole `npm run bench -- --quick` around two minutes. */
export function plan(quick: boolean): Plan {
  const cores = cpus().length;
  return {
    cores,
    quietMaxMs: quick ? 3000 : 60_000,
    speedup: { ns: [cores, 2 * cores], k: 25, geneRounds: 3, rawRounds: 2, alternations: quick ? 3 : 12, settleMs: 300 },
    spawn: { samples: quick ? 300 : 2000, cold: quick ? 3 : 7 },
    ping: { busy: quick ? 1000 : 5000, idle: quick ? 300 : 1000 },
    reply: { samples: quick ? 500 : 3000 },
    throughput: {
      count: quick ? 20000 : 50000, burst: 50000, rounds: quick ? 7 : 15, burstRounds: quick ? 3 : 7,
      fanInCount: quick ? 20000 : 40000, fanInRounds: quick ? 5 : 11, senders: 4,
    },
    spawnAll: { n: 64, runs: quick ? 2 : 5 },
    terminate: { rounds: quick ? 10 : 30, deadlineMs: 150 },
    rss: { ns: quick ? [1, 8] : [1, 8, 64], runs: quick ? 1 : 3, settleMs: 300 },
    deep: { rounds: quick ? 3 : 7 },
  };
}

/** What a group of figures gets: the plan, which figures are wanted, a log for failures. */
export interface GroupContext {
  p: Plan;
  quick: boolean;
  want: (id: string) => boolean;
  log: (s: string) => void;
}

/** The Gene side of a figure: its result, or the error that stopped it (the figure reports it). */
export type Attempt<T> = { ok: true; v: T } | { ok: false; error: string };

export async function attempt<T>(what: string, f: () => Promise<T>, log: (s: string) => void): Promise<Attempt<T>> {
  try {
    return { ok: true, v: await f() };
  } catch (e) {
    const error = String((e as Error)?.message ?? e).split('\n')[0]!;
    log(`threads bench: ${what}: ${error.slice(0, 400)}`);
    return { ok: false, error };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
