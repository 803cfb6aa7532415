// A Stryker test runner whose tests are the thread conformance cases and the thread unit test
// files (`npm run mutate`, see stryker.config.json and docs/conformance-strength.md).
//
// Why not @stryker-mutator/vitest-runner or the command runner: a conformance case runs the
// mutated runtime in a child process (`gene run`) and its worker threads, where neither can see
// which mutants a test reaches, so every mutant would need the whole suite (hours on two cores).
// This runner measures per-test coverage in those processes (coverage-preload.cjs records each
// mutant id the instrumented code reaches) and then runs, for each mutant, only the tests that
// reach it, stopping at the first failure. Judging stays with the conformance runner (the code of
// `gene conformance`, from this checkout, never mutated), called in-process.
//
// What a mutant costs is mostly how many cases it runs and how long a hanging one is waited for
// (a case is a process start, ~0.3 s, and usually a Worker start). So: the tests that killed
// mutants on the same line, then in the same file, go first (most mutants die in the first one);
// a case's time limit while a mutant is active is a few times what it took in the dry run, not its
// class's 10 s; and the dry run, which every chunk pays, runs two cases at a time.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import type { ConformanceCase } from '../../src/conformance/case-file.js';
import { loadLimits } from '../../src/conformance/limits.js';
import { caseTimeoutMs, DEFAULT_MAX_OUTPUT_BYTES, runSuite } from '../../src/conformance/runner.js';
import { loadSuite } from '../../src/conformance/suite.js';
import type { Logger } from '@stryker-mutator/api/logging';
import type { MutantCoverage, StrykerOptions } from '@stryker-mutator/api/core';
import {
  DryRunStatus,
  MutantRunStatus,
  TestStatus,
  type DryRunOptions,
  type DryRunResult,
  type MutantRunOptions,
  type MutantRunResult,
  type TestResult,
  type TestRunner,
  type TestRunnerCapabilities,
} from '@stryker-mutator/api/test-runner';

const PRELOAD = fileURLToPath(new URL('./coverage-preload.cjs', import.meta.url));

export interface GeneRunnerOptions {
  /** Case folders, relative to the project root. */
  caseDirs: string[];
  /** A case is a thread case when its `## features:` name one of these. */
  caseFeatures: string[];
  /** Folders holding unit test files; each file whose name matches unitTestPattern is one test. */
  unitTestDirs: string[];
  unitTestPattern: string;
  /** `gene conformance --timeout-scale` while a mutant is active (short cases: 10 s × scale). */
  timeoutScale: number;
  /** The same in the dry run, where recording coverage makes every case slower. */
  dryRunTimeoutScale: number;
  /** A mutant whose tests time out this many times is reported as a timeout without more runs. */
  maxTimeouts: number;
  /** Seconds a unit test file may run. */
  unitTimeoutSeconds: number;
  /** Tests the dry run runs at once (each case is a process of its own). */
  dryRunJobs: number;
  /**
   * While a mutant is active a test may run `mutantTimeoutFactor` × its dry-run time plus the
   * longest wait the case itself bounds (`^timeout N`, `sleep N`), at least mutantTimeoutMinMs,
   * at most its usual limit. 0 turns this off (the usual limits).
   */
  mutantTimeoutFactor: number;
  mutantTimeoutMinMs: number;
  /** 'kills': tests that killed mutants nearby first (see inKillOrder); 'fastest': by dry-run time only. */
  testOrder: 'kills' | 'fastest';
}

const DEFAULTS: GeneRunnerOptions = {
  // lang/: the module cases that spawn (imported functions and namespace values cross threads).
  caseDirs: ['conformance/cases/threads', 'conformance/cases/limits', 'conformance/cases/lang'],
  caseFeatures: ['threads', 'messaging', 'pool', 'lifecycle'],
  unitTestDirs: ['test', 'fuzz'],
  // The thread runtime's unit tests: codec, runtime, protocol interleavings, mailbox and codec properties (the pool model fuzz takes minutes).
  unitTestPattern: '^(threads-.*|protocol-.*|(mailbox|codec)\\.fuzz)\\.test\\.ts$',
  timeoutScale: 1,
  dryRunTimeoutScale: 3,
  maxTimeouts: 4,
  unitTimeoutSeconds: 120,
  dryRunJobs: 2,
  mutantTimeoutFactor: 4,
  mutantTimeoutMinMs: 3000,
  testOrder: 'kills',
};

export const strykerValidationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  properties: {
    geneRunner: {
      description: 'Options of the gene-conformance test runner (tools/mutate/gene-runner.ts).',
      type: 'object',
      default: {},
    },
  },
};

interface GeneTest {
  id: string;
  kind: 'case' | 'unit';
  /** Path relative to the sandbox. */
  file: string;
  /** The parsed case (kind 'case'). */
  conformanceCase?: ConformanceCase;
  /** The longest wait the case bounds itself (ms): a mutant that breaks a rule may make it wait that long. */
  ownWaitMs: number;
  /** The source modules a unit test file imports itself (paths relative to the project). */
  imports: Set<string>;
}

/** The project's source modules a test file imports directly: `from '../src/x/y.js'` -> `src/x/y.ts`. */
export function importedModules(testFile: string, source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/from\s+'(\.{1,2}\/[^']+)\.js'/g)) {
    const path = join(dirname(testFile), `${m[1]}.ts`);
    if (path.startsWith('src/')) out.add(path);
  }
  return out;
}

/** Set for every test the runner starts: a test that checks a generated file is current skips that check (the sandbox's source is instrumented). */
export const SANDBOX_ENV = 'GENE_MUTATION_SANDBOX';

/** The longest bounded wait a case's code names: `^timeout N`, `sleep N`, `sleep_async N` (ms, at most 60 s). */
export function ownWaitMs(source: string): number {
  let longest = 0;
  for (const m of source.matchAll(/(?:\^timeout|\bsleep(?:_async)?)\s+(\d+)/g)) {
    const ms = Number(m[1]);
    if (ms <= 60_000) longest = Math.max(longest, ms);
  }
  return longest;
}

type Outcome = { status: 'pass' } | { status: 'fail' | 'timeout'; message: string };

/** Tests that failed on the unmutated code in the dry run, in the project (not the sandbox). */
const DRY_RUN_FAILURES = 'reports/mutation/dry-run-failures.json';

/** What each test of each mutant cost (one JSON line per test run), in the project: where a mutant's time goes. */
const MUTANT_TESTS_LOG = 'reports/mutation/mutant-tests.jsonl';

/** The dry run's time per test, in the project (DURATIONS_FILE is in the sandbox, removed with it). */
const DRY_RUN_DURATIONS = 'reports/mutation/dry-run-durations.json';

/** Durations from the dry run, shared with the runner processes that run mutants. */
const DURATIONS_FILE = '.gene-mutate-durations.json';

/** Which test killed a mutant where, shared by the runner processes (one JSON line per kill). */
const KILLS_FILE = '.gene-mutate-kills.jsonl';

/**
 * The module a part belongs to by this project's naming: `src/threads/codec-encoder.ts` is a part
 * of `src/threads/codec.ts` (which re-exports it), so a unit test of the codec tests its parts.
 */
export function facadeOf(file: string): string {
  const base = basename(file);
  const dash = base.indexOf('-');
  return dash > 0 ? join(dirname(file), `${base.slice(0, dash)}.ts`) : file;
}

/** What importing the mutated module itself counts for, in kills, when ordering a unit test (inKillOrder). */
const DIRECT_PRIOR = 5;

interface Kill {
  file: string;
  line: number;
  test: string;
}

function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      if (e.name.startsWith('.') || e.name.startsWith('_')) return [];
      const full = join(dir, e.name);
      return e.isDirectory() ? listFiles(full, suffix) : e.name.endsWith(suffix) ? [full] : [];
    });
}

export class GeneConformanceRunner implements TestRunner {
  static inject = tokens(commonTokens.logger, commonTokens.options);

  private readonly opts: GeneRunnerOptions;
  private readonly sandbox = process.cwd();
  private readonly scratch = mkdtempSync(join(tmpdir(), 'gene-mutate-'));
  private tests: GeneTest[] = [];
  private durations: Record<string, number> | undefined;
  private runCount = 0;

  constructor(
    private readonly log: Logger,
    options: StrykerOptions,
  ) {
    this.opts = { ...DEFAULTS, ...((options as { geneRunner?: Partial<GeneRunnerOptions> }).geneRunner ?? {}) };
  }

  capabilities(): TestRunnerCapabilities {
    return { reloadEnvironment: true }; // every test is a fresh process
  }

  async init(): Promise<void> {
    const dirs = this.opts.caseDirs.map((dir) => join(this.sandbox, dir)).filter((dir) => existsSync(dir));
    const suite = loadSuite(dirs, join(this.sandbox, 'conformance', 'features.txt'));
    const cases = suite.cases
      .filter((c) => c.features.some((f) => this.opts.caseFeatures.includes(f)))
      .map((c): GeneTest => ({
        id: `case ${relative(this.sandbox, c.file)}`,
        kind: 'case',
        file: relative(this.sandbox, c.file),
        conformanceCase: c,
        ownWaitMs: ownWaitMs(readFileSync(c.file, 'utf8')),
        imports: new Set<string>(),
      }));
    const pattern = new RegExp(this.opts.unitTestPattern);
    const units = this.opts.unitTestDirs
      .flatMap((dir) => listFiles(join(this.sandbox, dir), '.test.ts'))
      .filter((file) => pattern.test(basename(file)))
      .map((file): GeneTest => ({
        id: `unit ${relative(this.sandbox, file)}`,
        kind: 'unit',
        file: relative(this.sandbox, file),
        ownWaitMs: 0,
        imports: importedModules(relative(this.sandbox, file), readFileSync(file, 'utf8')),
      }));
    this.tests = [...cases, ...units];
    if (units.length > 0) this.vitestEntry();
    this.log.info(`gene-conformance: ${cases.length} cases, ${units.length} unit test files`);
  }

  async dryRun(options: DryRunOptions): Promise<DryRunResult> {
    const results: TestResult[] = [];
    const failures: { test: string; attempt: number; message: string }[] = [];
    const perTest: MutantCoverage['perTest'] = {};
    const queue = [...this.tests];
    const worker = async (lane: number): Promise<void> => {
      for (let test = queue.shift(); test; test = queue.shift()) {
        // A test that fails on the unmutated code is run once more; failing twice, it is left out
        // (Skipped, named in DRY_RUN_FAILURES) so that one flaky case does not stop the whole run.
        // A test that fails only once is a flake of the code under test: it is kept, and named too.
        let outcome: Outcome = { status: 'pass' };
        let timeSpentMs = 0;
        let covered: Record<string, number> = {};
        for (let attempt = 1; attempt <= 2; attempt++) {
          const coverageFile = join(this.scratch, `coverage-${++this.runCount}.txt`);
          const started = Date.now();
          outcome = await this.runTest(test, { coverageFile, timeoutScale: this.opts.dryRunTimeoutScale, lane });
          timeSpentMs = Date.now() - started;
          covered = {};
          if (existsSync(coverageFile)) {
            for (const id of readFileSync(coverageFile, 'utf8').split('\n')) if (id) covered[id] = 1;
          }
          if (outcome.status === 'pass') break;
          failures.push({ test: test.id, attempt, message: outcome.message });
          this.log.warn(`gene-conformance: ${test.id} failed on the unmutated code (attempt ${attempt}): ${outcome.message.split('\n')[0]}`);
        }
        const base = { id: test.id, name: test.id, fileName: test.file, timeSpentMs };
        if (outcome.status === 'pass') {
          perTest[test.id] = covered;
          results.push({ ...base, status: TestStatus.Success });
        } else {
          results.push({ ...base, status: TestStatus.Skipped });
        }
      }
    };
    // Each lane's case gets its own environment (coverage file) and scratch folder (runCase).
    await Promise.all(Array.from({ length: Math.max(1, this.opts.dryRunJobs) }, (_, lane) => worker(lane)));
    results.sort((a, b) => this.tests.findIndex((t) => t.id === a.id) - this.tests.findIndex((t) => t.id === b.id));
    this.durations = Object.fromEntries(results.map((r) => [r.id, r.timeSpentMs]));
    writeFileSync(join(this.sandbox, DURATIONS_FILE), JSON.stringify(this.durations));
    writeFileSync(join(this.project(), DRY_RUN_FAILURES), JSON.stringify(failures, null, 2));
    writeFileSync(join(this.project(), DRY_RUN_DURATIONS), JSON.stringify(this.durations));
    const units = this.tests.filter((t) => t.kind === 'unit');
    if (units.length > 1 && units.every((t) => results.find((r) => r.id === t.id)?.status === TestStatus.Skipped)) {
      // Not a flaky test: the set-up is broken (vitest not found, say); a run without them would record weaker results.
      throw new Error(`gene-conformance: every unit test file failed on the unmutated code (${DRY_RUN_FAILURES})`);
    }
    return {
      status: DryRunStatus.Complete,
      tests: results,
      mutantCoverage: options.coverageAnalysis === 'off' ? undefined : { static: {}, perTest },
    };
  }

  async mutantRun(options: MutantRunOptions): Promise<MutantRunResult> {
    const durations = this.knownDurations();
    const wanted = options.testFilter ? new Set(options.testFilter) : undefined;
    const mutant = options.activeMutant;
    const file = relative(this.sandbox, mutant.fileName);
    const line = mutant.location.start.line;
    const tests = this.inKillOrder(this.tests.filter((t) => !wanted || wanted.has(t.id)), file, line, durations);
    const timeouts: string[] = [];
    let ran = 0;
    for (const test of tests) {
      ran++;
      const timeoutMs = this.mutantTimeoutMs(test, durations[test.id]);
      const started = Date.now();
      const outcome = await this.runTest(test, { activeMutant: mutant.id, timeoutScale: this.opts.timeoutScale, timeoutMs });
      const log = { mutant: mutant.id, file, line, test: test.id, ms: Date.now() - started, outcome: outcome.status };
      appendFileSync(join(this.project(), MUTANT_TESTS_LOG), `${JSON.stringify(log)}\n`);
      if (outcome.status === 'fail') {
        appendFileSync(join(this.sandbox, KILLS_FILE), `${JSON.stringify({ file, line, test: test.id } satisfies Kill)}\n`);
        return { status: MutantRunStatus.Killed, killedBy: [test.id], failureMessage: outcome.message, nrOfTests: ran };
      }
      if (outcome.status === 'timeout') {
        // Keep looking for a case that fails by wrong output; a hang alone says little.
        timeouts.push(test.id);
        if (timeouts.length >= this.opts.maxTimeouts) break;
      }
    }
    if (timeouts.length > 0) return { status: MutantRunStatus.Timeout, reason: `timed out: ${timeouts.join(', ')}` };
    return { status: MutantRunStatus.Survived, nrOfTests: ran };
  }

  async dispose(): Promise<void> {
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /**
   * The order to try a mutant's tests in: first those that killed a mutant on the same line (the
   * latest first); then by expected kills per second: (1 + the mutants of the same file it killed
   * + DIRECT_PRIOR if it is a unit test importing the mutated module itself) / its dry-run time.
   * So a quick case that killed neighbours goes before one that never did, a 15 s unit test file
   * that killed once does not go before every case, and a unit test of exactly that module comes
   * early (a mutant of a constant every case reaches would otherwise run ~200 cases first).
   */
  private inKillOrder(tests: GeneTest[], file: string, line: number, durations: Record<string, number>): GeneTest[] {
    const sameLine = new Map<string, number>();
    const sameFile = new Map<string, number>();
    let kills: Kill[] = [];
    try {
      kills = readFileSync(join(this.sandbox, KILLS_FILE), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Kill);
    } catch {
      // no kill yet
    }
    const direct = this.opts.testOrder === 'kills';
    if (!direct) kills = [];
    kills.forEach((k, order) => {
      if (k.file !== file) return;
      sameFile.set(k.test, (sameFile.get(k.test) ?? 0) + 1);
      if (k.line === line) sameLine.set(k.test, order + 1);
    });
    return tests
      .map((t) => {
        const ofModule = direct && (t.imports.has(file) || t.imports.has(facadeOf(file)));
        const kills = 1 + (sameFile.get(t.id) ?? 0) + (ofModule ? DIRECT_PRIOR : 0);
        return { t, line: sameLine.get(t.id) ?? 0, rate: kills / Math.max(1, durations[t.id] ?? Infinity) };
      })
      .sort((a, b) => b.line - a.line || b.rate - a.rate)
      .map(({ t }) => t);
  }

  /** A test's time limit while a mutant is active (see mutantTimeoutFactor); undefined: its usual limit. */
  private mutantTimeoutMs(test: GeneTest, dryRunMs: number | undefined): number | undefined {
    const factor = this.opts.mutantTimeoutFactor;
    if (factor <= 0 || dryRunMs === undefined) return undefined;
    const usual = test.kind === 'case' ? caseTimeoutMs(test.conformanceCase!, this.opts.timeoutScale) : this.opts.unitTimeoutSeconds * 1000;
    return Math.min(usual, Math.max(this.opts.mutantTimeoutMinMs, Math.round(factor * dryRunMs + test.ownWaitMs)));
  }

  /** The project this plugin belongs to (Stryker runs tests in a copy of it, the sandbox). */
  private project(): string {
    return fileURLToPath(new URL('../../', import.meta.url));
  }

  private knownDurations(): Record<string, number> {
    if (!this.durations) {
      try {
        this.durations = JSON.parse(readFileSync(join(this.sandbox, DURATIONS_FILE), 'utf8')) as Record<string, number>;
      } catch {
        this.durations = {};
      }
    }
    return this.durations;
  }

  private runTest(test: GeneTest, how: { coverageFile?: string; activeMutant?: string; timeoutScale: number; timeoutMs?: number; lane?: number }): Promise<Outcome> {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: how.coverageFile ? `--require ${PRELOAD}` : '', [SANDBOX_ENV]: '1' };
    delete env.__STRYKER_ACTIVE_MUTANT__;
    delete env.GENE_MUTATE_COVERAGE_FILE;
    if (how.coverageFile) env.GENE_MUTATE_COVERAGE_FILE = how.coverageFile;
    if (how.activeMutant !== undefined) env.__STRYKER_ACTIVE_MUTANT__ = how.activeMutant;
    const usualMs = test.kind === 'case' ? caseTimeoutMs(test.conformanceCase!, how.timeoutScale) : this.opts.unitTimeoutSeconds * 1000;
    const timeoutScale = how.timeoutMs === undefined ? how.timeoutScale : (how.timeoutScale * how.timeoutMs) / usualMs;
    return test.kind === 'case' ? this.runCase(test, env, timeoutScale, how.lane ?? 0) : this.runUnit(test, env, how.timeoutMs);
  }

  private async runCase(test: GeneTest, env: NodeJS.ProcessEnv, timeoutScale: number, lane: number): Promise<Outcome> {
    // The conformance runner gives each case this process's environment (plus GENE_CONFORMANCE),
    // read when it starts the case, which runSuite does before its first await: so each lane's
    // case gets its own environment, and process.env is restored at once.
    const tempDir = join(this.scratch, `lane-${lane}`);
    mkdirSync(tempDir, { recursive: true });
    const saved = process.env;
    process.env = env;
    let running: ReturnType<typeof runSuite>;
    try {
      running = runSuite({
        impl: 'the sandbox gene',
        implWords: [process.execPath, join(this.sandbox, 'bin', 'gene.js')],
        cases: [test.conformanceCase!],
        jobs: 1,
        timeoutScale,
        limits: this.limits(),
        allowUnexpectedPass: false,
        maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
        tempDir,
      });
    } finally {
      process.env = saved;
    }
    const result = (await running).results[0]!;
    if (result.status === 'pass' || result.status === 'skip') return { status: 'pass' };
    const why = result.failure?.reason ?? result.reason ?? 'failed';
    const message = [why, ...(result.failure?.diff ?? [])].join('\n').slice(0, 4000);
    return { status: /^timeout\b/.test(why) ? 'timeout' : 'fail', message };
  }

  private limitsRecord: ReturnType<typeof loadLimits> | undefined;
  private limits(): ReturnType<typeof loadLimits> {
    return (this.limitsRecord ??= loadLimits(join(this.sandbox, 'conformance', 'limits.json'), { optional: false }));
  }

  private async runUnit(test: GeneTest, env: NodeJS.ProcessEnv, timeoutMs = this.opts.unitTimeoutSeconds * 1000): Promise<Outcome> {
    const vitest = this.vitestEntry();
    const config = join(this.sandbox, 'tools', 'mutate', 'vitest.units.config.ts');
    const args = [vitest, 'run', '--config', config, test.file];
    const run = await this.spawnGroup(process.execPath, args, env, timeoutMs);
    if (run.timedOut) return { status: 'timeout', message: `${test.file} ran over ${timeoutMs / 1000} s` };
    return run.code === 0 ? { status: 'pass' } : { status: 'fail', message: run.output.slice(-4000) };
  }

  /**
   * vitest as Node resolves it from the sandbox: Stryker links the project's node_modules into the
   * sandbox only when it is a real folder, so in a worktree whose node_modules is a symbolic link
   * (HOUSE-RULES) the sandbox has none, and `sandbox/node_modules/vitest` failed every unit test
   * file in the dry run (left out as "failed twice": a mutant's Survived then meant less).
   * Resolving walks up to the worktree's link. Fails the run at once if vitest is not found.
   */
  private vitestEntry(): string {
    return (this.vitestPath ??= join(dirname(createRequire(join(this.sandbox, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs'));
  }
  private vitestPath: string | undefined;

  /** Runs a command in a process group of its own; on timeout the whole group is killed. */
  private spawnGroup(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string; timedOut: boolean }> {
    return new Promise((resolve) => {
      const child = spawn(cmd, args, { cwd: this.sandbox, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let size = 0;
      const keep = (b: Buffer): void => {
        if (size < 1 << 20) chunks.push(b);
        size += b.length;
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        killGroup(child.pid); // nothing a test started outlives it
        resolve({ code, output: Buffer.concat(chunks).toString('utf8'), timedOut });
      });
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group has already gone
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'gene-conformance', GeneConformanceRunner)];
