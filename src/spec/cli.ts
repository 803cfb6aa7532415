// `gene spec …`: look up reference behaviour, check spec ↔ suite consistency, write the matrix.

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMatrix, type CaseResults, type NamedResults } from './matrix.js';
import { checkStrength } from './strength.js';
import { checkSpec, loadCaseHeaders, loadSpec, type Rule, type Spec } from './spec-index.js';
import { formatRule, searchSpec } from './spec-search.js';

const USAGE = `usage:
  gene spec QUERY…              show the rules matching an anchor (LANG-OP.1), an anchor prefix
                                (THR-POOL, LANG), a case id (lang.op.precedence) or words
  gene spec --list              list every rule anchor and title
  gene spec --check             report scenarios without cases, cases without rules, duplicates,
                                thread rules checked by fewer than two cases; exit 1 if there is
                                any problem; also lists thread rules with no in-thread case
  gene spec --matrix [--output FILE] [--results REPORT.json]…
                                write the conformance matrix (rule → scenarios → cases → status);
                                several --results give one status column per report, side by side
options:
  --full                        print every matching rule in full, however many match
  --expected                    also print each case's expected output
  --root DIR                    read spec/ and conformance/ under DIR (default: this package)`;

/** Most rules a word search prints in full before switching to a list. */
const MAX_FULL_RULES = 3;

export interface SpecIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: SpecIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** dist/spec/cli.js and src/spec/cli.ts both sit two levels below the package root. */
export function specPackageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

class UsageError extends Error {}

interface SpecArgs {
  mode: 'query' | 'list' | 'check' | 'matrix' | 'help';
  query: string[];
  root: string;
  output?: string;
  results: string[];
  full: boolean;
  expected: boolean;
}

function parseArgs(argv: string[]): SpecArgs {
  const args: SpecArgs = { mode: 'query', query: [], root: specPackageRoot(), results: [], full: false, expected: false };
  const setMode = (mode: SpecArgs['mode']): void => {
    if (args.mode !== 'query' && args.mode !== mode) throw new UsageError(`--${args.mode} and --${mode} cannot be combined`);
    args.mode = mode;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') setMode('help');
    else if (arg === '--list') setMode('list');
    else if (arg === '--check') setMode('check');
    else if (arg === '--matrix') setMode('matrix');
    else if (arg === '--output' || arg === '-o') args.output = value();
    else if (arg === '--results') args.results.push(value());
    else if (arg === '--root') args.root = resolve(value());
    else if (arg === '--full') args.full = true;
    else if (arg === '--expected') args.expected = true;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else args.query.push(arg);
  }
  if (args.mode !== 'query' && args.query.length > 0) throw new UsageError(`--${args.mode} takes no query words`);
  if ((args.output || args.results.length > 0) && args.mode !== 'matrix') throw new UsageError('--output and --results go with --matrix');
  return args;
}

/**
 * Reads case statuses from a conformance JSON report (`{cases: [{id, status}]}`), a plain array
 * of `{id, status}`, or an object mapping case id → status.
 */
export function readResults(file: string): CaseResults {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const list = Array.isArray(data) ? data : (data as { cases?: unknown }).cases;
  if (Array.isArray(list)) {
    const results = new Map<string, string>();
    for (const item of list as { id?: unknown; status?: unknown }[]) {
      if (typeof item?.id === 'string' && typeof item.status === 'string') results.set(item.id, item.status);
    }
    return results;
  }
  if (data && typeof data === 'object') {
    return new Map(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  throw new UsageError(`${file}: not a conformance report`);
}

/** The column name of a report: its implementation's --version line, else its command, else the file. */
export function resultsName(file: string): string {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { impl?: unknown; meta?: { implVersion?: unknown; impl?: unknown } };
    const version = data.meta?.implVersion;
    if (typeof version === 'string' && !version.startsWith('unknown')) return version;
    const impl = data.meta?.impl ?? data.impl;
    if (typeof impl === 'string' && impl !== '') return impl;
  } catch {
    // readResults reports unreadable files
  }
  return file;
}

/** One --results is the plain `status` column (as before); several are named columns, in order. */
function matrixColumns(files: readonly string[]): CaseResults | NamedResults[] | undefined {
  if (files.length === 0) return undefined;
  if (files.length === 1) return readResults(files[0]!);
  const used = new Set<string>();
  return files.map((file) => {
    let name = resultsName(file);
    // Two runs of one implementation still get two columns, told apart by their files.
    if (used.has(name)) name = `${name} (${file})`;
    used.add(name);
    return { name, results: readResults(file) };
  });
}

function ruleLine(rule: Rule): string {
  const n = rule.scenarios.length;
  return `  ${rule.anchor.padEnd(16)} ${rule.title}  (${n} scenario${n === 1 ? '' : 's'})`;
}

/** Rules that match at least one word: suggestions when the full query matched nothing. */
function partialMatches(spec: Spec, cases: ReturnType<typeof loadCaseHeaders>, words: string[]): Rule[] {
  // Rank by how many words a rule matches, then by its best rank in a single-word search.
  const tally = new Map<Rule, { words: number; bestRank: number }>();
  for (const word of words) {
    searchSpec(spec, cases, word).forEach((rule, rank) => {
      const t = tally.get(rule) ?? { words: 0, bestRank: rank };
      tally.set(rule, { words: t.words + 1, bestRank: Math.min(t.bestRank, rank) });
    });
  }
  return [...tally.entries()]
    .sort((a, b) => b[1].words - a[1].words || a[1].bestRank - b[1].bestRank)
    .slice(0, 8)
    .map(([rule]) => rule);
}

function runQuery(args: SpecArgs, io: SpecIo): number {
  const spec = loadSpec(args.root);
  const cases = loadCaseHeaders(args.root);
  const query = args.query.join(' ');
  if (query.trim() === '') {
    io.err(`gene spec: give an anchor, a case id or words to look up\n${USAGE}\n`);
    return 2;
  }
  if (spec.rules.length === 0) {
    io.err(`gene spec: no rules found in ${join(args.root, 'spec')} (is --root the package root?)\n`);
    return 1;
  }
  const rules = searchSpec(spec, cases, query);
  if (rules.length === 0) {
    const hints = [
      `No rule matches "${query}".`,
      'Try an anchor (LANG-OP.1), an anchor prefix (THR-POOL, LANG), a case id (lang.op.precedence),',
      'or fewer words; every word must appear in the rule. `gene spec --list` lists all rules.',
    ];
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const partial = words.length > 1 ? partialMatches(spec, cases, words) : [];
    if (partial.length > 0) hints.push('', 'Rules matching some of the words:', ...partial.map(ruleLine));
    io.err(hints.join('\n') + '\n');
    return 1;
  }
  if (rules.length > MAX_FULL_RULES && !args.full) {
    io.out(`${rules.length} rules match "${query}" (best first); \`gene spec ANCHOR\` shows one in full:\n`);
    io.out(rules.map(ruleLine).join('\n') + '\n');
    return 0;
  }
  io.out(rules.map((r) => formatRule(r, cases, { expected: args.expected })).join('\n\n') + '\n');
  return 0;
}

/** Entry point of `gene spec`; returns the exit status. */
export async function specMain(argv: string[], io: SpecIo = processIo): Promise<number> {
  let args: SpecArgs;
  try {
    args = parseArgs(argv);
    switch (args.mode) {
      case 'help':
        io.out(USAGE + '\n');
        return 0;
      case 'list': {
        const spec = loadSpec(args.root);
        io.out(spec.groups.map((g) => [`${g.prefix}: ${g.title}  (${g.file})`, ...g.rules.map(ruleLine)].join('\n')).join('\n\n') + '\n');
        return 0;
      }
      case 'check': {
        const spec = loadSpec(args.root);
        const cases = loadCaseHeaders(args.root);
        const strength = checkStrength(spec, cases);
        const problems = [...checkSpec(spec, cases), ...strength.belowBar];
        if (spec.rules.length === 0) problems.push(`no rules found in ${join(args.root, 'spec')}`);
        const thin = strength.noInThread;
        const thinText = thin.length === 0 ? '' : `${thin.join('\n')}\n${thin.length} thread rule${thin.length === 1 ? '' : 's'} with no in-thread case\n`;
        if (problems.length > 0) {
          io.err(thinText + problems.join('\n') + `\n${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
          return 1;
        }
        io.out(thinText + `spec ok: ${spec.rules.length} rules, ${spec.scenarios.length} scenarios, ${cases.length} cases\n`);
        return 0;
      }
      case 'matrix': {
        const spec = loadSpec(args.root);
        const cases = loadCaseHeaders(args.root);
        const text = renderMatrix(spec, cases, matrixColumns(args.results));
        if (args.output) {
          writeFileSync(args.output, text);
          io.out(`wrote ${args.output}\n`);
        } else io.out(text);
        return 0;
      }
      case 'query':
        return runQuery(args, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`gene spec: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    io.err(`gene spec: ${(e as Error).message}\n`);
    return 2;
  }
}
