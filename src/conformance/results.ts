// What a run produces: one result per selected case, and the counts every reporter shows.

import type { ConformanceCase } from './case-file.js';

/**
 * pass / fail: judged against the case. skip: not run (expectations file or unmet `## requires:`).
 * known-failure: failed the way the expectations file says it fails. unexpected-pass: passed although
 * the expectations file says it fails (a failure of the run unless --allow-unexpected-pass).
 * flaky: runs of the same case (--repeat, --retries) ended differently; never a pass.
 */
export type CaseStatus = 'pass' | 'fail' | 'skip' | 'known-failure' | 'unexpected-pass' | 'flaky';

/**
 * How a run failed (Host contract §6): `fail` wrong output, exit status or error line (output
 * limit included); `timeout` did not end in time; `crash` killed by a signal, an exit status other
 * than 0 or 1 that the case did not expect, or the implementation could not be started.
 */
export type FailureType = 'fail' | 'timeout' | 'crash';
export const FAILURE_TYPES: readonly FailureType[] = ['fail', 'timeout', 'crash'];

/** One run of a case: `pass` or how it failed. */
export type AttemptOutcome = 'pass' | FailureType;

/** Why a run did not match its case, with what is needed to show it. */
export interface Failure {
  type: FailureType;
  /** One line: "output differs", "exit code 3, expected 0", "timeout (10 s)", "crashed (SIGSEGV)", … */
  reason: string;
  /** Normalised expected lines, when the case has `# Expected:` lines. */
  expectedLines?: string[];
  /** Normalised actual lines (what the comparison used). */
  actualLines: string[];
  /** `-expected` / `+actual` lines, empty when the output matched. */
  diff: string[];
}

export interface CaseResult {
  case: ConformanceCase;
  status: CaseStatus;
  durationMs: number;
  /** Skip reason, failure reason, or for known failures / unexpected passes the expectation's reason. */
  reason?: string;
  /** The judged mismatch (fail, known-failure, flaky: the last failing run). */
  failure?: Failure;
  /** Each run's outcome when the case ran more than once (--repeat, --retries). */
  attempts?: AttemptOutcome[];
  /** The expectations entry that governed the case (verb and id pattern). */
  expectation?: { kind: string; pattern: string };
  /** The exact argv that ran, and in which folder. */
  command?: string[];
  cwd?: string;
  exitCode?: number | null;
  signal?: string | null;
  /** Raw merged stdout+stderr. */
  output?: string;
}

export interface Summary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  knownFailures: number;
  unexpectedPasses: number;
  flaky: number;
  /** Cases that make the run fail: `failed`, plus unexpected passes unless they are allowed. */
  failing: number;
  durationMs: number;
}

/** What makes two reports comparable (Host contract §11): recorded in every report format. */
export interface RunMeta {
  suiteVersion: string;
  /** The git commit of the suite's package, or "unknown" outside a checkout. */
  suiteCommit: string;
  hostContract: number;
  impl: string;
  /** First line of `<impl> --version`, or why it could not be had. */
  implVersion: string;
  /** The runner's argv after `conformance`. */
  options: string[];
  startedAt: string;
  endedAt: string;
  /** Set by `gene conformance merge`: the reports it was made from. */
  mergedFrom?: number;
}

export interface RunReport {
  meta?: RunMeta;
  impl: string;
  results: CaseResult[];
  summary: Summary;
  allowUnexpectedPass: boolean;
}

export function summarize(results: readonly CaseResult[], durationMs: number, allowUnexpectedPass: boolean): Summary {
  const count = (status: CaseStatus): number => results.filter((r) => r.status === status).length;
  const failed = count('fail');
  const unexpectedPasses = count('unexpected-pass');
  const flaky = count('flaky');
  return {
    total: results.length,
    passed: count('pass'),
    failed,
    skipped: count('skip'),
    knownFailures: count('known-failure'),
    unexpectedPasses,
    flaky,
    failing: failed + flaky + (allowUnexpectedPass ? 0 : unexpectedPasses),
    durationMs,
  };
}

/** Whether a result makes the run fail (exit status 1). */
export function isFailing(result: CaseResult, allowUnexpectedPass: boolean): boolean {
  return result.status === 'fail' || result.status === 'flaky' || (result.status === 'unexpected-pass' && !allowUnexpectedPass);
}

/** The grouping name reporters use: the first feature tag, else the id's folder, else "cases". */
export function caseGroup(c: ConformanceCase): string {
  if (c.features.length > 0) return c.features[0]!;
  const slash = c.relPath.lastIndexOf('/');
  return slash > 0 ? c.relPath.slice(0, slash).replace(/\//g, '.') : 'cases';
}
