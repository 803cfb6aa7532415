// What a run produces: one result per selected case, and the counts every reporter shows.

import type { ConformanceCase } from './case-file.js';

/**
 * pass / fail: judged against the case. skip: not run (expectations file or unmet `## requires:`).
 * known-failure: failed, and the expectations file says it fails. unexpected-pass: passed although
 * the expectations file says it fails (a failure of the run unless --allow-unexpected-pass).
 */
export type CaseStatus = 'pass' | 'fail' | 'skip' | 'known-failure' | 'unexpected-pass';

/** Why a run did not match its case, with what is needed to show it. */
export interface Failure {
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
  /** The judged mismatch (fail, known-failure). */
  failure?: Failure;
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
  /** Cases that make the run fail: `failed`, plus unexpected passes unless they are allowed. */
  failing: number;
  durationMs: number;
}

export interface RunReport {
  impl: string;
  results: CaseResult[];
  summary: Summary;
  allowUnexpectedPass: boolean;
}

export function summarize(results: readonly CaseResult[], durationMs: number, allowUnexpectedPass: boolean): Summary {
  const count = (status: CaseStatus): number => results.filter((r) => r.status === status).length;
  const failed = count('fail');
  const unexpectedPasses = count('unexpected-pass');
  return {
    total: results.length,
    passed: count('pass'),
    failed,
    skipped: count('skip'),
    knownFailures: count('known-failure'),
    unexpectedPasses,
    failing: failed + (allowUnexpectedPass ? 0 : unexpectedPasses),
    durationMs,
  };
}

/** Whether a result makes the run fail (exit status 1). */
export function isFailing(result: CaseResult, allowUnexpectedPass: boolean): boolean {
  return result.status === 'fail' || (result.status === 'unexpected-pass' && !allowUnexpectedPass);
}

/** The grouping name reporters use: the first feature tag, else the id's folder, else "cases". */
export function caseGroup(c: ConformanceCase): string {
  if (c.features.length > 0) return c.features[0]!;
  const slash = c.relPath.lastIndexOf('/');
  return slash > 0 ? c.relPath.slice(0, slash).replace(/\//g, '.') : 'cases';
}
