// An expectations file records, per implementation, which cases it skips and how it is known to
// fail them, each with a reason. A known failure that starts passing is reported ("unexpected
// pass"), and one that starts failing another way is a failure, so the file does not go stale.
//
//   # comment
//   skip    thr.pool.lowest-free-slot   no worker threads on this host
//   fail    core.float.nan-print        prints NaN instead of nan (issue #12)
//   timeout thr.main.self-send          thread 0 never dispatches (THR-MAIN.3)
//   crash   thr.life.crash-oom          SIGSEGV in the allocator
//   crash|timeout thr.err.remote-trace  SIGSEGV in one run, a hang in the next: never passes
//   flaky   thr.io.lines-whole          lines interleave now and then (THR-IO.2)
//   skip    thr.*                       ids may end in or contain * (any characters)

import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { FAILURE_TYPES, type FailureType } from './results.js';

/**
 * skip: not run. fail/timeout/crash: runs, and must fail exactly that way. Several failure types
 * joined by `|` (`crash|timeout`): every run must fail in one of those ways, never pass (a case the
 * host handles nondeterministically). flaky: may pass or fail.
 */
export type ExpectationKind = string;
export const EXPECTATION_KINDS: readonly string[] = ['skip', 'fail', 'timeout', 'crash', 'flaky'];

/** The verb for a set of failure types, in the canonical order: `fail`, `crash|timeout` → `timeout|crash`. */
export function failureVerb(types: Iterable<FailureType>): string {
  const set = new Set(types);
  return FAILURE_TYPES.filter((t) => set.has(t)).join('|');
}

/** The failure types a verb accepts: empty for skip and flaky; undefined for an unknown verb. */
export function failureTypesOf(kind: string): readonly FailureType[] | undefined {
  if (kind === 'skip' || kind === 'flaky') return [];
  const parts = kind.split('|');
  if (!parts.every((p) => (FAILURE_TYPES as readonly string[]).includes(p)) || new Set(parts).size !== parts.length) return undefined;
  return FAILURE_TYPES.filter((t) => parts.includes(t));
}

export interface Expectation {
  /** skip, flaky, or failure types joined by `|` in the canonical order (fail, timeout, crash). */
  kind: ExpectationKind;
  /** The failure types the entry accepts (empty for skip and flaky). */
  failures: readonly FailureType[];
  /** A case id, or a pattern where `*` matches any characters. */
  pattern: string;
  reason: string;
  line: number;
}

export interface Expectations {
  file: string;
  entries: readonly Expectation[];
}

export function parseExpectations(text: string, file: string): Expectations {
  const entries: Expectation[] = [];
  const exact = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const lineNo = index + 1;
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    const where = `${file}:${lineNo}`;
    if (!m) throw new UsageError(`${where}: want "<verb> <id> <reason>" (verb: ${EXPECTATION_KINDS.join(', ')}), got: ${line}`);
    const [, written, pattern, reason] = m;
    const failures = failureTypesOf(written!);
    if (failures === undefined) {
      throw new UsageError(
        `${where}: unknown expectation "${written}" (want one of ${EXPECTATION_KINDS.join(', ')}, or failure types joined by |, e.g. crash|timeout)`,
      );
    }
    const kind = failures.length > 0 ? failureVerb(failures) : written!;
    if (reason === '') throw new UsageError(`${where}: "${written} ${pattern}" needs a reason`);
    if (exact.has(pattern!)) throw new UsageError(`${where}: "${pattern}" already has an expectation on line ${exact.get(pattern!)}`);
    exact.set(pattern!, lineNo);
    entries.push({ kind, failures, pattern: pattern!, reason: reason!, line: lineNo });
  });
  return { file, entries };
}

export function loadExpectations(file: string): Expectations {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read expectations file ${file}: ${(e as Error).message}`);
  }
  return parseExpectations(text, file);
}

export function patternMatches(pattern: string, id: string): boolean {
  if (!pattern.includes('*')) return pattern === id;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(id);
}

/** The expectation for `id`: an exact entry wins over patterns; among patterns the first wins. */
export function expectationFor(expectations: Expectations | undefined, id: string): Expectation | undefined {
  if (!expectations) return undefined;
  const exact = expectations.entries.find((e) => e.pattern === id);
  return exact ?? expectations.entries.find((e) => e.pattern.includes('*') && patternMatches(e.pattern, id));
}

/** Entries that match no case in the suite: stale lines worth a warning. */
export function unusedExpectations(expectations: Expectations | undefined, ids: readonly string[]): Expectation[] {
  if (!expectations) return [];
  return expectations.entries.filter((e) => !ids.some((id) => patternMatches(e.pattern, id)));
}
