// Thread figures that need a fresh process or whole Workers, each beside raw worker_threads in
// the same run: RSS per idle thread, 64 threads spawned at once, terminate then respawn.
import type { ChildProcess } from 'node:child_process';
import { type Figure, makeFigure } from '../figure.js';
import { type OnLine, procStatus, runGene, runRawChild, tagged } from './children.js';
import { type GroupContext, attempt } from './plan.js';
import { rawTerminateRespawn } from './raw.js';
import { median, round, summary } from './stats.js';

const MiB = 1024 * 1024;

interface Sample {
  rss: number;
  threads: number;
}

/** Start a child that prints "ready …" when set up; sample its /proc status 3 times, then kill it. */
async function rssOf(start: (onLine: OnLine) => Promise<unknown>, settleMs: number): Promise<Sample> {
  let sample: Sample | 'pending' | undefined;
  const onLine = (line: string, child: ChildProcess) => {
    if (!line.startsWith('ready') || sample) return;
    sample = 'pending';
    const reads: Sample[] = [];
    const read = () => {
      try {
        reads.push(procStatus(child.pid!));
      } catch {
        child.kill('SIGKILL'); // it ended early: reported below
        return;
      }
      if (reads.length < 3) setTimeout(read, settleMs / 3);
      else {
        sample = { rss: median(reads.map((x) => x.rss)), threads: reads[reads.length - 1]!.threads };
        child.kill('SIGKILL');
      }
    };
    setTimeout(read, settleMs / 3);
  };
  await start(onLine);
  if (!sample || sample === 'pending' || !Number.isFinite(sample.rss)) throw new Error('the child ended before its RSS could be read');
  return sample;
}

// Gene: a program with N kept-alive threads, or (N = 0) the same wait with no spawn in it.
const geneRun = (n: number) => (onLine: OnLine) =>
  n === 0 ? runGene('rss-base', {}, { onLine, allowKill: true }) : runGene('rss-idle', { N: n }, { onLine, allowKill: true, timeoutMs: 120_000 });
const rawRun = (n: number) => (onLine: OnLine) => runRawChild('rss', [n], { onLine, allowKill: true, timeoutMs: 120_000 });

// ---- 6. RSS per idle thread ----
export async function rssFigures({ p, quick, want, log }: GroupContext): Promise<Figure[]> {
  const { ns, runs, settleMs } = p.rss;
  const rssMedian = (xs: Sample[]) => median(xs.map((x) => x.rss));
  const rawBase: Sample[] = [], geneBase: Sample[] = [];
  const figures: Figure[] = [];
  const wanted = [1, 8, 64].filter((n) => want(`rss-${n}`));
  if (wanted.length === 0) return figures;
  for (let i = 0; i < runs; i++) rawBase.push(await rssOf(rawRun(0), settleMs));
  const gBase = await attempt('RSS baseline', async () => {
    for (let i = 0; i < runs; i++) geneBase.push(await rssOf(geneRun(0), settleMs));
    return rssMedian(geneBase);
  }, log);
  for (const n of wanted) {
    const id = `rss-${n}`;
    const name = `RSS per idle kept-alive thread, ${n} threads`;
    const parts = {
      id, name, unit: 'MiB', rawWhat: 'N idle Workers, minus a process with none, / N', target: { max: 1, text: '<= raw + 1 MiB' },
      scoreLabel: 'Gene − raw, MiB per thread (the program\'s threads; spare Workers in the detail)',
    };
    if (!ns.includes(n)) {
      figures.push({ ...makeFigure(parts, null, null, { error: 'not run' }), verdict: quick ? 'not run (--quick; full run only)' : 'not run' });
      continue;
    }
    const g: Sample[] = [], j: Sample[] = [];
    let error = gBase.ok ? undefined : gBase.error;
    for (let r = 0; r < runs; r++) {
      if (!error) {
        const s = await attempt(name, () => rssOf(geneRun(n), settleMs), log);
        if (s.ok) g.push(s.v);
        else error = s.error;
      }
      j.push(await rssOf(rawRun(n), settleMs));
    }
    const perThread = (xs: Sample[], base: number) => xs.map((x) => (x.rss - base) / n / MiB);
    // The runtime may keep Workers beyond the program's threads (pre-started, a spare): each is
    // one more OS thread. The score counts the program's threads only (RSS per Worker); the
    // detail says what it is with the spares counted against the program's threads.
    const workers = (x: Sample) => Math.max(n, x.threads - (geneBase[0]?.threads ?? x.threads - n));
    const perWorker = (xs: Sample[], base: number) => xs.map((x) => (x.rss - base) / workers(x) / MiB);
    const raw = summary(perThread(j, rssMedian(rawBase)), 2);
    const gene = error || !gBase.ok ? null : summary(perWorker(g, gBase.v), 2);
    figures.push(makeFigure(
      {
        ...parts,
        detail: {
          rawRssMiB: j.map((x) => round(x.rss / MiB, 1)), rawBaseMiB: round(rssMedian(rawBase) / MiB, 1), rawOsThreads: j.map((x) => x.threads), rawBaseOsThreads: rawBase[0]?.threads,
          geneRssMiB: g.map((x) => round(x.rss / MiB, 1)), geneBaseMiB: gBase.ok ? round(gBase.v / MiB, 1) : undefined,
          geneOsThreads: g.map((x) => x.threads), geneBaseOsThreads: geneBase[0]?.threads,
          geneWorkers: g.map(workers),
          genePerThreadWithSparesMiB: gene && gBase.ok ? summary(perThread(g, gBase.v), 2) : undefined,
        },
      },
      gene, raw, { score: gene ? gene.median - raw.median : NaN, error },
    ));
  }
  return figures;
}

// ---- 64 threads spawned at once, all answering ----
/** Run a child until its "ready N µs" line, kill it, and give the µs. */
async function timeToReady(start: (onLine: OnLine) => Promise<unknown>): Promise<number> {
  let us: number | undefined;
  await start((line, child) => {
    if (!line.startsWith('ready') || us !== undefined) return;
    us = Number(line.trim().split(/\s+/)[2]);
    child.kill('SIGKILL');
  });
  if (us === undefined || !Number.isFinite(us)) throw new Error('the child printed no "ready N µs" line');
  return us;
}

export async function spawnAllFigures({ p, log }: GroupContext): Promise<Figure[]> {
  const { n, runs } = p.spawnAll;
  const name = `${n} threads spawned at once, time until all have answered (fresh process)`;
  const gene: number[] = [], raw: number[] = [];
  let error: string | undefined;
  for (let i = 0; i < runs; i++) {
    if (!error) {
      const g = await attempt(name, () => timeToReady(geneRun(n)), log);
      if (g.ok) gene.push(g.v / 1000);
      else error = g.error;
    }
    raw.push((await timeToReady(rawRun(n))) / 1000);
  }
  return [makeFigure(
    { id: `spawn-all-${n}`, name, unit: 'ms', rawWhat: `${n} new Workers at once, until each has posted "ready"` },
    error ? null : summary(gene, 1), summary(raw, 1), { error },
  )];
}

// ---- terminate a busy thread, then spawn_return on the freed slot ----
export async function terminateFigures({ p, log }: GroupContext): Promise<Figure[]> {
  const { rounds, deadlineMs } = p.terminate;
  const name = 'terminate a busy thread at its deadline, then spawn_return on the freed slot (--max-threads 1)';
  const g = await attempt(name, () => runGene('terminate-respawn', { M: rounds, DEADLINE_MS: deadlineMs }, { flags: ['--max-threads', '1'], timeoutMs: 180_000 }), log);
  const raw = await rawTerminateRespawn({ rounds, deadlineMs });
  const ms = (xs: number[]) => xs.map((x) => x / 1000);
  return [makeFigure(
    {
      id: 'terminate-respawn', name, unit: 'ms', rawWhat: 'after the deadline, terminate() a spinning Worker and await its exit, then postMessage to a warm spare and await its reply',
      target: { max: 1.5, text: '<= 1.5x raw' }, detail: { deadlineMs, rawWithoutAwaitingExitMs: summary(ms(raw.noWaitUs), 3) },
    },
    g.ok ? summary(ms(tagged(g.v, 'respawn')[0]!), 2) : null, summary(ms(raw.respawnUs), 3), { error: g.ok ? undefined : g.error },
  )];
}
