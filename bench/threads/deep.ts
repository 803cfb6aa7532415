// THR-MSG-COPY.4 by depth: the time a 100,000-deep list takes to cross between threads, against a
// 1,000-deep one (issue #10's ≤ 10×) and against a flat list of as many containers, for each
// crossing (message + reply, capture + spawn_return result, ^args, a thrown value). All Gene: the
// deep-copy.gene program times every shape in one process, rounds interleaved. And the whole
// program as a user times it (`deep-program`: deep-everywhere.gene, 100,000 against 1,000 deep).
import { type Figure, makeFigure } from '../figure.js';
import { runGene, tagged } from './children.js';
import { type GroupContext, attempt } from './plan.js';
import { round, summary } from './stats.js';

export const CROSSINGS = ['message+reply', 'capture+result', 'args', 'thrown'];

/** Figure id of a crossing: deep-message+reply → deep-message-reply. */
export const deepId = (crossing: string) => `deep-${crossing.replace('+', '-')}`;

/** Figure ids of the group: one per crossing, then the whole program. */
export const DEEP_FIGURES = [...CROSSINGS.map((c) => deepId(c)), 'deep-program'];

export async function deepFigures(ctx: GroupContext): Promise<Figure[]> {
  const out = ctx.want('deep-program') ? [await deepProgramFigure(ctx)] : [];
  return CROSSINGS.some((c) => ctx.want(deepId(c))) ? [...(await crossingFigures(ctx)), ...out] : out;
}

/**
 * The same as a user times it: the whole `gene run` of deep-everywhere.gene with a 100,000-deep
 * list against a 1,000-deep one, fresh processes, alternating.
 */
async function deepProgramFigure({ p, log }: GroupContext): Promise<Figure> {
  const deep: number[] = [];
  const shallow: number[] = [];
  let error: string | undefined;
  for (let r = 0; r < p.deep.rounds && error === undefined; r++) {
    for (const [depth, into] of [[100_000, deep], [1_000, shallow]] as const) {
      const g = await attempt(`deep-everywhere.gene, depth ${depth}`, () => runGene('deep-everywhere', { DEPTH: depth }, { timeoutMs: 120_000 }), log);
      if (g.ok) into.push(g.v.ms);
      else error = g.error;
    }
  }
  return makeFigure(
    {
      id: 'deep-program', name: 'a program sending a 100,000-deep list everywhere a value crosses (gene run, whole process)', unit: 'ms',
      rawWhat: 'the same program with a 1,000-deep list', target: { max: 10, text: '<= 10x the 1,000-deep program' }, scoreLabel: '100,000-deep / 1,000-deep',
    },
    error === undefined ? summary(deep, 1) : null, error === undefined ? summary(shallow, 1) : null, { error },
  );
}

async function crossingFigures({ p, log }: GroupContext): Promise<Figure[]> {
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
