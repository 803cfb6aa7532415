// THR-PERF thread figures (REQUIREMENTS.md), each beside the same thing done with raw
// worker_threads in plain JavaScript in the same run. Gene programs (bench/programs/*.gene) run as
// child processes (`node bin/gene.js run …`) and time themselves with (time/now_us); the raw side
// runs in this process (bench/threads/raw.js) or, for cold start and RSS, in a fresh child process
// (bench/threads/raw-child.js). A figure whose Gene program fails is reported with its error, and
// the others still run. See docs/performance.md.
import { cpus, loadavg } from 'node:os';
import { procStatus, runGene, runRawChild, tagged } from './threads/children.js';
import { calibrateTask, rawPingPong, rawRoundTrip, rawSpeedupRunner, rawThroughput } from './threads/raw.js';
import { awaitQuiet, cpuMeter } from './threads/cpu.js';
import { median, p99, round, summary } from './threads/stats.js';

const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const verdict = (ok) => (ok ? 'met' : 'missed');
const fmt = (x, d = 2) => (Number.isFinite(x) ? String(round(x, d)) : String(x));

/** Settings for one run: quick keeps the whole `npm run bench -- --quick` under two minutes. */
function plan(quick) {
  const cores = cpus().length;
  return {
    cores,
    quietMaxMs: quick ? 3000 : 60_000,
    speedup: { ns: [cores, 2 * cores], k: 25, geneRounds: 3, rawRounds: 2, alternations: quick ? 3 : 12, settleMs: 300 },
    spawn: { samples: quick ? 300 : 2000, cold: quick ? 3 : 7 },
    ping: { busy: quick ? 1000 : 5000, idle: quick ? 300 : 1000 },
    reply: { samples: quick ? 500 : 3000 },
    throughput: { count: quick ? 20000 : 50000, burst: 50000, rounds: quick ? 7 : 15, burstRounds: quick ? 3 : 7 },
    rss: { ns: quick ? [1, 8] : [1, 8, 64], runs: quick ? 1 : 3, settleMs: 300 },
  };
}

/** The Gene side of a figure: its result, or the error that stopped it (the figure reports it). */
async function attempt(what, f, log) {
  try {
    return { ok: true, v: await f() };
  } catch (e) {
    const error = String(e?.message ?? e).split('\n')[0];
    log(`threads bench: ${what}: ${error.slice(0, 400)}`);
    return { ok: false, error };
  }
}

/** A figure: `common` always (name, unit, target, raw baseline), plus `make(gene)` when Gene ran. */
function figure(common, gene, make) {
  if (gene.ok) return { ...common, ...make(gene.v) };
  return { ...common, value: null, verdict: `error: ${gene.error.replace(/^gene run /, '').slice(0, 140)}` };
}

// ---- 1. speedup ----
// The second core of a shared VM comes and goes (raw JS alone measures 1.0x–2.0x from one second
// to the next), so Gene and raw JS alternate closely: raw rounds, a Gene process, raw rounds, …
// and each Gene process is compared with the raw rounds just before and just after it.
// Two baselines: the N tasks one after another on thread 0 (the figure THR-PERF names), and one
// after another in one spawned thread (Worker against Workers, thread 0 idle in both).
async function speedupFigures(p, log) {
  const figures = [];
  const { k, alternations, geneRounds, rawRounds } = p.speedup;
  for (const n of p.speedup.ns) {
    const name = `speedup, ${n} tasks of fib(${k}) on ${p.cores} cores`;
    const name2 = `speedup, ${n} tasks, against one thread doing them in turn`;
    const g = { main: [], thread: [], pairsMain: [], pairsThread: [], seq: [], par: [], seqThread: [] };
    const j = { main: [], thread: [], seq: [], par: [], seqThread: [] };
    let failed, runner, task;
    const rawBlock = async () => {
      const out = { main: [], thread: [] };
      for (let r = 0; r < rawRounds; r++) {
        const { seq, par, seqWorker } = await runner.round();
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
      let before = null;
      for (let a = 0; a < alternations; a++) {
        const r = await attempt(name, () => runGene('speedup', { N: n, K: k, ROUNDS: geneRounds }, { timeoutMs: 120_000 }), log);
        let mine = null;
        if (r.ok) {
          const rows = tagged(r.v, 'round');
          mine = { main: median(rows.map(([s, q]) => s / q)), thread: median(rows.map(([, q, t]) => t / q)) };
          g.main.push(mine.main);
          g.thread.push(mine.thread);
          for (const [s, q, t] of rows) {
            g.seq.push(s / 1000);
            g.par.push(q / 1000);
            g.seqThread.push(t / 1000);
          }
        } else failed = r;
        // Let the exited child's teardown (freeing its Workers' memory) finish before raw rounds.
        await sleep(p.speedup.settleMs);
        if (!runner) {
          // Raw tasks last as long as the Gene ones (calibrated on the first Gene process;
          // 22 ms, fib(25) in Gene on this machine, when Gene did not run).
          task = calibrateTask(g.seq.length ? median(g.seq) / n : 22);
          runner = await rawSpeedupRunner({ n, task });
          before = await rawBlock();
        }
        const after = await rawBlock();
        if (mine !== null) {
          g.pairsMain.push(mine.main / median([...before.main, ...after.main]));
          g.pairsThread.push(mine.thread / median([...before.thread, ...after.thread]));
        }
        before = after;
        if (failed) break;
      }
      if (failed) for (let a = 1; a < alternations; a++) await rawBlock();
    } finally {
      await runner?.close();
    }
    const rawDetail = { sequentialMs: summary(j.seq, 1), parallelMs: summary(j.par, 1), sequentialInOneWorkerMs: summary(j.seqThread, 1), task: `fib(${task.k}) x ${task.reps}` };
    const geneDetail = { sequentialMs: summary(g.seq, 1), parallelMs: summary(g.par, 1), sequentialInOneThreadMs: summary(g.seqThread, 1) };
    const make = (key, pairs, rawKey) => () => {
      const v = median(g[key]), ratio = median(g[pairs]);
      return {
        value: round(v, 2), baseline: `${fmt(median(j[rawKey]))}x (Gene / raw, paired: ${fmt(ratio * 100, 0)}%)`, runs: g[key].length, ofRaw: round(ratio, 3),
        gene: { speedup: round(v, 3), perProcess: g[key].map((x) => round(x, 3)), pairedOfRaw: g[pairs].map((x) => round(x, 3)), ...geneDetail },
      };
    };
    const main = figure(
      { name, unit: 'x', target: '>= 95% of raw JS speedup', raw: { speedup: round(median(j.main), 3), speedups: j.main.map((x) => round(x, 3)), ...rawDetail } },
      failed ?? { ok: true },
      () => {
        const f = make('main', 'pairsMain', 'main')();
        return { ...f, verdict: verdict(f.ofRaw >= 0.95) };
      },
    );
    const thread = figure(
      { name: name2, unit: 'x', target: '(for comparison)', raw: { speedup: round(median(j.thread), 3), speedups: j.thread.map((x) => round(x, 3)), ...rawDetail } },
      failed ?? { ok: true },
      make('thread', 'pairsThread', 'thread'),
    );
    if (failed) {
      main.baseline = `${fmt(median(j.main))}x`;
      thread.baseline = `${fmt(median(j.thread))}x`;
    }
    figures.push(main, thread);
  }
  return figures;
}

// ---- 2. spawn_return round trips, warm and cold ----
async function spawnFigures(p, log) {
  const warmName = 'warm (await (spawn_return 1)) round trip';
  const coldName = 'cold first spawn_return in a fresh process';
  const g = await attempt(warmName, () => runGene('spawn-warm', { M: p.spawn.samples }), log);
  const raw = (await rawRoundTrip({ samples: p.spawn.samples })).map((x) => x / 1000);
  const warm = figure(
    {
      name: warmName, unit: 'ms', target: '<= 0.3 ms',
      baseline: `${fmt(median(raw), 3)} ms (p99 ${fmt(p99(raw), 3)}): postMessage to a warm Worker and back`,
      raw: { ...summary(raw, 3), what: 'postMessage to a warm Worker and back' },
    },
    g,
    (r) => {
      const xs = tagged(r, 'warm')[0].map((x) => x / 1000);
      const m = median(xs);
      return { value: round(m, 3), p99: round(p99(xs), 3), verdict: verdict(m <= 0.3), runs: xs.length, gene: summary(xs, 3) };
    },
  );
  // Cold: alternately a fresh Gene process and a fresh raw-JS process.
  const first = [], second = [], rawFirst = [], rawSecond = [];
  let failed;
  for (let i = 0; i < p.spawn.cold; i++) {
    if (!failed) {
      const c = await attempt(coldName, () => runGene('spawn-cold'), log);
      if (c.ok) {
        const [a, b] = tagged(c.v, 'cold')[0];
        first.push(a / 1000);
        second.push(b / 1000);
      } else failed = c;
    }
    const [c, d] = tagged(await runRawChild('cold'), 'cold')[0];
    rawFirst.push(c / 1000);
    rawSecond.push(d / 1000);
  }
  const cold = figure(
    {
      name: coldName, unit: 'ms', target: '(none; for scale)',
      baseline: `${fmt(median(rawFirst), 1)} ms: new Worker to its first reply, in a fresh process`,
      raw: { first: summary(rawFirst, 1), second: summary(rawSecond, 1) },
    },
    failed ?? { ok: true },
    () => ({ value: round(median(first), 1), p99: round(p99(first), 1), runs: first.length, gene: { first: summary(first, 1), second: summary(second, 2) } }),
  );
  return [warm, cold];
}

// ---- 3. one-way latency, busy and idle receivers ----
async function latencyFigures(p, log) {
  const busyName = 'one-way latency, busy thread -> busy thread';
  const idleName = 'one-way latency, busy thread -> idle thread';
  const g = await attempt('one-way latency', () => runGene('ping-pong', { M: p.ping.busy, M_IDLE: p.ping.idle }, { timeoutMs: 120_000 }), log);
  const rawBusy = await rawPingPong({ busy: true, samples: p.ping.busy });
  const rawIdle = await rawPingPong({ busy: false, samples: p.ping.idle });
  const jB = median(rawBusy) / 2;
  // The idle case's pong comes back to a spinning thread 0: subtract that busy one-way leg.
  const jI = median(rawIdle) - jB;
  let geneBusy, geneIdle, gB;
  if (g.ok) {
    geneBusy = tagged(g.v, 'busy')[0];
    geneIdle = tagged(g.v, 'idle')[0];
    gB = median(geneBusy) / 2;
  }
  return [
    figure(
      {
        name: busyName, unit: 'µs', target: '<= 10 µs', what: 'ping-pong round trip / 2, both threads spinning',
        baseline: `${fmt(jB)} µs (p99 ${fmt(p99(rawBusy) / 2)}): postMessage + receiveMessageOnPort polling`,
        raw: { roundTripUs: summary(rawBusy, 2) },
      },
      g,
      () => ({ value: round(gB, 2), p99: round(p99(geneBusy) / 2, 2), verdict: verdict(gB <= 10), runs: geneBusy.length, gene: { roundTripUs: summary(geneBusy, 1) } }),
    ),
    figure(
      {
        name: idleName, unit: 'µs', target: '<= 1.5x raw JS idle wake-up',
        what: 'round trip to a thread asleep (1 ms pause before each ping) minus the busy one-way leg back',
        baseline: `${fmt(jI, 1)} µs: postMessage to an idle Worker`, raw: { roundTripUs: summary(rawIdle, 1) },
      },
      g,
      () => {
        const gI = median(geneIdle) - gB;
        return {
          value: round(gI, 1), p99: round(p99(geneIdle) - gB, 1), verdict: verdict(gI <= 1.5 * jI), runs: geneIdle.length, ofRaw: round(gI / jI, 3),
          baseline: `${fmt(jI, 1)} µs (Gene = ${fmt(gI / jI, 2)}x): postMessage to an idle Worker`, gene: { roundTripUs: summary(geneIdle, 1) },
        };
      },
    ),
  ];
}

// ---- 4. send_expect_reply ----
async function replyFigures(p, log) {
  const name = 'send_expect_reply round trip to a kept-alive thread';
  const g = await attempt(name, () => runGene('reply', { M: p.reply.samples }), log);
  const raw = (await rawRoundTrip({ samples: p.reply.samples })).map((x) => x / 1000);
  return [
    figure(
      { name, unit: 'ms', target: '<= 0.2 ms', baseline: `${fmt(median(raw), 3)} ms (p99 ${fmt(p99(raw), 3)}): postMessage to a warm Worker and back`, raw: summary(raw, 3) },
      g,
      (r) => {
        const xs = tagged(r, 'reply')[0].map((x) => x / 1000);
        const m = median(xs);
        return { value: round(m, 3), p99: round(p99(xs), 3), verdict: verdict(m <= 0.2), runs: xs.length, gene: summary(xs, 3) };
      },
    ),
  ];
}

// ---- 5. throughput ----
async function throughputFigures(p, log) {
  const { count, burst, rounds, burstRounds } = p.throughput;
  const steadyName = 'messages/s, 1 -> 1, Int payloads, default mailbox (retry on ChannelFull)';
  const burstName = `messages/s, 1 -> 1, Int payloads, burst of ${burst} (--channel-capacity ${burst})`;
  const steady = await attempt(steadyName, () => runGene('throughput', { COUNT: count, ROUNDS: rounds, RETRY: true }, { timeoutMs: 180_000 }), log);
  const rawSteady = (await rawThroughput({ count, rounds })).map(([, all]) => (count / all) * 1e6);
  const bursty = await attempt(burstName, () => runGene('throughput', { COUNT: burst, ROUNDS: burstRounds, RETRY: false }, { flags: ['--channel-capacity', String(burst)], timeoutMs: 180_000 }), log);
  const rawBurst = (await rawThroughput({ count: burst, rounds: burstRounds })).map(([, all]) => (burst / all) * 1e6);
  const make = (extra) => (r) => {
    const rows = tagged(r, 'round');
    const gene = rows.map(([c, , all]) => (c / all) * 1e6);
    const m = median(gene);
    return {
      value: Math.round(m), verdict: verdict(m >= 200_000), runs: gene.length,
      gene: { received: gene.map(Math.round), sendOnly: rows.map(([c, sent]) => Math.round((c / sent) * 1e6)), channelFullRetries: rows.map((x) => x[3]), ...extra },
    };
  };
  const common = (name, n, raw) => ({
    name, unit: 'msg/s', target: '>= 200,000', messagesPerRound: n,
    baseline: `${Math.round(median(raw)).toLocaleString('en-US')} msg/s: ${n} postMessages to a counting Worker`, raw: { received: raw.map(Math.round) },
  });
  return [
    figure(common(steadyName, count, rawSteady), steady, make({ channelCapacity: 1000 })),
    figure(common(burstName, burst, rawBurst), bursty, make({ channelCapacity: burst })),
  ];
}

// ---- 6. RSS per idle thread ----
/** Start a child that prints "ready …" when set up; sample its /proc status 3 times, then kill it. */
async function rssOf(start, settleMs) {
  let sample;
  const onLine = (line, child) => {
    if (!line.startsWith('ready') || sample) return;
    sample = 'pending';
    const reads = [];
    const read = () => {
      try {
        reads.push(procStatus(child.pid));
      } catch {
        child.kill('SIGKILL'); // it ended early: reported below
        return;
      }
      if (reads.length < 3) setTimeout(read, settleMs / 3);
      else {
        sample = { rss: median(reads.map((x) => x.rss)), threads: reads[reads.length - 1].threads };
        child.kill('SIGKILL');
      }
    };
    setTimeout(read, settleMs / 3);
  };
  await start(onLine);
  if (!sample || sample === 'pending' || !Number.isFinite(sample.rss)) throw new Error('the child ended before its RSS could be read');
  return sample;
}

async function rssFigures(p, quick, log) {
  const { ns, runs, settleMs } = p.rss;
  // Baselines: the same wait with no thread (Gene: a program without spawn, see rss-base.gene).
  const geneRun = (n) => (onLine) =>
    n === 0 ? runGene('rss-base', {}, { onLine, allowKill: true }) : runGene('rss-idle', { N: n }, { onLine, allowKill: true, timeoutMs: 120_000 });
  const rawRun = (n) => (onLine) => runRawChild('rss', [n], { onLine, allowKill: true, timeoutMs: 120_000 });
  const rssMedian = (xs) => median(xs.map((x) => x.rss));
  const rawBase = [], geneBase = [];
  for (let i = 0; i < runs; i++) rawBase.push(await rssOf(rawRun(0), settleMs));
  const gBase = await attempt('RSS baseline', async () => {
    for (let i = 0; i < runs; i++) geneBase.push(await rssOf(geneRun(0), settleMs));
    return rssMedian(geneBase);
  }, log);
  const figures = [];
  for (const n of [1, 8, 64]) {
    const name = `RSS per idle kept-alive thread, ${n} threads`;
    const common = { name, unit: 'MiB', target: '<= 10 MiB' };
    if (!ns.includes(n)) {
      figures.push({ ...common, value: null, verdict: quick ? 'not run (--quick; full run only)' : 'not run' });
      continue;
    }
    const g = [], j = [];
    let gene = gBase.ok ? { ok: true } : gBase;
    for (let r = 0; r < runs; r++) {
      if (gene.ok) {
        const s = await attempt(name, () => rssOf(geneRun(n), settleMs), log);
        if (s.ok) g.push(s.v);
        else gene = s;
      }
      j.push(await rssOf(rawRun(n), settleMs));
    }
    const jPer = (rssMedian(j) - rssMedian(rawBase)) / n / MiB;
    figures.push(
      figure(
        {
          ...common, baseline: `${fmt(jPer)} MiB per idle Worker`,
          raw: { rssMiB: j.map((x) => round(x.rss / MiB, 1)), baseMiB: round(rssMedian(rawBase) / MiB, 1), osThreads: j.map((x) => x.threads), baseOsThreads: rawBase[0].threads },
        },
        gene,
        () => {
          const gPer = (rssMedian(g) - gBase.v) / n / MiB;
          return {
            value: round(gPer, 2), verdict: verdict(gPer <= 10), runs: g.length,
            gene: { rssMiB: g.map((x) => round(x.rss / MiB, 1)), baseMiB: round(gBase.v / MiB, 1), osThreads: g.map((x) => x.threads), baseOsThreads: geneBase[0].threads },
          };
        },
      ),
    );
  }
  return figures;
}

export async function threadFigures({ quick = false } = {}) {
  const log = (s) => process.stderr.write(s + '\n');
  const p = plan(quick);
  const load = loadavg()[0];
  if (load > 1.5) log(`threads bench: warning: 1-minute load average is ${load.toFixed(2)} on ${p.cores} cores; figures will be noisy`);
  const t0 = performance.now();
  const whole = cpuMeter();
  // Each group waits (briefly) for other processes to calm down, and records how much CPU they
  // used while it ran: on a shared 2-core machine that is the main source of noise.
  const groups = process.env.GENE_BENCH_GROUPS?.split(',');
  const step = async (what, f) => {
    if (groups && !groups.includes(what)) return [];
    const t = performance.now();
    const before = await awaitQuiet(p.quietMaxMs);
    const meter = cpuMeter();
    const out = await f();
    const { otherCores, stealCores } = meter();
    for (const fig of out) {
      Object.assign(fig, { otherCores, stealCores });
      if (otherCores > 0.25 && fig.value !== null) fig.verdict = `${fig.verdict ?? ''} (noisy: other processes used ${otherCores} cores)`.trim();
    }
    if (process.env.GENE_BENCH_VERBOSE) log(`threads bench: ${what} took ${((performance.now() - t) / 1000).toFixed(1)} s; other processes used ${before} cores before, ${otherCores} during`);
    return out;
  };
  const figures = [
    ...(await step('speedup', () => speedupFigures(p, log))),
    ...(await step('spawn', () => spawnFigures(p, log))),
    ...(await step('latency', () => latencyFigures(p, log))),
    ...(await step('reply', () => replyFigures(p, log))),
    ...(await step('throughput', () => throughputFigures(p, log))),
    ...(await step('rss', () => rssFigures(p, quick, log))),
  ];
  figures.push({ name: 'thread suite wall time', value: round((performance.now() - t0) / 1000, 1), unit: 's', loadAtStart: round(load, 2), ...whole() });
  return figures;
}
