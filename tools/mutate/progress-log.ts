// A Stryker reporter that appends each tested mutant to reports/mutation/progress.jsonl as soon
// as its result is known. Stryker writes its report and its incremental file only when a run
// ends, so a run stopped early (a deadline, a crash) would otherwise leave nothing; this log says
// exactly which mutants were tested, how each ended and by which test.
// `npx tsx tools/mutate/progress-summary.ts` summarises it.
//
// It also keeps the incremental file current while the run goes (every few seconds): a chunk
// stopped by a deadline or a time limit then still leaves every result so far for the next run
// to reuse, not only the log. Stryker's own complete report replaces it when a run ends.
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import type { MutantResult, StrykerOptions } from '@stryker-mutator/api/core';
import type { DryRunCompletedEvent, MutationTestingPlanReadyEvent, Reporter } from '@stryker-mutator/api/report';
import type { TestResult } from '@stryker-mutator/api/test-runner';

/** Seconds between two writes of the partial incremental file. */
const PARTIAL_EVERY_MS = 5000;

export const PROGRESS_LOG = 'reports/mutation/progress.jsonl';

/** One line of the log. `planned` lines come first, one per mutant Stryker will report on. */
export interface ProgressLine {
  kind: 'planned' | 'tested';
  at: string;
  id: string;
  file: string;
  line: number;
  column: number;
  mutator: string;
  replacement: string;
  status?: string;
  statusReason?: string;
  killedBy?: string[];
  testsCompleted?: number;
}

export class ProgressLogReporter implements Reporter {
  static inject = tokens(commonTokens.options);
  private readonly file: string;
  private tests: TestResult[] = [];
  /** Every mutant with a result so far (early results first), by id. */
  private readonly results = new Map<string, MutantResult>();
  private lastPartial = Date.now();
  private ended = false;

  constructor(private readonly options: StrykerOptions) {
    this.file = (options as { progressLog?: string }).progressLog ?? PROGRESS_LOG;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  onDryRunCompleted(event: DryRunCompletedEvent): void {
    this.tests = event.result.tests;
  }

  onMutationTestingPlanReady(event: MutationTestingPlanReadyEvent): void {
    for (const plan of event.mutantPlans) {
      if ('status' in plan.mutant && plan.mutant.status !== undefined) this.results.set(plan.mutant.id, plan.mutant as MutantResult);
    }
    // An early result (ignored, not covered, reused from the incremental file) has its status already.
    const lines = event.mutantPlans.map((plan) =>
      JSON.stringify({ ...this.line('planned', plan.mutant), ...('status' in plan.mutant ? { status: plan.mutant.status } : {}) }),
    );
    appendFileSync(this.file, lines.map((l) => `${l}\n`).join(''));
  }

  onMutantTested(result: Readonly<MutantResult>): void {
    const line: ProgressLine = {
      ...this.line('tested', result),
      status: result.status,
      statusReason: result.statusReason?.slice(0, 600),
      killedBy: result.killedBy,
      testsCompleted: result.testsCompleted,
    };
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    this.results.set(result.id, result);
    if (Date.now() - this.lastPartial >= PARTIAL_EVERY_MS) this.writePartial();
  }

  onMutationTestReportReady(): void {
    // Stryker writes the complete incremental file itself now; never overwrite it after.
    this.ended = true;
  }

  /** The incremental file as Stryker would write it, with the results so far (its report format, schema 1.0). */
  private writePartial(): void {
    this.lastPartial = Date.now();
    const target = this.options.incrementalFile;
    if (this.ended || !this.options.incremental || !target) return;
    // Test ids become short numbers, as in Stryker's own report (each mutant lists ~200 of them).
    const short = new Map(this.tests.map((t, i) => [t.id, String(i)]));
    const remap = (ids: string[] | undefined): string[] | undefined => ids?.map((id) => short.get(id) ?? id);
    const files: Record<string, { language: string; source: string; mutants: unknown[] }> = {};
    for (const r of this.results.values()) {
      const name = relative(process.cwd(), r.fileName).replaceAll('\\', '/');
      const entry = (files[name] ??= { language: 'typescript', source: readFileSync(r.fileName, 'utf8'), mutants: [] });
      const { fileName: _file, coveredBy, killedBy, ...mutant } = r;
      entry.mutants.push({ ...mutant, coveredBy: remap(coveredBy), killedBy: remap(killedBy) });
    }
    const testFiles: Record<string, { tests: { id: string; name: string }[] }> = {};
    for (const t of this.tests) {
      // Relative, so the file serves any checkout of the project.
      const name = t.fileName ? relative(process.cwd(), t.fileName).replaceAll('\\', '/') : '';
      (testFiles[name] ??= { tests: [] }).tests.push({ id: short.get(t.id)!, name: t.name });
    }
    const report = { schemaVersion: '1.0', thresholds: this.options.thresholds, files, testFiles, projectRoot: process.cwd() };
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.tmp`, JSON.stringify(report));
    renameSync(`${target}.tmp`, target);
  }

  private line(kind: ProgressLine['kind'], m: Readonly<Pick<MutantResult, 'id' | 'fileName' | 'location' | 'mutatorName' | 'replacement'>>): ProgressLine {
    return {
      kind,
      at: new Date().toISOString(),
      id: m.id,
      file: relative(process.cwd(), m.fileName),
      line: m.location.start.line,
      column: m.location.start.column,
      mutator: m.mutatorName,
      replacement: (m.replacement ?? '').slice(0, 200),
    };
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'gene-progress-log', ProgressLogReporter)];
