// The machine-readable report. `version` is this report format's version; `hostContract` the
// host contract the run was judged by.

import { displayPath } from './report-paths.js';
import type { AttemptOutcome, CaseStatus, FailureType, RunMeta, RunReport } from './results.js';

export const JSON_REPORT_VERSION = 2;
export const HOST_CONTRACT_VERSION = 2;

export interface JsonCase {
  id: string;
  file: string;
  status: CaseStatus;
  /** How the case failed (`fail`, `timeout`, `crash`), for every status but pass and skip. */
  failureType?: FailureType;
  /** Each run's outcome when the case ran more than once (--repeat, --retries). */
  attempts?: AttemptOutcome[];
  /** The expectations entry that governed the case. */
  expectation?: { kind: string; pattern: string };
  durationMs: number;
  spec: string[];
  features: string[];
  description?: string;
  reason?: string;
  /** Why the run did not match (for known failures, where `reason` is the expectation's). */
  failure?: string;
  /** Normalised expected lines (cases that did not pass and have `# Expected:` lines). */
  expected?: string[];
  /** Normalised actual lines, as compared (cases that did not pass). */
  actual?: string[];
  /** Raw merged stdout+stderr (cases that did not pass). */
  output?: string;
  diff?: string[];
  exitCode?: number | null;
  signal?: string | null;
  command?: string[];
}

export interface JsonReport {
  version: number;
  hostContract: number;
  impl: string;
  meta?: RunMeta;
  ok: boolean;
  summary: {
    total: number;
    passed: number;
    failed: number;
    skipped: number;
    knownFailures: number;
    unexpectedPasses: number;
    flaky: number;
    durationMs: number;
  };
  cases: JsonCase[];
}

export function jsonReportObject(report: RunReport): JsonReport {
  const s = report.summary;
  return {
    version: JSON_REPORT_VERSION,
    hostContract: HOST_CONTRACT_VERSION,
    impl: report.impl,
    ...(report.meta ? { meta: report.meta } : {}),
    ok: s.failing === 0,
    summary: {
      total: s.total,
      passed: s.passed,
      failed: s.failed,
      skipped: s.skipped,
      knownFailures: s.knownFailures,
      unexpectedPasses: s.unexpectedPasses,
      flaky: s.flaky,
      durationMs: Math.round(s.durationMs),
    },
    cases: report.results.map((r) => {
      const c = r.case;
      const entry: JsonCase = {
        id: c.id,
        file: displayPath(c.file),
        status: r.status,
        durationMs: Math.round(r.durationMs),
        spec: c.spec,
        features: c.features,
      };
      if (r.failure) entry.failureType = r.failure.type;
      if (r.attempts) entry.attempts = r.attempts;
      if (r.expectation) entry.expectation = r.expectation;
      if (c.description) entry.description = c.description;
      if (r.reason !== undefined) entry.reason = r.reason;
      if (r.exitCode !== undefined) entry.exitCode = r.exitCode;
      if (r.signal) entry.signal = r.signal;
      if (r.failure) {
        entry.failure = r.failure.reason;
        if (r.failure.expectedLines) entry.expected = r.failure.expectedLines;
        entry.actual = r.failure.actualLines;
        if (r.failure.diff.length > 0) entry.diff = r.failure.diff;
        entry.output = r.output ?? '';
        entry.command = r.command;
      }
      return entry;
    }),
  };
}

export function jsonReport(report: RunReport): string {
  return JSON.stringify(jsonReportObject(report), null, 2) + '\n';
}
