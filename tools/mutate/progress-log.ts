// A Stryker reporter that appends each tested mutant to reports/mutation/progress.jsonl as soon
// as its result is known. Stryker writes its report and its incremental file only when a run
// ends, so a run stopped early (a deadline, a crash) would otherwise leave nothing; this log says
// exactly which mutants were tested, how each ended and by which test.
// `npx tsx tools/mutate/progress-summary.ts` summarises it.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import type { MutantResult, StrykerOptions } from '@stryker-mutator/api/core';
import type { MutationTestingPlanReadyEvent, Reporter } from '@stryker-mutator/api/report';

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

  constructor(options: StrykerOptions) {
    this.file = (options as { progressLog?: string }).progressLog ?? PROGRESS_LOG;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  onMutationTestingPlanReady(event: MutationTestingPlanReadyEvent): void {
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
