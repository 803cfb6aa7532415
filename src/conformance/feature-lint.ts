// `gene conformance --lint`: a case's `## features:` must name every thread API and flag its text
// uses, so a host lacking one (`.join`, `recv`, `--max-threads`, …) excludes exactly the cases that
// need it and still runs the rest. The used features are derived from the case text, never guessed
// from its folder: code with strings and comments removed, plus its `# Args:` words.

import { readFileSync, writeFileSync } from 'node:fs';
import type { ConformanceCase } from './case-file.js';

/** One derivable feature: the tag, what the case text shows, and how to find it. */
export interface FeatureUse {
  tag: string;
  /** What the author wrote, for the message: `.join`, `(recv …)`, `# Args: --max-threads`. */
  what: string;
  /** Matched against code (strings and comments blanked) … */
  code?: RegExp;
  /** … or against the words of the `# Args:` lines. */
  arg?: RegExp;
  /** Matched against the `## error:` kind. */
  errorKind?: RegExp;
  /**
   * The tag also names an area (`threads`, `messaging`, `async`), so a case may carry it without
   * the syntax: a deadlock on `recv` is about messaging. Every other tag is carried only when used.
   */
  area?: true;
}

/** The closed list. Every tag here is in conformance/features.txt. */
export const FEATURE_USES: readonly FeatureUse[] = [
  { tag: 'threads', what: '(spawn …)', code: /\(spawn(?:_return)?[\s)]/, area: true },
  { tag: 'spawn-return', what: '(spawn_return …) or ^return', code: /\(spawn_return[\s)]|\^\^return\b|\^return\b/ },
  { tag: 'spawn-args', what: '(spawn ^args …)', code: /\^args\b/ },
  { tag: 'join', what: '.join', code: /\.join\b/ },
  { tag: 'recv', what: '(recv …)', code: /\(recv[\s)]/ },
  { tag: 'terminate', what: '.terminate', code: /\.terminate\b/ },
  { tag: 'keep-alive', what: '(keep_alive …)', code: /\(keep_alive[\s)]/ },
  { tag: 'thread-id', what: '.id', code: /\.id\b/ },
  { tag: 'thread-parent', what: '.parent', code: /\.parent\b/ },
  { tag: 'thread-alive', what: '.alive', code: /\.alive\b/ },
  { tag: 'thread-vars', what: '$thread or $main_thread', code: /\$(?:main_)?thread\b/ },
  { tag: 'messaging', what: '.send, .send_expect_reply, .on_message or .reply', code: /\.(?:send|send_expect_reply|on_message|reply)\b/, area: true },
  { tag: 'message-sender', what: '(m .sender)', code: /\.sender\b/ },
  { tag: 'mark-handled', what: '(m .mark_handled)', code: /\.mark_handled\b/ },
  { tag: 'timeouts', what: '^timeout', code: /\^timeout\b/ },
  { tag: 'timers', what: 'sleep_async', code: /\bsleep_async\b/ },
  { tag: 'future-callbacks', what: '.on_success or .on_failure', code: /\.on_(?:success|failure)\b/ },
  { tag: 'async', what: '(await …) or (async …)', code: /\((?:await|async)[\s)]/, area: true },
  { tag: 'error-kinds', what: 'an error kind ($ex/kind, catch Kind or ## error: Kind)', code: /\$ex\/kind\b|\bcatch\s+(?!\*)(?!GeneException\b)[A-Z][A-Za-z]*/, errorKind: /^(?!GeneException$)/ },
  { tag: 'flag-max-threads', what: '# Args: --max-threads', arg: /^--max-threads(?:=|$)/ },
  { tag: 'flag-channel-capacity', what: '# Args: --channel-capacity', arg: /^--channel-capacity(?:=|$)/ },
  { tag: 'flag-thread-memory', what: '# Args: --thread-memory-mb', arg: /^--thread-memory-mb(?:=|$)/ },
];

/**
 * The case text with comments and plain string literals blanked (kept the same length, newlines
 * kept, so offsets still map to lines). Interpolated strings `#"…"` are kept: `#{…}` holds code.
 */
export function codeOnly(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '#' && next === '<') {
      const end = text.indexOf('>#', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (ch === '#' && (next === undefined || next === ' ' || next === '!' || next === '#' || next === '\r' || next === '\n')) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (ch === '#' && next === '"') {
      // Interpolated: kept, since `#{…}` holds code; its closing quote must not open a string.
      i = interpolationEnd(text, i + 2);
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, text.length));
      i = j + 1;
    } else if (ch === '\\' && next !== undefined) {
      i += 2; // a char literal such as \" or \#
    } else i++;
  }
  return out.join('');
}

/** The offset after the closing quote of an interpolated string whose text starts at `from`. */
function interpolationEnd(text: string, from: number): number {
  let depth = 0; // inside how many `#{…}`
  let j = from;
  while (j < text.length) {
    const ch = text[j]!;
    if (ch === '\\') {
      j += 2;
    } else if (ch === '"' && depth === 0) {
      return j + 1;
    } else if (ch === '"') {
      // A plain string inside `#{…}`.
      j++;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      j++;
    } else if (ch === '#' && text[j + 1] === '{') {
      depth++;
      j += 2;
    } else {
      if (ch === '}' && depth > 0) depth--;
      j++;
    }
  }
  return text.length;
}

export interface FeatureProblem {
  file: string;
  line: number;
  message: string;
  /** The tag to add, when the fix is adding one. */
  missingTag?: string;
  /** The tag to remove, when the case carries it but never uses it. */
  unusedTag?: string;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/** Each derivable feature the case uses, with the line of its first use. */
export function usedFeatures(c: ConformanceCase, text: string): Map<string, { what: string; line: number }> {
  const used = new Map<string, { what: string; line: number }>();
  const code = codeOnly(text);
  const argLine = text.split(/\r?\n/).findIndex((l) => l.startsWith('# Args:')) + 1;
  const errorLine = text.split(/\r?\n/).findIndex((l) => l.startsWith('## error:')) + 1;
  for (const use of FEATURE_USES) {
    if (used.has(use.tag)) continue;
    const m = use.code?.exec(code);
    if (m) used.set(use.tag, { what: use.what, line: lineOf(code, m.index) });
    else if (use.arg && c.args.some((a) => use.arg!.test(a))) used.set(use.tag, { what: use.what, line: argLine });
    else if (use.errorKind && c.error !== undefined && use.errorKind.test(c.error)) used.set(use.tag, { what: use.what, line: errorLine });
  }
  return used;
}

const MAX_THREADS_ARG = /^--max-threads(?:=(\d+))?$/;

/** The N of `--max-threads N` in the case's args, if any. */
function maxThreadsArg(args: readonly string[]): number | undefined {
  for (let k = 0; k < args.length; k++) {
    const m = MAX_THREADS_ARG.exec(args[k]!);
    if (!m) continue;
    const value = m[1] ?? args[k + 1];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  }
  return undefined;
}

/** Problems with one case's tags and requirements; `text` is the file's text. */
export function lintCase(c: ConformanceCase, text: string): FeatureProblem[] {
  const used = usedFeatures(c, text);
  return [...missingTagProblems(c, used), ...unusedTagProblems(c, used), ...maxThreadsProblems(c, text)];
}

/** A feature the text uses but the header lacks: a host without it would run the case and fail. */
function missingTagProblems(c: ConformanceCase, used: ReadonlyMap<string, { what: string; line: number }>): FeatureProblem[] {
  const headerLine = c.featuresLine ?? 1;
  return [...used]
    .filter(([tag]) => !c.features.includes(tag))
    .map(([tag, use]) => ({
      file: c.file,
      line: use.line,
      missingTag: tag,
      message: `uses ${use.what} but its "## features:" (line ${headerLine}) lacks "${tag}": add "${tag}" to "## features:"`,
    }));
}

/** An API or flag tag the text never uses: a host lacking it would silently skip the case. */
function unusedTagProblems(c: ConformanceCase, used: ReadonlyMap<string, unknown>): FeatureProblem[] {
  const headerLine = c.featuresLine ?? 1;
  return FEATURE_USES.filter((use) => !use.area && c.features.includes(use.tag) && !used.has(use.tag)).map((use) => ({
    file: c.file,
    line: headerLine,
    unusedTag: use.tag,
    message: `"## features:" carries "${use.tag}" but the case never uses ${use.what}, so a host lacking it would skip the case for nothing: remove "${use.tag}"`,
  }));
}

/** Host contract §8: a case that asks for N threads must say it needs them. */
function maxThreadsProblems(c: ConformanceCase, text: string): FeatureProblem[] {
  const n = maxThreadsArg(c.args);
  if (n === undefined) return [];
  const argLine = text.split(/\r?\n/).findIndex((l) => l.startsWith('# Args:') && l.includes('--max-threads')) + 1;
  const declared = c.requires.some((r) => r.name === 'max_threads' && r.kind === 'compare' && (r.op === '>=' || r.op === '>') && r.value >= (r.op === '>' ? n - 1 : n));
  if (declared) return [];
  return [{ file: c.file, line: argLine, message: `passes --max-threads ${n} but lacks "## requires: max_threads>=${n}": add that line` }];
}

/** Adds the missing tags to the first `## features:` line (or a new one after the header). */
export function addMissingTags(text: string, tags: readonly string[]): string {
  if (tags.length === 0) return text;
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('## features:'));
  if (at >= 0) {
    lines[at] = `${lines[at]!.replace(/\s+$/, '')} ${tags.join(' ')}`;
    return lines.join('\n');
  }
  let last = -1;
  lines.forEach((l, k) => {
    if (l.startsWith('## ')) last = k;
  });
  lines.splice(last + 1, 0, `## features: ${tags.join(' ')}`);
  return lines.join('\n');
}

/** Removes the given tags from every `## features:` line (the line goes if nothing is left). */
export function removeUnusedTags(text: string, tags: readonly string[]): string {
  if (tags.length === 0) return text;
  const lines = text.split('\n').flatMap((line) => {
    const m = /^## features:(.*)$/.exec(line);
    if (!m) return [line];
    const kept = m[1]!.trim().split(/\s+/).filter((t) => t !== '' && !tags.includes(t));
    return kept.length > 0 ? [`## features: ${kept.join(' ')}`] : [];
  });
  return lines.join('\n');
}

/** Lints every case; with `fix`, first adds the missing tags to the files and removes unused ones. */
export function lintCases(cases: readonly ConformanceCase[], options: { fix: boolean }): { problems: FeatureProblem[]; fixed: string[] } {
  const problems: FeatureProblem[] = [];
  const fixed: string[] = [];
  for (const c of cases) {
    let text = readFileSync(c.file, 'utf8');
    let found = lintCase(c, text);
    const missing = found.flatMap((p) => (p.missingTag ? [p.missingTag] : []));
    const unused = found.flatMap((p) => (p.unusedTag ? [p.unusedTag] : []));
    if (options.fix && missing.length + unused.length > 0) {
      text = removeUnusedTags(addMissingTags(text, missing), unused);
      writeFileSync(c.file, text);
      fixed.push(c.file);
      found = found.filter((p) => p.missingTag === undefined && p.unusedTag === undefined);
    }
    problems.push(...found);
  }
  return { problems, fixed };
}
