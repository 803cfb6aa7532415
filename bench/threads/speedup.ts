// Figure 1: speedup of N CPU-bound tasks on N threads over one after another (N = cores and
// 2 × cores), Gene beside raw Workers. The second core of a shared VM comes and goes (raw JS
// alone measures 1.0×–2.0× from one second to the next), so Gene and raw JS alternate closely:
// raw rounds, a Gene process, raw rounds, … and each Gene process is compared with the raw
// rounds just before and just after it (the score is the median of those paired ratios).
// Two baselines: the N tasks one after another on thread 0 (the figure THR-PERF names), and one
// after another in one spawned thread (Worker against Workers, thread 0 idle in both).
import { type Figure, makeFigure } from '../figure.js';
import { runGene, tagged } from './children.js';
import { type GroupContext, attempt, sleep } from './plan.js';
import { type Task, calibrateTask, rawSpeedupRunner } from './raw.js';
import { median, round, summary } from './stats.js';

type Runner = Awaited<ReturnType<typeof rawSpeedupRunner>>;

export async function speedupFigures({ p, want, log }: GroupContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const { k, alternations, geneRounds, rawRounds } = p.speedup;
  for (const n of p.speedup.ns) {
    const which = n === p.cores ? 'cores' : '2x-cores';
    const id = `speedup-${which}`, id2 = `speedup-${which}-in-one-thread`;
    if (!want(id) && !want(id2)) continue;
    const name = `speedup, ${n} tasks of fib(${k}) on ${p.cores} cores`;
    const name2 = `speedup, ${n} tasks, against one thread doing them in turn`;
    const g = { main: [] as number[], thread: [] as number[], pairsMain: [] as number[], pairsThread: [] as number[], seq: [] as number[], par: [] as number[], seqThread: [] as number[] };
    const j = { main: [] as number[], thread: [] as number[], seq: [] as number[], par: [] as number[], seqThread: [] as number[] };
    let failed: string | undefined;
    let runner: Runner | undefined;
    let task: Task | undefined;
    const rawBlock = async (r: Runner) => {
      const out = { main: [] as number[], thread: [] as number[] };
      for (let i = 0; i < rawRounds; i++) {
        const { seq, par, seqWorker } = await r.round();
        out.main.push(seq / par);
        out.thread.push(seqWorker / par);
        j.seq.push(seq);
        j.par.push(par);
        j.seqThread.push(seqWorker);
      }
      j.main.push(...out.main);
      j.thread.push(...out.thread);
      return out;
    };
    try {
      let before: { main: number[]; thread: number[] } | undefined;
      for (let a = 0; a < alternations; a++) {
        const r = await attempt(name, () => runGene('speedup', { N: n, K: k, ROUNDS: geneRounds }, { timeoutMs: 120_000 }), log);
        let mine: { main: number; thread: number } | null = null;
        if (r.ok) {
          const rows = tagged(r.v, 'round');
          mine = { main: median(rows.map(([s, q]) => s! / q!)), thread: median(rows.map(([, q, t]) => t! / q!)) };
          g.main.push(mine.main);
          g.thread.push(mine.thread);
          for (const [s, q, t] of rows) {
            g.seq.push(s! / 1000);
            g.par.push(q! / 1000);
            g.seqThread.push(t! / 1000);
          }
        } else failed = r.error;
        // Let the exited child's teardown (freeing its Workers' memory) finish before raw rounds.
        await sleep(p.speedup.settleMs);
        if (!runner) {
          // Raw tasks last as long as the Gene ones (calibrated on the first Gene process;
          // 22 ms, fib(25) in Gene on this machine, when Gene did not run).
          task = calibrateTask(g.seq.length ? median(g.seq) / n : 22);
          runner = await rawSpeedupRunner({ n, task });
          before = await rawBlock(runner);
        }
        const after = await rawBlock(runner);
        if (mine !== null && before) {
          g.pairsMain.push(mine.main / median([...before.main, ...after.main]));
          g.pairsThread.push(mine.thread / median([...before.thread, ...after.thread]));
        }
        before = after;
        if (failed) break;
      }
      if (failed && runner) for (let a = 1; a < alternations; a++) await rawBlock(runner);
    } finally {
      await runner?.close();
    }
    const detail = {
      task: task && `fib(${task.k}) x ${task.reps}`,
      rawMs: { sequential: summary(j.seq, 1), parallel: summary(j.par, 1), sequentialInOneWorker: summary(j.seqThread, 1) },
      geneMs: failed ? undefined : { sequential: summary(g.seq, 1), parallel: summary(g.par, 1), sequentialInOneThread: summary(g.seqThread, 1) },
    };
    const gene = (xs: number[]) => (failed || xs.length === 0 ? null : summary(xs, 3, 'higher'));
    if (want(id)) {
      figures.push(makeFigure(
        { id, name, unit: 'x', rawWhat: `the same tasks in plain JS on ${n} warm Workers`, target: { min: 0.98, text: '>= 98% of raw speedup (paired)' }, scoreLabel: 'Gene / raw speedup, paired', detail: { ...detail, pairedOfRaw: g.pairsMain.map((x) => round(x, 3)) } },
        gene(g.main), summary(j.main, 3, 'higher'), { score: median(g.pairsMain), error: failed },
      ));
    }
    if (want(id2)) {
      figures.push(makeFigure(
        { id: id2, name: name2, unit: 'x', rawWhat: `${n} warm Workers against one Worker doing the tasks in turn`, scoreLabel: 'Gene / raw speedup, paired', better: 'higher', detail: { pairedOfRaw: g.pairsThread.map((x) => round(x, 3)) } },
        gene(g.thread), summary(j.thread, 3, 'higher'), { score: median(g.pairsThread), error: failed },
      ));
    }
  }
  return figures;
}
