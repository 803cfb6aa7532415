// The default reporter, for people at a terminal and for CI logs: one line per failing case with
// a short diff, then the summary. The last line is always exactly `N passed, N failed, N skipped`
// (CI scripts read it).

import { displayPath } from './report-paths.js';
import type { CaseResult, RunReport } from './results.js';

/** Diff lines shown per failure; the JSON and --save-failed outputs keep the whole thing. */
const MAX_DIFF_LINES = 12;
/** Output lines shown for a failure that has no expected output to diff against. */
const OUTPUT_TAIL_LINES = 5;

function failureBlock(r: CaseResult): string[] {
  const label = r.status === 'unexpected-pass' ? 'UNEXPECTED PASS' : r.status === 'flaky' ? 'FLAKY' : (r.failure?.type ?? 'fail').toUpperCase();
  const lines = [`${label} ${r.case.id}: ${r.reason ?? 'failed'}  (${displayPath(r.case.file)})`];
  const diff = r.failure?.diff ?? [];
  if (diff.length > 0) {
    const shown = diff.slice(0, MAX_DIFF_LINES);
    lines.push(...shown.map((l) => `    ${l}`));
    if (diff.length > shown.length) lines.push(`    … ${diff.length - shown.length} more diff lines`);
  } else if (r.status === 'fail' && r.failure && r.failure.actualLines.length > 0) {
    const tail = r.failure.actualLines.slice(-OUTPUT_TAIL_LINES);
    if (tail.length < r.failure.actualLines.length) lines.push('    | …');
    lines.push(...tail.map((l) => `    | ${l}`));
  }
  return lines;
}

/** The counts line CI reads: failed includes unexpected passes unless they are allowed. */
export function summaryLine(report: RunReport): string {
  const s = report.summary;
  const passed = s.passed + (report.allowUnexpectedPass ? s.unexpectedPasses : 0);
  return `${passed} passed, ${s.failing} failed, ${s.skipped} skipped`;
}

export function humanReport(report: RunReport, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.status === 'fail' || r.status === 'flaky' || (r.status === 'unexpected-pass' && !report.allowUnexpectedPass)) {
      lines.push(...failureBlock(r));
    } else if (options.verbose && r.status === 'skip') {
      lines.push(`skip ${r.case.id}: ${r.reason ?? ''}`);
    } else if (options.verbose && r.status === 'known-failure') {
      lines.push(`known failure ${r.case.id}: ${r.reason ?? ''} (${r.failure?.reason ?? 'failed'})`);
    } else if (r.status === 'unexpected-pass') {
      lines.push(`unexpected pass (allowed) ${r.case.id}: ${r.reason ?? ''}`);
    }
  }
  const s = report.summary;
  const notes: string[] = [];
  if (s.flaky > 0) notes.push(`${s.flaky} flaky (counted as failed)`);
  if (s.knownFailures > 0) notes.push(`${s.knownFailures} known failure${s.knownFailures === 1 ? '' : 's'}`);
  if (s.unexpectedPasses > 0) {
    notes.push(
      `${s.unexpectedPasses} unexpected pass${s.unexpectedPasses === 1 ? '' : 'es'}` +
        (report.allowUnexpectedPass ? ' (allowed)' : ' (counted as failed; update the expectations file)'),
    );
  }
  if (lines.length > 0) lines.push('');
  if (notes.length > 0) lines.push(notes.join(', '));
  lines.push(summaryLine(report));
  return lines.join('\n') + '\n';
}
