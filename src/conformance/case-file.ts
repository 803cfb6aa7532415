// One conformance case = one `.gene` file. Its metadata lives in comment lines:
//   `## key: value`  the gene-ref header (id, spec, features, timeout, error, requires, …)
//   `# Args:` / `# ExitCode:` / `# Expected:`  the upstream testsuite's conventions, so upstream's
//   run_tests.sh can run our cases and we can run its plain folders (gene-core §10).

import { SuiteError } from './errors.js';
import { parseRequires, type Requirement } from './limits.js';
import { splitShellWords } from './shell-words.js';

export type TimeoutClass = 'short' | 'long';

export interface ConformanceCase {
  /** Unique in the run; `## id:` or the path relative to the suite root without `.gene`. */
  id: string;
  /** Absolute path of the `.gene` file. */
  file: string;
  /** Path relative to its suite root, with `/` separators. */
  relPath: string;
  spec: string[];
  description: string;
  features: string[];
  /** Line of the first `## features:` line, to name it in suite errors. */
  featuresLine?: number;
  timeout: TimeoutClass;
  /** Expected uncaught error kind (`## error:`). */
  error?: string;
  requires: Requirement[];
  runInThread: boolean;
  /** Extra flags from every `# Args:` line, in file order. */
  args: string[];
  /** The exit status to expect: `# ExitCode:`, else 1 with `## error:`, else 0. */
  exitCode: number;
  /** `# Expected:` texts with the prefix removed (not yet normalised); undefined when there are none. */
  expected?: string[];
  /** Files or folders beside the case (relative to its folder) copied into its scratch folder (`## fixtures:`). */
  fixtures: string[];
  /** False for a plain upstream-style file without any `## ` line. */
  hasHeader: boolean;
}

const HEADER_KEYS = ['id', 'spec', 'description', 'features', 'timeout', 'error', 'requires', 'run-in-thread', 'fixtures'] as const;
type HeaderKey = (typeof HEADER_KEYS)[number];
/** Keys whose values accumulate over several lines; the rest may appear once. */
const REPEATABLE: ReadonlySet<HeaderKey> = new Set(['spec', 'description', 'features', 'requires', 'fixtures']);

const CASE_ID = /^[^\s#]+$/;
const ERROR_KIND = /^[A-Z][A-Za-z0-9]*$/;

export function defaultCaseId(relPath: string): string {
  return relPath.replace(/\.gene$/, '');
}

/** Parses a case file's text. Throws SuiteError (naming file and line) on malformed metadata. */
export function parseCaseText(text: string, file: string, relPath: string): ConformanceCase {
  const seen = new Map<HeaderKey, number>();
  const header: Partial<Record<HeaderKey, string[]>> = {};
  const args: string[] = [];
  let expected: string[] | undefined;
  let exitCode: number | undefined;
  let featuresLine: number | undefined;

  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const fail = (detail: string): never => {
      throw new SuiteError(file, detail, lineNo);
    };
    if (line.startsWith('## ')) {
      const m = /^## ([a-z][a-z-]*):(.*)$/.exec(line);
      if (!m) fail(`malformed metadata line (want "## key: value"): ${line}`);
      const key = m![1] as HeaderKey;
      if (!HEADER_KEYS.includes(key)) fail(`unknown metadata key "${key}" (known: ${HEADER_KEYS.join(', ')})`);
      if (seen.has(key) && !REPEATABLE.has(key)) fail(`"## ${key}:" given twice (first on line ${seen.get(key)})`);
      if (!seen.has(key)) seen.set(key, lineNo);
      if (key === 'features' && featuresLine === undefined) featuresLine = lineNo;
      (header[key] ??= []).push(m![2]!.trim());
    } else if (line.startsWith('# Expected:')) {
      (expected ??= []).push(line.slice('# Expected:'.length).replace(/^ /, ''));
    } else if (line.startsWith('# Args:')) {
      try {
        args.push(...splitShellWords(line.slice('# Args:'.length)));
      } catch (e) {
        fail(`bad # Args: line: ${(e as Error).message}`);
      }
    } else if (line.startsWith('# ExitCode:')) {
      const value = line.slice('# ExitCode:'.length).trim();
      if (exitCode !== undefined) fail('"# ExitCode:" given twice');
      if (!/^\d+$/.test(value) || Number(value) > 255) fail(`"# ExitCode:" wants an integer 0..255, got "${value}"`);
      exitCode = Number(value);
    }
  });

  const one = (key: HeaderKey): string | undefined => header[key]?.[0];
  const words = (key: HeaderKey): string[] => (header[key] ?? []).flatMap((v) => v.split(/\s+/).filter(Boolean));
  const lineOf = (key: HeaderKey): number | undefined => seen.get(key);

  const id = one('id') ?? defaultCaseId(relPath);
  if (!CASE_ID.test(id)) throw new SuiteError(file, `case id "${id}" must be non-empty, without spaces or "#"`, lineOf('id'));

  const timeout = one('timeout') ?? 'short';
  if (timeout !== 'short' && timeout !== 'long') {
    throw new SuiteError(file, `"## timeout:" must be short or long, got "${timeout}"`, lineOf('timeout'));
  }

  const error = one('error');
  if (error !== undefined && !ERROR_KIND.test(error)) {
    throw new SuiteError(file, `"## error:" wants one error kind name (e.g. TypeError), got "${error}"`, lineOf('error'));
  }

  const runInThread = one('run-in-thread') ?? 'no';
  if (runInThread !== 'yes' && runInThread !== 'no') {
    throw new SuiteError(file, `"## run-in-thread:" must be yes or no, got "${runInThread}"`, lineOf('run-in-thread'));
  }

  let requires: Requirement[] = [];
  try {
    requires = parseRequires((header.requires ?? []).join(' '));
  } catch (e) {
    throw new SuiteError(file, `bad "## requires:": ${(e as Error).message}`, lineOf('requires'));
  }

  const fixtures = words('fixtures');
  for (const f of fixtures) {
    if (f.startsWith('/') || f.split('/').includes('..')) {
      throw new SuiteError(file, `"## fixtures:" names paths inside the case's folder, got "${f}"`, lineOf('fixtures'));
    }
  }

  return {
    id,
    file,
    fixtures,
    relPath,
    spec: words('spec'),
    description: (header.description ?? []).join(' '),
    features: [...new Set(words('features'))],
    featuresLine,
    timeout,
    error,
    requires,
    runInThread: runInThread === 'yes',
    args,
    exitCode: exitCode ?? (error !== undefined ? 1 : 0),
    expected,
    hasHeader: seen.size > 0,
  };
}
