// The benchmark history: every `npm run bench` appends one line to bench/history.jsonl with the
// date, commit, machine, load and each figure's medians, p99s and score, so docs/performance.md
// can chart each score over time (bench/charts.ts) and a regression shows as a line going the
// wrong way.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Figure, Score } from './figure.js';
import type { Dist } from './threads/stats.js';

export const HISTORY = new URL('./history.jsonl', import.meta.url);

/** Imported entries may lack a p99 or a count (the older harness did not record them). */
type Short = { median: number; p99: number | null; n: number | null };

export interface HistoryFigure {
  id: string;
  name: string;
  unit: string;
  gene: Short | null;
  raw: Short | null;
  score: Score | null;
  verdict: string;
  otherCores?: number;
}

export interface HistoryEntry {
  date: string;
  commit: string;
  /** Uncommitted changes in src/ or bench/ when it ran. */
  dirty: boolean;
  machine: { cpus: number; model: string; node: string; platform: string; memGiB: number | null };
  /** 1-minute load average at the start; cores other processes used during the run. */
  load: { loadavg1: number; otherCores: number; stealCores: number };
  quick: boolean;
  /** The --only selection, when not every figure ran. */
  only?: string[];
  /** Where an entry came from when not from run.ts (e.g. imported from an older results file). */
  source?: string;
  figures: HistoryFigure[];
}

const short = (d: Dist | null): Short | null => (d ? { median: d.median, p99: d.p99, n: d.n } : null);

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function machine(): HistoryEntry['machine'] {
  return { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform, memGiB: Math.round(totalmem() / 2 ** 30) };
}

export function startLoad(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/** The history entry of one run. */
export function entryOf(figures: Figure[], opts: { quick: boolean; only?: string[]; loadavg1: number; otherCores: number; stealCores: number }): HistoryEntry {
  return {
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short=10', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--', 'src', 'bench/programs', 'bench/threads']) !== '',
    machine: machine(),
    load: { loadavg1: opts.loadavg1, otherCores: opts.otherCores, stealCores: opts.stealCores },
    quick: opts.quick,
    ...(opts.only ? { only: opts.only } : {}),
    figures: figures.map((f) => ({ id: f.id, name: f.name, unit: f.unit, gene: short(f.gene), raw: short(f.raw), score: f.score, verdict: f.verdict, otherCores: f.otherCores })),
  };
}

export function appendHistory(entry: HistoryEntry, file: URL = HISTORY): void {
  appendFileSync(file, JSON.stringify(entry) + '\n');
}

/** Every entry, oldest first; a line that does not parse is reported with its number. */
export function readHistory(file: URL = HISTORY): HistoryEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as HistoryEntry];
    } catch (e) {
      throw new Error(`${file.pathname}:${i + 1}: not a JSON history entry (${(e as Error).message})`);
    }
  });
}
