// The run: select cases, skip what the expectations file or the limits record rule out, run the
// rest N at a time, judge each, and fold in the expectations (known failures, unexpected passes).

import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConformanceCase, TimeoutClass } from './case-file.js';
import { runCase } from './exec.js';
import { expectationFor, type Expectations } from './expectations.js';
import { judgeRun } from './judge.js';
import { unmetRequirement, type LimitsRecord } from './limits.js';
import { summarize, type CaseResult, type RunReport } from './results.js';

/** Host contract v1 timeout classes, before --timeout-scale. */
export const TIMEOUT_CLASS_MS: Readonly<Record<TimeoutClass, number>> = { short: 10_000, long: 60_000 };

/** A runaway printer is stopped here rather than filling the disk. */
export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface Selection {
  /** Keep cases whose id contains any of these (all cases when empty). */
  filters: readonly string[];
  /** Keep cases having any of these tags (all cases when empty). */
  features: readonly string[];
  /** Drop cases having any of these tags. */
  excludeFeatures: readonly string[];
  /** Keep only these exact ids (all cases when empty). */
  ids?: readonly string[];
  /** Keep the index-th (1-based) of count parts. */
  shard?: { index: number; count: number };
}

export function selectCases(cases: readonly ConformanceCase[], selection: Selection): ConformanceCase[] {
  const ids = new Set(selection.ids ?? []);
  const selected = cases.filter(
    (c) =>
      (ids.size === 0 || ids.has(c.id)) &&
      (selection.filters.length === 0 || selection.filters.some((f) => c.id.includes(f))) &&
      (selection.features.length === 0 || c.features.some((t) => selection.features.includes(t))) &&
      !c.features.some((t) => selection.excludeFeatures.includes(t)),
  );
  return selection.shard ? shardOf(selected, selection.shard.index, selection.shard.count) : selected;
}

/**
 * The index-th of count shards: the selection sorted by id, dealt round-robin, so every shard
 * gets a mix of folders and the shards cover each selected case exactly once on every machine.
 */
export function shardOf(cases: readonly ConformanceCase[], index: number, count: number): ConformanceCase[] {
  const byId = [...cases].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mine = new Set(byId.filter((_, k) => k % count === index - 1));
  return cases.filter((c) => mine.has(c));
}

export interface RunOptions {
  /** The implementation command as the user gave it (shown in reports). */
  impl: string;
  /** That command split into words, relative paths already resolved. */
  implWords: readonly string[];
  cases: readonly ConformanceCase[];
  jobs: number;
  timeoutScale: number;
  expectations?: Expectations;
  limits: LimitsRecord;
  allowUnexpectedPass: boolean;
  maxOutputBytes: number;
  /** Folder for the per-case output files (the caller creates and removes it). */
  tempDir: string;
  /** Called as each case finishes, in completion order. */
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

export function caseCommand(c: ConformanceCase, implWords: readonly string[]): string[] {
  // cwd is the case's folder, so the file is named relative to it (error lines read "t.gene:2:10").
  return [...implWords, 'run', ...c.args, basename(c.file)];
}

export function caseTimeoutMs(c: ConformanceCase, timeoutScale: number): number {
  return Math.max(1, Math.round(TIMEOUT_CLASS_MS[c.timeout] * timeoutScale));
}

async function runOne(c: ConformanceCase, index: number, options: RunOptions): Promise<CaseResult> {
  const expectation = expectationFor(options.expectations, c.id);
  if (expectation?.kind === 'skip') {
    return { case: c, status: 'skip', durationMs: 0, reason: expectation.reason };
  }
  const unmet = unmetRequirement(c.requires, options.limits);
  if (unmet !== undefined) return { case: c, status: 'skip', durationMs: 0, reason: unmet };

  const command = caseCommand(c, options.implWords);
  const cwd = dirname(c.file);
  const timeoutMs = caseTimeoutMs(c, options.timeoutScale);
  const outputFile = join(options.tempDir, `case-${index}.out`);
  const outcome = await runCase({
    command,
    cwd,
    timeoutMs,
    outputFile,
    maxOutputBytes: options.maxOutputBytes,
    env: { ...process.env, GENE_CONFORMANCE: '1' },
  });
  rmSync(outputFile, { force: true });
  const failure = judgeRun(c, outcome, { timeoutMs, maxOutputBytes: options.maxOutputBytes });
  const ran = {
    case: c,
    durationMs: outcome.durationMs,
    command,
    cwd,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    output: outcome.output,
    failure,
  };
  if (expectation?.kind === 'fail') {
    return failure
      ? { ...ran, status: 'known-failure', reason: expectation.reason }
      : { ...ran, status: 'unexpected-pass', reason: `expected to fail (${expectation.reason}), but passed` };
  }
  return failure ? { ...ran, status: 'fail', reason: failure.reason } : { ...ran, status: 'pass' };
}

/** Runs the cases with up to `jobs` implementations at once; results keep the cases' order. */
export async function runSuite(options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const cases = options.cases;
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      const result = await runOne(cases[index]!, index, options);
      results[index] = result;
      done++;
      options.onResult?.(result, done, cases.length);
    }
  };
  const workers = Math.max(1, Math.min(options.jobs, cases.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return {
    impl: options.impl,
    results,
    summary: summarize(results, performance.now() - started, options.allowUnexpectedPass),
    allowUnexpectedPass: options.allowUnexpectedPass,
  };
}
