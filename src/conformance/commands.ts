// The report commands of `gene conformance`: `diff OLD NEW`, `merge A B … -o OUT`,
// `report --html OUT A [B …]`. They read JSON reports; none runs an implementation.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './errors.js';
import { diffReports, formatDiff } from './report-diff.js';
import { renderHtmlReport } from './report-html.js';
import { humanReport } from './report-human.js';
import { jsonReport, type JsonReport } from './report-json.js';
import { junitReport } from './report-junit.js';
import { mergeReports } from './report-merge.js';
import { readJsonReport, reportFromJson } from './report-read.js';
import { tapReport } from './report-tap.js';

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Rule titles for the HTML page (the spec's; wired by the composition root). */
  ruleTitles?: () => ReadonlyMap<string, string>;
}

export const REPORT_COMMANDS = ['diff', 'merge', 'report'] as const;

function writeOut(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** Splits `-o FILE`, `--output FILE`, `--reporter NAME`, `--html FILE` and the rest. */
function parse(argv: readonly string[], allowed: readonly string[]): { files: string[]; values: Map<string, string> } {
  const files: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (arg === '-o') arg = '--output';
    if (arg.startsWith('-')) {
      if (!allowed.includes(arg)) throw new UsageError(`unknown option ${arg} (allowed: ${allowed.join(' ') || 'none'})`);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      values.set(arg, v);
    } else files.push(arg);
  }
  return { files, values };
}

function diff(argv: readonly string[], io: CommandIO): number {
  const { files } = parse(argv, []);
  if (files.length !== 2) throw new UsageError('usage: gene conformance diff OLD.json NEW.json');
  const [oldReport, newReport] = files.map(readJsonReport) as [JsonReport, JsonReport];
  const d = diffReports(oldReport, newReport);
  io.out(formatDiff(d, oldReport, newReport));
  return d.regressions.length > 0 ? 1 : 0;
}

function merge(argv: readonly string[], io: CommandIO): number {
  const { files, values } = parse(argv, ['--output', '--reporter']);
  if (files.length === 0) throw new UsageError('usage: gene conformance merge A.json [B.json …] -o OUT [--reporter json|junit|tap|human]');
  const merged = mergeReports(files.map((file) => ({ file, json: readJsonReport(file) })));
  const reporter = values.get('--reporter') ?? 'json';
  const report = reportFromJson(merged);
  const text =
    reporter === 'json' ? jsonReport(report) : reporter === 'junit' ? junitReport(report) : reporter === 'tap' ? tapReport(report) : reporter === 'human' ? humanReport(report) : undefined;
  if (text === undefined) throw new UsageError(`--reporter wants json, junit, tap or human, got "${reporter}"`);
  const out = values.get('--output');
  if (out !== undefined) {
    writeOut(out, text);
    const s = report.summary;
    io.err(`merged ${files.length} reports, ${s.total} cases into ${out}: ${s.passed} passed, ${s.failing} failed, ${s.skipped} skipped\n`);
  } else io.out(text);
  return 0;
}

function report(argv: readonly string[], io: CommandIO): number {
  const { files, values } = parse(argv, ['--html']);
  const out = values.get('--html');
  if (out === undefined || files.length === 0) throw new UsageError('usage: gene conformance report --html OUT.html A.json [B.json …]');
  const reports = files.map((file) => ({ file, json: readJsonReport(file) }));
  writeOut(out, renderHtmlReport(reports, io.ruleTitles?.()));
  io.err(`wrote ${out} (${reports.length} implementation${reports.length === 1 ? '' : 's'})\n`);
  return 0;
}

/** Runs `diff`, `merge` or `report`; returns the exit status. */
export function runReportCommand(name: (typeof REPORT_COMMANDS)[number], argv: readonly string[], io: CommandIO): number {
  switch (name) {
    case 'diff':
      return diff(argv, io);
    case 'merge':
      return merge(argv, io);
    case 'report':
      return report(argv, io);
  }
}
