// Thread figures about spawning and messages, each beside raw worker_threads in the same run:
// warm and cold spawn_return, one-way latency (busy and idle receivers), send_expect_reply,
// messages per second 1 → 1 and 4 → 1.
import { type Figure, makeFigure } from '../figure.js';
import { type ChildResult, runGene, runRawChild, tagged } from './children.js';
import { type Attempt, type GroupContext, attempt } from './plan.js';
import { rawFanIn, rawPingPong, rawRoundTrip, rawThroughput } from './raw.js';
import { median, round, summary } from './stats.js';

const ms = (xs: number[]) => xs.map((x) => x / 1000);
const errorOf = <T>(a: Attempt<T>) => (a.ok ? undefined : a.error);

// ---- 2. spawn_return round trips, warm and cold ----
export async function spawnFigures({ p, want, log }: GroupContext): Promise<Figure[]> {
  const out: Figure[] = [];
  if (want('spawn-warm')) {
    const name = 'warm (await (spawn_return 1)) round trip';
    const g = await attempt(name, () => runGene('spawn-warm', { M: p.spawn.samples }), log);
    const raw = ms(await rawRoundTrip({ samples: p.spawn.samples }));
    out.push(makeFigure(
      { id: 'spawn-warm', name, unit: 'ms', rawWhat: 'postMessage to a warm Worker and back', target: { max: 1.3, text: '<= 1.3x raw' } },
      g.ok ? summary(ms(tagged(g.v, 'warm')[0]!), 3) : null, summary(raw, 3), { error: errorOf(g) },
    ));
  }
  if (want('spawn-cold')) {
    // Alternately a fresh Gene process and a fresh raw-JS process.
    const name = 'cold first spawn_return in a fresh process';
    const first: number[] = [], second: number[] = [], rawFirst: number[] = [], rawSecond: number[] = [];
    let failed: string | undefined;
    for (let i = 0; i < p.spawn.cold; i++) {
      if (!failed) {
        const c = await attempt(name, () => runGene('spawn-cold'), log);
        if (c.ok) {
          const [a, b] = tagged(c.v, 'cold')[0]!;
          first.push(a! / 1000);
          second.push(b! / 1000);
        } else failed = c.error;
      }
      const [c, d] = tagged(await runRawChild('cold'), 'cold')[0]!;
      rawFirst.push(c! / 1000);
      rawSecond.push(d! / 1000);
    }
    out.push(makeFigure(
      {
        id: 'spawn-cold', name, unit: 'ms', rawWhat: 'new Worker to its first reply, in a fresh process', target: { max: 1.3, text: '<= 1.3x raw' },
        detail: { geneSecondMs: failed ? undefined : summary(second, 2), rawSecondMs: summary(rawSecond, 1) },
      },
      failed ? null : summary(first, 1), summary(rawFirst, 1), { error: failed },
    ));
  }
  return out;
}

// ---- 3. one-way latency, busy and idle receivers ----
export async function latencyFigures({ p, log }: GroupContext): Promise<Figure[]> {
  const g = await attempt('one-way latency', () => runGene('ping-pong', { M: p.ping.busy, M_IDLE: p.ping.idle }, { timeoutMs: 120_000 }), log);
  const rawBusy = await rawPingPong({ busy: true, samples: p.ping.busy });
  const rawIdle = await rawPingPong({ busy: false, samples: p.ping.idle });
  const jB = median(rawBusy) / 2;
  // The idle case's pong comes back to a spinning thread 0: subtract that busy one-way leg.
  let geneBusy: number[] | null = null, geneIdle: number[] | null = null;
  if (g.ok) {
    const gB = median(tagged(g.v, 'busy')[0]!) / 2;
    geneBusy = tagged(g.v, 'busy')[0]!.map((x) => x / 2);
    geneIdle = tagged(g.v, 'idle')[0]!.map((x) => x - gB);
  }
  return [
    makeFigure(
      { id: 'busy-busy', name: 'one-way latency, busy thread -> busy thread', unit: 'µs', rawWhat: 'postMessage + receiveMessageOnPort polling, round trip / 2', target: { max: 3, text: '<= 3x raw' } },
      geneBusy && summary(geneBusy, 2), summary(rawBusy.map((x) => x / 2), 2), { error: errorOf(g) },
    ),
    makeFigure(
      {
        id: 'busy-idle', name: 'one-way latency, busy thread -> idle thread', unit: 'µs', rawWhat: 'postMessage to a Worker asleep in its event loop',
        target: { max: 1.5, text: '<= 1.5x raw' }, detail: { method: 'round trip after a 1 ms pause, minus the median busy one-way leg back' },
      },
      geneIdle && summary(geneIdle, 1), summary(rawIdle.map((x) => x - jB), 1), { error: errorOf(g) },
    ),
  ];
}

// ---- 4. send_expect_reply ----
export async function replyFigures({ p, log }: GroupContext): Promise<Figure[]> {
  const name = 'send_expect_reply round trip to a kept-alive thread';
  const g = await attempt(name, () => runGene('reply', { M: p.reply.samples }), log);
  const raw = ms(await rawRoundTrip({ samples: p.reply.samples }));
  return [makeFigure(
    { id: 'reply', name, unit: 'ms', rawWhat: 'postMessage to a warm Worker, await its reply', target: { max: 1.25, text: '<= 1.25x raw' } },
    g.ok ? summary(ms(tagged(g.v, 'reply')[0]!), 3) : null, summary(raw, 3), { error: errorOf(g) },
  )];
}

// ---- 5. throughput, 1 → 1 and SENDERS → 1 ----
/** Messages per second of each "round COUNT … all-counted-µs …" line (allAt: its column). */
const rates = (r: ChildResult, allAt: number) => tagged(r, 'round').map((row) => (row[0]! / row[allAt]!) * 1e6);

export async function throughputFigures({ p, want, log }: GroupContext): Promise<Figure[]> {
  const { count, burst, rounds, burstRounds, fanInCount, fanInRounds, senders } = p.throughput;
  const out: Figure[] = [];
  const target = { min: 0.6, text: '>= 60% of raw' };
  if (want('throughput-1-1')) {
    const name = 'messages/s, 1 -> 1, Int payloads, default mailbox (retry on ChannelFull)';
    const g = await attempt(name, () => runGene('throughput', { COUNT: count, ROUNDS: rounds, RETRY: true }, { timeoutMs: 180_000 }), log);
    const raw = (await rawThroughput({ count, rounds })).map(([, all]) => (count / all) * 1e6);
    out.push(makeFigure(
      { id: 'throughput-1-1', name, unit: 'msg/s', rawWhat: `${count} postMessages to a counting Worker`, target, detail: { messagesPerRound: count, channelFullRetries: g.ok ? tagged(g.v, 'round').map((x) => x[3]) : undefined } },
      g.ok ? summary(rates(g.v, 2), 0, 'higher') : null, summary(raw, 0, 'higher'), { error: errorOf(g) },
    ));
  }
  if (want('throughput-burst')) {
    const name = `messages/s, 1 -> 1, Int payloads, burst of ${burst} (--channel-capacity ${burst})`;
    const g = await attempt(name, () => runGene('throughput', { COUNT: burst, ROUNDS: burstRounds, RETRY: false }, { flags: ['--channel-capacity', String(burst)], timeoutMs: 180_000 }), log);
    const raw = (await rawThroughput({ count: burst, rounds: burstRounds })).map(([, all]) => (burst / all) * 1e6);
    out.push(makeFigure(
      { id: 'throughput-burst', name, unit: 'msg/s', rawWhat: `${burst} postMessages to a counting Worker`, target },
      g.ok ? summary(rates(g.v, 2), 0, 'higher') : null, summary(raw, 0, 'higher'), { error: errorOf(g) },
    ));
  }
  if (want('throughput-4-1')) {
    // Flow control as ChannelFull's message advises (a send_expect_reply every WINDOW messages,
    // awaited one window later): no send is refused. The same without flow control (a refused
    // send retried at once) goes in the detail: its spinning senders starve the receiver.
    const window = Math.floor(1000 / (2 * senders)); // two windows a sender fit the default mailbox (1000)
    const name = `messages/s, ${senders} senders -> 1 receiver, Int payloads, default mailbox (a send_expect_reply every ${window})`;
    const params = { COUNT: fanInCount, SENDERS: senders, ROUNDS: fanInRounds };
    const g = await attempt(name, () => runGene('fan-in', { ...params, WINDOW: window }, { timeoutMs: 180_000 }), log);
    const spin = await attempt(`${name}: retry on ChannelFull`, () => runGene('fan-in', { ...params, WINDOW: 0 }, { timeoutMs: 180_000 }), log);
    const raw = (await rawFanIn({ senders, count: fanInCount, rounds: fanInRounds })).map((all) => (fanInCount / all) * 1e6);
    const rawRate = summary(raw, 0, 'higher');
    const spinRate = spin.ok ? summary(rates(spin.v, 1), 0, 'higher') : null;
    out.push(makeFigure(
      {
        id: 'throughput-4-1', name, unit: 'msg/s', rawWhat: `${senders} Workers posting ${fanInCount / senders} each on their own port to one counting Worker`, target: { min: 0.5, text: '>= 50% of raw' },
        detail: { window, retryOnChannelFull: spinRate, retryOnChannelFullOfRaw: spinRate ? round(spinRate.median / rawRate.median, 3) : errorOf(spin) },
      },
      g.ok ? summary(rates(g.v, 1), 0, 'higher') : null, rawRate, { error: errorOf(g) },
    ));
  }
  return out;
}
