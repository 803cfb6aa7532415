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
  --lint                    check every case's ## features: against the APIs its text uses (none missing,
                            none unused); exit 1 on problems
  --fix                     with --lint: add the missing tags to the case files, remove unused ones
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

function defaultOptions(): ConformanceOptions {
  return {
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
}

/** Sets what an option with a value means; `name` is the spelling given (`-j` or `--jobs`), for errors. */
type ValueOption = (options: ConformanceOptions, value: string, name: string) => void;

const VALUE_OPTIONS: ReadonlyMap<string, ValueOption> = new Map<string, ValueOption>([
  ['--impl', (o, v) => (o.impl = v)],
  ['--jobs', (o, v, name) => (o.jobs = positiveNumber(name, v, true))],
  ['-j', (o, v, name) => (o.jobs = positiveNumber(name, v, true))],
  ['--timeout-scale', (o, v, name) => (o.timeoutScale = positiveNumber(name, v, false))],
  ['--features', (o, v) => o.features.push(...tagList(v))],
  ['--exclude-features', (o, v) => o.excludeFeatures.push(...tagList(v))],
  ['--expectations', (o, v) => (o.expectations = v)],
  ['--limits', (o, v) => (o.limits = v)],
  ['--reporter', (o, v) => (o.reporter = reporterName(v))],
  ['--output', (o, v) => (o.output = v)],
  ['-o', (o, v) => (o.output = v)],
  ['--save-failed', (o, v) => (o.saveFailed = v)],
  ['--filter', (o, v) => o.filters.push(v)],
  ['--id', (o, v) => o.ids.push(v)],
  ['--ids-from', (o, v) => o.ids.push(...readIdsFile(v))],
  ['--shard', (o, v) => (o.shard = parseShard(v))],
  ['--repeat', (o, v, name) => (o.repeat = positiveNumber(name, v, true))],
  ['--retries', (o, v, name) => (o.retries = nonNegativeInteger(name, v))],
  ['--update-expectations', (o, v) => (o.updateExpectations = v)],
]);

type BooleanOption = 'progress' | 'allowEmpty' | 'lint' | 'fix' | 'list' | 'allowUnexpectedPass' | 'verbose' | 'help';

const FLAG_OPTIONS: ReadonlyMap<string, BooleanOption> = new Map<string, BooleanOption>([
  ['--progress', 'progress'],
  ['--allow-empty', 'allowEmpty'],
  ['--lint', 'lint'],
  ['--fix', 'fix'],
  ['--list', 'list'],
  ['--allow-unexpected-pass', 'allowUnexpectedPass'],
  ['--verbose', 'verbose'],
  ['-v', 'verbose'],
  ['--help', 'help'],
  ['-h', 'help'],
]);

function reporterName(name: string): ReporterName {
  if (!REPORTERS.includes(name as ReporterName)) {
    throw new UsageError(`--reporter wants one of ${REPORTERS.join(', ')}, got "${name}"`);
  }
  return name as ReporterName;
}

/** `--name=value` → its name and inline value; anything else is its own name. */
function splitInlineValue(arg: string): { name: string; inlineValue?: string } {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? { name: arg.slice(0, eq), inlineValue: arg.slice(eq + 1) } : { name: arg };
}

export function parseOptions(argv: readonly string[]): ConformanceOptions {
  const options = defaultOptions();
  let i = 0;
  while (i < argv.length) {
    const { name, inlineValue } = splitInlineValue(argv[i++]!);
    const flag = FLAG_OPTIONS.get(name);
    const setValue = VALUE_OPTIONS.get(name);
    if (name === '--') {
      options.paths.push(...argv.slice(i));
      break;
    } else if (flag !== undefined) {
      if (inlineValue !== undefined) throw new UsageError(`${name} takes no value`);
      options[flag] = true;
    } else if (setValue !== undefined) {
      if (inlineValue === undefined && i >= argv.length) throw new UsageError(`${name} needs a value`);
      setValue(options, inlineValue ?? argv[i++]!, name);
    } else if (name.startsWith('-')) {
      throw new UsageError(`unknown option ${name} (see --help)`);
    } else {
      options.paths.push(name);
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
