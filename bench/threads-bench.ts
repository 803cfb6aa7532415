// THR-PERF thread figures (REQUIREMENTS.md), each beside the same thing done with raw
// worker_threads in plain JavaScript in the same run. Gene programs (bench/programs/*.gene) run as
// child processes (`node bin/gene.js run …`) and time themselves with (time/now_us); the raw side
// runs in this process (bench/threads/raw.ts) or, for cold start and RSS, in a fresh child process
// (bench/threads/raw-child.js). A figure whose Gene program fails is reported with its error, and
// the others still run. See docs/performance.md.
import { type Figure, makeFigure } from './figure.js';
import { awaitQuiet, cpuMeter } from './threads/cpu.js';
import { DEEP_FIGURES, deepFigures } from './threads/deep.js';
import { latencyFigures, replyFigures, spawnFigures, throughputFigures } from './threads/messaging.js';
import { type GroupContext, plan } from './threads/plan.js';
import { rssFigures, spawnAllFigures, terminateFigures } from './threads/processes.js';
import { speedupFigures } from './threads/speedup.js';

interface Group {
  name: string;
  /** The figures it measures (--only takes these, or the group's name). */
  figures: string[];
  run: (c: GroupContext) => Promise<Figure[]>;
}

export const THREAD_GROUPS: Group[] = [
  { name: 'speedup', figures: ['speedup-cores', 'speedup-cores-in-one-thread', 'speedup-2x-cores', 'speedup-2x-cores-in-one-thread'], run: speedupFigures },
  { name: 'spawn', figures: ['spawn-warm', 'spawn-cold'], run: spawnFigures },
  { name: 'latency', figures: ['busy-busy', 'busy-idle'], run: latencyFigures },
  { name: 'reply', figures: ['reply'], run: replyFigures },
  { name: 'throughput', figures: ['throughput-1-1', 'throughput-burst', 'throughput-4-1'], run: throughputFigures },
  { name: 'spawn-all', figures: ['spawn-all-64'], run: spawnAllFigures },
  { name: 'terminate', figures: ['terminate-respawn'], run: terminateFigures },
  { name: 'rss', figures: ['rss-1', 'rss-8', 'rss-64'], run: rssFigures },
  { name: 'deep', figures: DEEP_FIGURES, run: deepFigures },
];

export async function threadFigures({ quick, want, log }: { quick: boolean; want: (id: string) => boolean; log: (s: string) => void }): Promise<Figure[]> {
  const p = plan(quick);
  const figures: Figure[] = [];
  for (const g of THREAD_GROUPS) {
    if (!g.figures.some(want)) continue;
    // Each group waits (briefly) for other processes to calm down, and records how much CPU they
    // used while it ran: on a shared 2-core machine that is the main source of noise.
    const t = performance.now();
    const before = await awaitQuiet(p.quietMaxMs);
    const meter = cpuMeter();
    let out: Figure[];
    try {
      out = (await g.run({ p, quick, want, log })).filter((f) => want(f.id));
    } catch (e) {
      // A raw side or the harness itself failed: report the group's figures as errors, go on.
      const error = String((e as Error)?.message ?? e).split('\n')[0]!;
      log(`threads bench: group ${g.name} failed: ${error}`);
      out = g.figures.filter(want).map((id) => makeFigure({ id, name: id, unit: '', rawWhat: '' }, null, null, { error: `the group failed: ${error}` }));
    }
    const { otherCores, stealCores } = meter();
    for (const fig of out) {
      Object.assign(fig, { otherCores, stealCores });
      if (otherCores > 0.25 && fig.gene) fig.verdict = `${fig.verdict} (noisy: other processes used ${otherCores} cores)`;
    }
    if (process.env.GENE_BENCH_VERBOSE) log(`threads bench: ${g.name} took ${((performance.now() - t) / 1000).toFixed(1)} s; other processes used ${before} cores before, ${otherCores} during`);
    figures.push(...out);
  }
  return figures;
}
