// The run: select cases, skip what the expectations file or the limits record rule out, run the
// rest N at a time, judge each, and fold in the expectations (known failures, unexpected passes).

import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConformanceCase, TimeoutClass } from './case-file.js';
import { runCase, type RunOutcome } from './exec.js';
import { expectationFor, type Expectation, type Expectations } from './expectations.js';
import { judgeRun } from './judge.js';
import { unmetRequirement, type LimitsRecord } from './limits.js';
import { summarize, type AttemptOutcome, type CaseResult, type Failure, type RunReport } from './results.js';
import { prepareScratch, removeScratch } from './scratch.js';

/** Host contract §6 timeout classes, before --timeout-scale. */
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
  /** Each case runs this many times (--repeat). */
  repeat?: number;
  /** A failing case is rerun up to this many times (--retries). */
  retries?: number;
  /** Folder for the per-case scratch folders and output files (the caller creates and removes it). */
  tempDir: string;
  /** Called as each case finishes, in completion order. */
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

export function caseCommand(c: ConformanceCase, implWords: readonly string[]): string[] {
  // cwd is the case's scratch folder, so the file is named relative to it (error lines read "t.gene:2:10").
  return [...implWords, 'run', ...c.args, basename(c.file)];
}

export function caseTimeoutMs(c: ConformanceCase, timeoutScale: number): number {
  return Math.max(1, Math.round(TIMEOUT_CLASS_MS[c.timeout] * timeoutScale));
}

interface Attempt {
  outcome: RunOutcome;
  failure?: Failure;
  command: string[];
  cwd: string;
}

async function attempt(c: ConformanceCase, name: string, options: RunOptions): Promise<Attempt> {
  const command = caseCommand(c, options.implWords);
  // Named like the case's own folder, so a host that shows its cwd sees the same name.
  const cwd = prepareScratch(c, join(options.tempDir, name, basename(dirname(c.file))));
  const timeoutMs = caseTimeoutMs(c, options.timeoutScale);
  const outputFile = join(options.tempDir, `${name}.out`);
  try {
    const outcome = await runCase({
      command,
      cwd,
      timeoutMs,
      outputFile,
      maxOutputBytes: options.maxOutputBytes,
      env: { ...process.env, GENE_CONFORMANCE: '1' },
    });
    const failure = judgeRun(c, outcome, { timeoutMs, maxOutputBytes: options.maxOutputBytes });
    return { outcome, failure, command, cwd: dirname(c.file) };
  } finally {
    rmSync(outputFile, { force: true });
    removeScratch(join(options.tempDir, name));
  }
}

/** --repeat N runs every case N times; --retries N reruns a failure until it passes or N reruns are spent. */
async function attempts(c: ConformanceCase, index: number, options: RunOptions): Promise<Attempt[]> {
  const repeat = options.repeat ?? 1;
  const retries = options.retries ?? 0;
  const done: Attempt[] = [];
  for (let k = 0; k < repeat; k++) done.push(await attempt(c, `case-${index}-${k}`, options));
  for (let k = 0; k < retries && done[done.length - 1]!.failure; k++) done.push(await attempt(c, `case-${index}-r${k}`, options));
  return done;
}

const outcomeOf = (a: Attempt): AttemptOutcome => a.failure?.type ?? 'pass';

const PAST: Readonly<Record<AttemptOutcome, string>> = { pass: 'passed', fail: 'failed', timeout: 'timed out', crash: 'crashed' };

/** The status of a case's runs judged against its expectation (Host contract §9). */
function foldExpectation(ran: Omit<CaseResult, 'status'>, outcomes: readonly AttemptOutcome[], expectation: Expectation | undefined): CaseResult {
  const failure = ran.failure;
  const mixed = outcomes.some((o) => o !== outcomes[0]);
  const passed = outcomes.includes('pass');
  if (expectation === undefined) {
    if (mixed) return flakyResult(ran, '');
    return passed ? { ...ran, status: 'pass' } : { ...ran, status: 'fail', reason: failure!.reason };
  }
  const governed = { ...ran, expectation: { kind: expectation.kind, pattern: expectation.pattern } };
  if (expectation.kind === 'flaky') {
    return !mixed && passed ? { ...governed, status: 'pass' } : { ...governed, status: 'known-failure', reason: expectation.reason };
  }
  const expected = `expected to ${expectation.kind} (${expectation.reason})`;
  if (!mixed && passed) return { ...governed, status: 'unexpected-pass', reason: `${expected}, but passed` };
  // Every run failed in one of the ways the entry names (`crash|timeout` accepts a mix of both).
  if (outcomes.every((o) => (expectation.failures as readonly string[]).includes(o))) {
    return { ...governed, status: 'known-failure', reason: expectation.reason };
  }
  if (mixed) return flakyResult(governed, `${expected}, but `);
  return { ...governed, status: 'fail', reason: `${expected}, but ${PAST[outcomes[0]!]}: ${failure!.reason}` };
}

/** Runs of one case that ended differently and are not all covered by its entry: never a pass. */
function flakyResult(ran: Omit<CaseResult, 'status'>, prefix: string): CaseResult {
  const last = ran.failure ? `; last failure: ${ran.failure.reason}` : '';
  return { ...ran, status: 'flaky', reason: `${prefix}flaky: ${describeAttempts(ran.attempts ?? [])}${last}` };
}

export function describeAttempts(outcomes: readonly AttemptOutcome[]): string {
  return outcomes.join(', ');
}

async function runOne(c: ConformanceCase, index: number, options: RunOptions): Promise<CaseResult> {
  const expectation = expectationFor(options.expectations, c.id);
  if (expectation?.kind === 'skip') {
    return { case: c, status: 'skip', durationMs: 0, reason: expectation.reason, expectation: { kind: 'skip', pattern: expectation.pattern } };
  }
  const unmet = unmetRequirement(c.requires, options.limits);
  if (unmet !== undefined) return { case: c, status: 'skip', durationMs: 0, reason: unmet };

  const runs = await attempts(c, index, options);
  const outcomes = runs.map(outcomeOf);
  // The last failing run tells what went wrong; without one, the last run.
  const shown = [...runs].reverse().find((a) => a.failure) ?? runs[runs.length - 1]!;
  const ran: Omit<CaseResult, 'status'> = {
    case: c,
    durationMs: runs.reduce((sum, a) => sum + a.outcome.durationMs, 0),
    command: shown.command,
    cwd: shown.cwd,
    exitCode: shown.outcome.exitCode,
    signal: shown.outcome.signal,
    output: shown.outcome.output,
    failure: shown.failure,
    ...(runs.length > 1 ? { attempts: outcomes } : {}),
  };
  return foldExpectation(ran, outcomes, expectation);
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
