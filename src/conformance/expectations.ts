// An expectations file records, per implementation, which cases it skips and how it is known to
// fail them, each with a reason. A known failure that starts passing is reported ("unexpected
// pass"), and one that starts failing another way is a failure, so the file does not go stale.
//
//   # comment
//   skip    thr.pool.lowest-free-slot   no worker threads on this host
//   fail    core.float.nan-print        prints NaN instead of nan (issue #12)
//   timeout thr.main.self-send          thread 0 never dispatches (THR-MAIN.3)
//   crash   thr.life.crash-oom          SIGSEGV in the allocator
//   flaky   thr.io.lines-whole          lines interleave now and then (THR-IO.2)
//   skip    thr.*                       ids may end in or contain * (any characters)

import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/** skip: not run. fail/timeout/crash: runs, and must fail exactly that way. flaky: may pass or fail. */
export type ExpectationKind = 'skip' | 'fail' | 'timeout' | 'crash' | 'flaky';
export const EXPECTATION_KINDS: readonly ExpectationKind[] = ['skip', 'fail', 'timeout', 'crash', 'flaky'];

export interface Expectation {
  kind: ExpectationKind;
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
    const [, kind, pattern, reason] = m;
    if (!EXPECTATION_KINDS.includes(kind as ExpectationKind)) {
      throw new UsageError(`${where}: unknown expectation "${kind}" (want one of ${EXPECTATION_KINDS.join(', ')})`);
    }
    if (reason === '') throw new UsageError(`${where}: "${kind} ${pattern}" needs a reason`);
    if (exact.has(pattern!)) throw new UsageError(`${where}: "${pattern}" already has an expectation on line ${exact.get(pattern!)}`);
    exact.set(pattern!, lineNo);
    entries.push({ kind: kind as ExpectationKind, pattern: pattern!, reason: reason!, line: lineNo });
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
