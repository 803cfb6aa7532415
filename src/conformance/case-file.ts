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

/** What the comment lines of a case file say, before the header values are checked. */
interface RawCase {
  /** Header key → line of its first occurrence. */
  seen: Map<HeaderKey, number>;
  header: Partial<Record<HeaderKey, string[]>>;
  args: string[];
  expected?: string[];
  exitCode?: number;
}

/** Reads the metadata lines (`## key:`, `# Expected:`, `# Args:`, `# ExitCode:`); code lines are left alone. */
function readMetadataLines(text: string, file: string): RawCase {
  const raw: RawCase = { seen: new Map(), header: {}, args: [] };
  text.split(/\r?\n/).forEach((line, index) => {
    const fail = (detail: string): never => {
      throw new SuiteError(file, detail, index + 1);
    };
    if (line.startsWith('## ')) {
      readHeaderLine(raw, line, index + 1, fail);
    } else if (line.startsWith('# Expected:')) {
      (raw.expected ??= []).push(line.slice('# Expected:'.length).replace(/^ /, ''));
    } else if (line.startsWith('# Args:')) {
      try {
        raw.args.push(...splitShellWords(line.slice('# Args:'.length)));
      } catch (e) {
        fail(`bad # Args: line: ${(e as Error).message}`);
      }
    } else if (line.startsWith('# ExitCode:')) {
      const value = line.slice('# ExitCode:'.length).trim();
      if (raw.exitCode !== undefined) fail('"# ExitCode:" given twice');
      if (!/^\d+$/.test(value) || Number(value) > 255) fail(`"# ExitCode:" wants an integer 0..255, got "${value}"`);
      raw.exitCode = Number(value);
    }
  });
  return raw;
}

/** One `## key: value` line: a known key, given once unless it accumulates. */
function readHeaderLine(raw: RawCase, line: string, lineNo: number, fail: (detail: string) => never): void {
  const m = /^## ([a-z][a-z-]*):(.*)$/.exec(line);
  if (!m) fail(`malformed metadata line (want "## key: value"): ${line}`);
  const key = m![1] as HeaderKey;
  if (!HEADER_KEYS.includes(key)) fail(`unknown metadata key "${key}" (known: ${HEADER_KEYS.join(', ')})`);
  if (raw.seen.has(key) && !REPEATABLE.has(key)) fail(`"## ${key}:" given twice (first on line ${raw.seen.get(key)})`);
  if (!raw.seen.has(key)) raw.seen.set(key, lineNo);
  (raw.header[key] ??= []).push(m![2]!.trim());
}

/** A one-word header value that must be one of `allowed`; `fallback` when the key is absent. */
function oneOf<T extends string>(raw: RawCase, file: string, key: HeaderKey, allowed: readonly T[], fallback: T): T {
  const value = raw.header[key]?.[0] ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SuiteError(file, `"## ${key}:" must be ${allowed.join(' or ')}, got "${value}"`, raw.seen.get(key));
  }
  return value as T;
}

/** Parses a case file's text. Throws SuiteError (naming file and line) on malformed metadata. */
export function parseCaseText(text: string, file: string, relPath: string): ConformanceCase {
  const raw = readMetadataLines(text, file);
  const { header, seen } = raw;
  const words = (key: HeaderKey): string[] => (header[key] ?? []).flatMap((v) => v.split(/\s+/).filter(Boolean));

  const id = header.id?.[0] ?? defaultCaseId(relPath);
  if (!CASE_ID.test(id)) throw new SuiteError(file, `case id "${id}" must be non-empty, without spaces or "#"`, seen.get('id'));
  const timeout = oneOf(raw, file, 'timeout', ['short', 'long'], 'short');

  const error = header.error?.[0];
  if (error !== undefined && !ERROR_KIND.test(error)) {
    throw new SuiteError(file, `"## error:" wants one error kind name (e.g. TypeError), got "${error}"`, seen.get('error'));
  }
  const runInThread = oneOf(raw, file, 'run-in-thread', ['yes', 'no'], 'no') === 'yes';

  let requires: Requirement[] = [];
  try {
    requires = parseRequires((header.requires ?? []).join(' '));
  } catch (e) {
    throw new SuiteError(file, `bad "## requires:": ${(e as Error).message}`, seen.get('requires'));
  }

  const fixtures = words('fixtures');
  for (const f of fixtures) {
    if (f.startsWith('/') || f.split('/').includes('..')) {
      throw new SuiteError(file, `"## fixtures:" names paths inside the case's folder, got "${f}"`, seen.get('fixtures'));
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
    featuresLine: seen.get('features'),
    timeout,
    error,
    requires,
    runInThread,
    args: raw.args,
    exitCode: raw.exitCode ?? (error !== undefined ? 1 : 0),
    expected: raw.expected,
    hasHeader: seen.size > 0,
  };
}
