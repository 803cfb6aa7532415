// Reading JSON reports back (diff, merge, the HTML page, the spec matrix), and turning one into a
// RunReport so every reporter (JUnit, TAP, human) can render a merged run.

import { readFileSync } from 'node:fs';
import type { ConformanceCase } from './case-file.js';
import { UsageError } from './errors.js';
import type { JsonCase, JsonReport } from './report-json.js';
import { summarize, type CaseResult, type CaseStatus, type RunReport } from './results.js';

const STATUSES: readonly CaseStatus[] = ['pass', 'fail', 'skip', 'known-failure', 'unexpected-pass', 'flaky'];

/** Reads and checks a `gene conformance --reporter json` file; a UsageError names what is wrong. */
export function readJsonReport(file: string): JsonReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read report ${file}: ${(e as Error).message}`);
  }
  const report = data as Partial<JsonReport>;
  if (typeof data !== 'object' || data === null || !Array.isArray(report.cases) || typeof report.version !== 'number') {
    throw new UsageError(`${file}: not a gene conformance JSON report (want {version, cases: […]}; write one with --reporter json)`);
  }
  report.cases.forEach((c: Partial<JsonCase>, k) => {
    if (typeof c?.id !== 'string' || !STATUSES.includes(c.status as CaseStatus)) {
      throw new UsageError(`${file}: cases[${k}] has no id or an unknown status`);
    }
  });
  return report as JsonReport;
}

/** Whether the run counted unexpected passes as failures (it did unless told otherwise). */
export function allowedUnexpectedPass(report: JsonReport): boolean {
  return report.meta?.options.includes('--allow-unexpected-pass') ?? false;
}

function caseFromJson(j: JsonCase): ConformanceCase {
  return {
    id: j.id,
    file: j.file,
    relPath: j.file,
    spec: j.spec ?? [],
    description: j.description ?? '',
    features: j.features ?? [],
    timeout: 'short',
    requires: [],
    runInThread: false,
    args: [],
    exitCode: 0,
    expected: j.expected,
    fixtures: [],
    hasHeader: true,
  };
}

/** A RunReport with the cases, statuses and failures the JSON holds (enough for every reporter). */
export function reportFromJson(json: JsonReport): RunReport {
  const allow = allowedUnexpectedPass(json);
  const results: CaseResult[] = json.cases.map((j) => {
    const r: CaseResult = { case: caseFromJson(j), status: j.status, durationMs: j.durationMs ?? 0 };
    if (j.reason !== undefined) r.reason = j.reason;
    if (j.exitCode !== undefined) r.exitCode = j.exitCode;
    if (j.signal) r.signal = j.signal;
    if (j.command) r.command = j.command;
    if (j.output !== undefined) r.output = j.output;
    if (j.attempts) r.attempts = j.attempts;
    if (j.expectation) r.expectation = j.expectation;
    if (j.failure !== undefined) {
      r.failure = { type: j.failureType ?? 'fail', reason: j.failure, expectedLines: j.expected, actualLines: j.actual ?? [], diff: j.diff ?? [] };
    }
    return r;
  });
  return {
    ...(json.meta ? { meta: json.meta } : {}),
    impl: json.impl,
    results,
    summary: summarize(results, json.summary?.durationMs ?? 0, allow),
    allowUnexpectedPass: allow,
  };
}
