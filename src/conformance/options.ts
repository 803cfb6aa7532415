// `gene conformance [DIR|FILE…] [options]`: the command line, parsed into plain options.
// Anything malformed is a UsageError (exit status 2).

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UsageError } from './errors.js';

export type ReporterName = 'human' | 'tap' | 'junit' | 'json';
const REPORTERS: readonly ReporterName[] = ['human', 'tap', 'junit', 'json'];

export interface ConformanceOptions {
  paths: string[];
  impl?: string;
  jobs: number;
  timeoutScale: number;
  features: string[];
  excludeFeatures: string[];
  expectations?: string;
  limits?: string;
  reporter: ReporterName;
  output?: string;
  progress: boolean;
  saveFailed?: string;
  filters: string[];
  /** Exact case ids (--id, --ids-from); all cases when empty. */
  ids: string[];
  /** --shard i/N: the i-th (1-based) of N deterministic parts of the selection. */
  shard?: { index: number; count: number };
  repeat: number;
  retries: number;
  allowEmpty: boolean;
  updateExpectations?: string;
  lint: boolean;
  fix: boolean;
  list: boolean;
  allowUnexpectedPass: boolean;
  verbose: boolean;
  help: boolean;
}

export const USAGE = `usage: gene conformance [DIR|FILE…] [options]
Runs conformance cases (default: this package's conformance/cases) against an implementation.
  --impl "COMMAND"          implementation to test (default: this package's gene); run as COMMAND run [ARGS…] FILE
  --jobs N, -j N            cases run at once (default: number of cores)
  --timeout-scale X         multiply the timeout classes (short 10 s, long 60 s) by X
  --features a,b            only cases tagged with any of these features
  --exclude-features a,b    leave out cases tagged with any of these features
  --expectations FILE       per-implementation skips and known failures
  --allow-unexpected-pass   a known failure that passes does not fail the run
  --limits FILE             the implementation's limits record (default: conformance/limits.json)
  --reporter NAME           human (default), tap, junit or json
  --output FILE, -o FILE    write the report to FILE instead of stdout
  --progress                periodic progress lines on stderr even when it is not a terminal
  --save-failed DIR         write a stand-alone repro folder per failing case
  --filter SUBSTR           only cases whose id contains SUBSTR (may repeat)
  --id ID                   only the case with exactly this id (may repeat)
  --ids-from FILE           only the ids listed in FILE (one a line, # comments)
  --shard I/N               only the I-th of N deterministic parts of the selection (CI machines)
  --allow-empty             an empty selection is not an error (default: exit 2)
  --repeat N                run each case N times; mixed results are reported as flaky
  --retries N               rerun a failing case up to N times; a later pass is flaky
  --update-expectations FILE  write FILE from this run (keeps matching entries, adds new failures,
                            drops entries that pass or match nothing) and print the changes
  --list                    list the selected case ids and exit
  --lint                    check every case's ## features: against the APIs its text uses; exit 1 on problems
  --fix                     with --lint: add the missing tags to the case files
  --verbose, -v             human reporter: also list skips and known failures
  --help, -h                this text
Exit status: 0 no failures, 1 failures, 2 usage or suite error (or an empty selection).
Other commands:
  gene conformance diff OLD.json NEW.json       regressions, fixes, new and removed cases; exit 1 on a regression
  gene conformance merge A.json B.json… -o OUT  one report from shard reports
  gene conformance report --html OUT.html A.json [B.json…]  one static page: rules × implementations`;

function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

function positiveNumber(option: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${option} wants a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
  }
  return n;
}

function tagList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

export function parseOptions(argv: readonly string[]): ConformanceOptions {
  const options: ConformanceOptions = {
    paths: [],
    jobs: defaultJobs(),
    timeoutScale: 1,
    features: [],
    excludeFeatures: [],
    reporter: 'human',
    progress: false,
    filters: [],
    ids: [],
    repeat: 1,
    retries: 0,
    allowEmpty: false,
    lint: false,
    fix: false,
    list: false,
    allowUnexpectedPass: false,
    verbose: false,
    help: false,
  };
  let i = 0;
  while (i < argv.length) {
    let arg = argv[i++]!;
    let inlineValue: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inlineValue = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string => {
      if (inlineValue !== undefined) return inlineValue;
      if (i >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[i++]!;
    };
    const flag = (): void => {
      if (inlineValue !== undefined) throw new UsageError(`${arg} takes no value`);
    };
    switch (arg) {
      case '--impl':
        options.impl = value();
        break;
      case '--jobs':
      case '-j':
        options.jobs = positiveNumber(arg, value(), true);
        break;
      case '--timeout-scale':
        options.timeoutScale = positiveNumber(arg, value(), false);
        break;
      case '--features':
        options.features.push(...tagList(value()));
        break;
      case '--exclude-features':
        options.excludeFeatures.push(...tagList(value()));
        break;
      case '--expectations':
        options.expectations = value();
        break;
      case '--limits':
        options.limits = value();
        break;
      case '--reporter': {
        const name = value();
        if (!REPORTERS.includes(name as ReporterName)) {
          throw new UsageError(`--reporter wants one of ${REPORTERS.join(', ')}, got "${name}"`);
        }
        options.reporter = name as ReporterName;
        break;
      }
      case '--output':
      case '-o':
        options.output = value();
        break;
      case '--progress':
        flag();
        options.progress = true;
        break;
      case '--save-failed':
        options.saveFailed = value();
        break;
      case '--filter':
        options.filters.push(value());
        break;
      case '--id':
        options.ids.push(value());
        break;
      case '--ids-from':
        options.ids.push(...readIdsFile(value()));
        break;
      case '--shard':
        options.shard = parseShard(value());
        break;
      case '--allow-empty':
        flag();
        options.allowEmpty = true;
        break;
      case '--repeat':
        options.repeat = positiveNumber(arg, value(), true);
        break;
      case '--retries':
        options.retries = nonNegativeInteger(arg, value());
        break;
      case '--update-expectations':
        options.updateExpectations = value();
        break;
      case '--lint':
        flag();
        options.lint = true;
        break;
      case '--fix':
        flag();
        options.fix = true;
        break;
      case '--list':
        flag();
        options.list = true;
        break;
      case '--allow-unexpected-pass':
        flag();
        options.allowUnexpectedPass = true;
        break;
      case '--verbose':
      case '-v':
        flag();
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        flag();
        options.help = true;
        break;
      case '--':
        options.paths.push(...argv.slice(i));
        i = argv.length;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (see --help)`);
        options.paths.push(arg);
    }
  }
  if (options.fix && !options.lint) throw new UsageError('--fix goes with --lint');
  if (options.repeat > 1 && options.retries > 0) throw new UsageError('--repeat and --retries cannot be combined');
  return options;
}

function nonNegativeInteger(option: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${option} wants an integer >= 0, got "${value}"`);
  return Number(value);
}

/** `I/N` with 1 <= I <= N. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard wants I/N with 1 <= I <= N (e.g. 2/4), got "${value}"`);
  return { index, count };
}

/** Ids one a line; blank lines and `#` comments ignored. */
function readIdsFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --ids-from file ${file}: ${(e as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
