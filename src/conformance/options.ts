// `gene conformance [DIR|FILE…] [options]`: the command line, parsed into plain options.
// Anything malformed is a UsageError (exit status 2).

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
  --list                    list the selected case ids and exit
  --verbose, -v             human reporter: also list skips and known failures
  --help, -h                this text
Exit status: 0 no failures, 1 failures, 2 usage or suite error.`;

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
  return options;
}
