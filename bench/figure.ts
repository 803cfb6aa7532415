// What every benchmark figure reports (THR-PERF): the Gene distribution beside the raw
// worker_threads (or plain JS) distribution measured in the same run, and the score its target
// judges — most often Gene / raw. The history (bench/history.jsonl) and its charts keep scores.
import { type Better, type Dist, round } from './threads/stats.js';

/** The number a target judges, e.g. Gene / raw ≤ 1.5, or Gene − raw ≤ 1 MiB. */
export interface Score {
  value: number;
  /** How the score is formed, e.g. "Gene / raw". */
  label: string;
  better: Better;
  /** The target line; none for figures kept for scale. */
  target?: number;
}

export interface Figure {
  /** Stable name for --only and the history, e.g. "busy-idle". */
  id: string;
  name: string;
  unit: string;
  gene: Dist | null;
  raw: Dist | null;
  /** What the raw side does. */
  rawWhat: string;
  score: Score | null;
  /** The target in words. */
  target: string;
  verdict: string;
  /** Set when the Gene side failed; the figure still reports its raw side. */
  error?: string;
  /** Other processes' CPU use while the figure was measured (cores). */
  otherCores?: number;
  stealCores?: number;
  detail?: Record<string, unknown>;
}

/** A target on a score: `max` for "at most", `min` for "at least". */
export interface Target {
  max?: number;
  min?: number;
  text: string;
}

/** The verdict of a score against its target ("met", "missed", or "—" for none). */
export function judge(score: number, target: Target | undefined): string {
  if (!target || (target.max === undefined && target.min === undefined)) return '—';
  if (!Number.isFinite(score)) return 'missed';
  if (target.max !== undefined && score > target.max) return 'missed';
  if (target.min !== undefined && score < target.min) return 'missed';
  return 'met';
}

interface FigureParts {
  id: string;
  name: string;
  unit: string;
  rawWhat: string;
  target?: Target;
  /** How the score is formed from the two medians; Gene / raw unless said otherwise. */
  scoreLabel?: string;
  better?: Better;
  detail?: Record<string, unknown>;
}

/**
 * Assemble a figure. `score` defaults to Gene median / raw median. A Gene side that failed
 * (gene === null with an error) gives a figure with its raw side and the error as verdict.
 */
export function makeFigure(
  parts: FigureParts,
  gene: Dist | null,
  raw: Dist | null,
  opts: { score?: number; error?: string } = {},
): Figure {
  const better = parts.better ?? 'lower';
  const target = parts.target;
  const fig: Figure = {
    id: parts.id, name: parts.name, unit: parts.unit, gene, raw, rawWhat: parts.rawWhat,
    score: null, target: target?.text ?? '(for scale)', verdict: '—', detail: parts.detail,
  };
  if (opts.error !== undefined || gene === null) {
    fig.error = opts.error ?? 'not measured';
    fig.verdict = `error: ${fig.error.replace(/^gene run /, '').slice(0, 140)}`;
    return fig;
  }
  const value = opts.score ?? (raw ? gene.median / raw.median : NaN);
  const targetValue = target?.max ?? target?.min;
  fig.score = { value: round(value, 3), label: parts.scoreLabel ?? 'Gene / raw', better: target?.min !== undefined ? 'higher' : target?.max !== undefined ? 'lower' : better };
  if (targetValue !== undefined) fig.score.target = targetValue;
  fig.verdict = judge(value, target);
  return fig;
}
