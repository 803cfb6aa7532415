// THR-MSG-COPY.4 by depth: the time a 100,000-deep list takes to cross between threads, against a
// 1,000-deep one (issue #10's ≤ 10×) and against a flat list of as many containers, for each
// crossing (message + reply, capture + spawn_return result, ^args, a thrown value). All Gene: the
// deep-copy.gene program times every shape in one process, rounds interleaved.
import { type Figure, makeFigure } from '../figure.js';
import { runGene, tagged } from './children.js';
import { type GroupContext, attempt } from './plan.js';
import { round, summary } from './stats.js';

export const CROSSINGS = ['message+reply', 'capture+result', 'args', 'thrown'];

/** Figure id of a crossing: deep-message+reply → deep-message-reply. */
export const deepId = (crossing: string) => `deep-${crossing.replace('+', '-')}`;

export async function deepFigures({ p, log }: GroupContext): Promise<Figure[]> {
  const g = await attempt('deep-copy.gene', () => runGene('deep-copy', { ROUNDS: p.deep.rounds }, { timeoutMs: 600_000 }), log);
  return CROSSINGS.map((crossing) => {
    const ms = (shape: string) => (g.ok ? tagged(g.v, `${crossing}/${shape}`)[0]!.map((us) => us / 1000) : []);
    const [deep, shallow, flat] = [ms('deep-100k'), ms('deep-1k'), ms('flat-100k')];
    const flatSummary = g.ok ? summary(flat, 2) : null;
    return makeFigure(
      {
        id: deepId(crossing), name: `a 100,000-deep list, ${crossing}`, unit: 'ms',
        rawWhat: 'the same crossing with a 1,000-deep list (Gene, same process)',
        target: { max: 10, text: '<= 10x the 1,000-deep list' }, scoreLabel: '100,000-deep / 1,000-deep',
        detail: g.ok ? { flat100kMs: flatSummary, deepOverFlat: round(summary(deep).median / flatSummary!.median, 2) } : undefined,
      },
      g.ok ? summary(deep, 2) : null, g.ok ? summary(shallow, 3) : null, { error: g.ok ? undefined : g.error },
    );
  });
}
