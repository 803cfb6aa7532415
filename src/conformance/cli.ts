// `gene conformance [DIR|FILE…] [options]`: load the suite, run it against an implementation,
// report. Exit status: 0 no failures (skips are fine), 1 failures, 2 usage or suite errors.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SuiteError, UsageError } from './errors.js';
import type { ConformanceCase } from './case-file.js';
import { REPORT_COMMANDS, runReportCommand } from './commands.js';
import { killLiveGroups } from './exec.js';
import { lintCases } from './feature-lint.js';
import { displayPath } from './report-paths.js';
import { loadExpectations, unusedExpectations, type Expectations } from './expectations.js';
import { loadLimits, type LimitsRecord } from './limits.js';
import { parseOptions, USAGE, type ConformanceOptions } from './options.js';
import { packageDefaults, resolveImplCommand, type PackageDefaults } from './package-root.js';
import { createProgress, type ProgressMode, type TextSink } from './progress.js';
import { humanReport, summaryLine } from './report-human.js';
import { jsonReport } from './report-json.js';
import { junitReport } from './report-junit.js';
import { tapReport } from './report-tap.js';
import type { RunReport } from './results.js';
import { DEFAULT_MAX_OUTPUT_BYTES, runSuite, selectCases } from './runner.js';
import { collectMeta } from './run-meta.js';
import { saveFailed } from './save-failed.js';
import { formatChanges, updateExpectations, writeExpectations } from './update-expectations.js';
import { isKnownFeature, loadSuite, type Suite } from './suite.js';

export interface ConsoleIO {
  stdout: TextSink;
  stderr: TextSink & { isTTY?: boolean };
  /** Anchor → rule title, for `report --html` (the spec's; given by the composition root). */
  ruleTitles?: () => ReadonlyMap<string, string>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURES = 1;
export const EXIT_USAGE = 2;

function renderReport(report: RunReport, options: ConformanceOptions): string {
  switch (options.reporter) {
    case 'human':
      return humanReport(report, { verbose: options.verbose });
    case 'tap':
      return tapReport(report);
    case 'junit':
      return junitReport(report);
    case 'json':
      return jsonReport(report);
  }
}

function progressMode(options: ConformanceOptions, io: ConsoleIO): ProgressMode {
  if (io.stderr.isTTY) return 'tty';
  return options.progress ? 'lines' : 'off';
}

/** While a run is in flight, Ctrl-C kills the implementations' process groups before exiting. */
function installInterruptHandlers(tempDir: string): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    killLiveGroups();
    rmSync(tempDir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const onExit = (): void => killLiveGroups();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', onExit);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  };
}

async function run(argv: readonly string[], io: ConsoleIO): Promise<number> {
  const command = REPORT_COMMANDS.find((c) => c === argv[0]);
  if (command !== undefined) {
    return runReportCommand(command, argv.slice(1), { out: (t) => io.stdout.write(t), err: (t) => io.stderr.write(t), ruleTitles: io.ruleTitles });
  }
  const options = parseOptions(argv);
  if (options.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  const defaults = packageDefaults();
  const { suite, cases } = selectFromSuite(options, defaults);
  if (options.lint) return lint(cases, options.fix, io);
  if (cases.length === 0 && !options.allowEmpty) {
    throw new UsageError('no cases selected (check --filter/--id/--features/--shard; --allow-empty accepts an empty run)');
  }
  if (options.list) {
    io.stdout.write(cases.map((c) => `${c.id}\n`).join(''));
    return EXIT_OK;
  }

  // --update-expectations FILE reads FILE (when it exists) as the expectations, unless --expectations names another.
  const expectationsFile = options.expectations ?? (options.updateExpectations !== undefined && existsSync(options.updateExpectations) ? options.updateExpectations : undefined);
  const expectations = expectationsFile !== undefined ? loadExpectations(expectationsFile) : undefined;
  for (const stale of unusedExpectations(expectations, suite.cases.map((c) => c.id))) {
    io.stderr.write(`gene conformance: warning: ${expectations!.file}:${stale.line}: no case matches "${stale.pattern}"\n`);
  }
  const report = await runSelected(cases, { options, argv, defaults, expectations, limits: chooseLimits(options, defaults.limits, io), io });
  writeReport(report, options, io);
  if (options.updateExpectations !== undefined) {
    const oldText = expectationsFile !== undefined ? readFileSync(expectationsFile, 'utf8') : '';
    rewriteExpectations(options.updateExpectations, oldText, report, suite.cases, io);
    // The file now describes this run; the run's own failures were what it was for.
    return EXIT_OK;
  }
  return report.summary.failing > 0 ? EXIT_FAILURES : EXIT_OK;
}

/** The suite the paths name, and the cases the options select from it; unknown tags or ids are usage errors. */
function selectFromSuite(options: ConformanceOptions, defaults: PackageDefaults): { suite: Suite; cases: ConformanceCase[] } {
  const suite = loadSuite(options.paths.length > 0 ? options.paths : [defaults.cases], defaults.features);
  for (const tag of [...options.features, ...options.excludeFeatures]) {
    if (!isKnownFeature(suite, tag)) throw new UsageError(`unknown feature tag "${tag}" in --features/--exclude-features`);
  }
  const known = new Set(suite.cases.map((c) => c.id));
  const unknownIds = options.ids.filter((id) => !known.has(id));
  if (unknownIds.length > 0) throw new UsageError(`no case has the id ${unknownIds.map((id) => `"${id}"`).join(', ')} (--id/--ids-from match exactly; see --list)`);
  return { suite, cases: selectCases(suite.cases, options) };
}

interface RunContext {
  options: ConformanceOptions;
  argv: readonly string[];
  defaults: PackageDefaults;
  expectations: Expectations | undefined;
  limits: LimitsRecord;
  io: ConsoleIO;
}

/** Runs the cases in a temporary folder removed afterwards (also on Ctrl-C); the report carries the run's metadata. */
async function runSelected(cases: readonly ConformanceCase[], context: RunContext): Promise<RunReport> {
  const { options, defaults, io } = context;
  const implText = options.impl ?? defaults.implText;
  const implWords = options.impl !== undefined ? resolveImplCommand(options.impl) : defaults.implWords;
  const tempDir = mkdtempSync(join(tmpdir(), 'gene-conformance-'));
  const progress = createProgress(io.stderr, progressMode(options, io), options.allowUnexpectedPass);
  const removeHandlers = installInterruptHandlers(tempDir);
  let report: RunReport;
  const startedAt = new Date();
  try {
    report = await runSuite({
      impl: implText,
      implWords,
      cases,
      jobs: options.jobs,
      timeoutScale: options.timeoutScale,
      expectations: context.expectations,
      limits: context.limits,
      allowUnexpectedPass: options.allowUnexpectedPass,
      maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
      repeat: options.repeat,
      retries: options.retries,
      tempDir,
      onResult: (result, done, total) => progress.onResult(result, done, total),
    });
  } finally {
    progress.finish();
    removeHandlers();
    rmSync(tempDir, { recursive: true, force: true });
  }
  report.meta = collectMeta({ root: defaults.root, impl: implText, implWords, options: context.argv, startedAt, endedAt: new Date() });
  return report;
}

/** The report to --output (counts still to the log) or stdout, then the --save-failed folders. */
function writeReport(report: RunReport, options: ConformanceOptions, io: ConsoleIO): void {
  const text = renderReport(report, options);
  if (options.output !== undefined) {
    try {
      mkdirSync(dirname(options.output), { recursive: true });
      writeFileSync(options.output, text);
    } catch (e) {
      throw new UsageError(`cannot write report ${options.output}: ${(e as Error).message}`);
    }
    io.stderr.write(`${summaryLine(report)}\n`);
  } else {
    io.stdout.write(text);
  }
  if (options.saveFailed !== undefined) {
    const folders = saveFailed(report, options.saveFailed);
    if (folders.length > 0) io.stderr.write(`gene conformance: ${folders.length} repro folder(s) in ${options.saveFailed}\n`);
  }
}

/** --update-expectations FILE: FILE rewritten from this run, the changes printed. */
function rewriteExpectations(file: string, oldText: string, report: RunReport, allCases: readonly ConformanceCase[], io: ConsoleIO): void {
  const today = new Date().toISOString().slice(0, 10);
  const changes = updateExpectations(oldText, file, report, allCases.map((c) => c.id), today);
  writeExpectations(file, changes.text);
  io.stderr.write(formatChanges(file, changes));
}

/**
 * The limits record: --limits FILE; else gene-ref's own for gene-ref; else, for another --impl,
 * nothing declared (cases with `## requires:` skip, and the run says so): gene-ref's limits are
 * never silently assumed of another implementation.
 */
function chooseLimits(options: ConformanceOptions, defaultFile: string, io: ConsoleIO): LimitsRecord {
  if (options.limits !== undefined) return loadLimits(options.limits, { optional: false });
  if (options.impl === undefined) return loadLimits(defaultFile, { optional: true });
  io.stderr.write(
    'gene conformance: warning: --impl without --limits: the implementation declares no limits, so cases with "## requires:" are skipped; pass --limits FILE (Host contract §8)\n',
  );
  return {};
}

/** `--lint [--fix]`: every case's tags against the features its text uses (none missing, none unused). */
function lint(cases: readonly ConformanceCase[], fix: boolean, io: ConsoleIO): number {
  const { problems, fixed } = lintCases(cases, { fix });
  for (const file of fixed) io.stderr.write(`gene conformance: fixed the feature tags of ${displayPath(file)}\n`);
  for (const p of problems) io.stderr.write(`${displayPath(p.file)}:${p.line}: ${p.message}\n`);
  if (problems.length > 0) {
    io.stderr.write(`gene conformance --lint: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${cases.length} cases\n`);
    return EXIT_FAILURES;
  }
  io.stdout.write(`lint ok: ${cases.length} cases, every used feature tagged, no unused API tag\n`);
  return EXIT_OK;
}

/** The runner with its output streams given (tests pass string sinks). */
export async function runConformanceCli(argv: readonly string[], io: ConsoleIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof SuiteError) {
      io.stderr.write(`gene conformance: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

/** Entry point for `gene conformance …`; returns the exit status. */
export async function conformanceMain(argv: string[], wiring: { ruleTitles?: () => ReadonlyMap<string, string> } = {}): Promise<number> {
  return runConformanceCli(argv, { stdout: process.stdout, stderr: process.stderr, ruleTitles: wiring.ruleTitles });
}
