// `--update-expectations FILE`: rewrite an expectations file from a run (wpt's
// update-expectations, mspec's tag --add/--del/--purge). Entries whose case failed the way they
// say keep their line and reason; a case failing another way gets its new verb and keeps its
// reason; each new failure is added with its type and a dated reason to fill in; entries for cases
// that now pass, or that match no case, are dropped. With --repeat, a case whose runs all failed
// but in different ways gets `crash|timeout` (or the like); one that also passed gets `flaky`. Cases the run did not select keep their
// entries untouched. Comments and the order of kept lines stay.

import { writeFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { expectationFor, failureTypesOf, failureVerb, parseExpectations, patternMatches, type Expectation, type ExpectationKind } from './expectations.js';
import type { CaseResult, FailureType, RunReport } from './results.js';

export interface ExpectationChanges {
  added: string[];
  changed: string[];
  dropped: string[];
  text: string;
}

/**
 * The verb a run's result calls for: undefined when the case passed (or was not judged); with
 * --repeat, runs that all failed but in different ways give `crash|timeout`, a pass among failures
 * gives `flaky`.
 */
function observedVerb(r: CaseResult): ExpectationKind | undefined {
  if (r.status === 'pass' || r.status === 'unexpected-pass') return undefined;
  const attempts = r.attempts ?? (r.failure ? [r.failure.type] : []);
  if (attempts.length === 0) return undefined;
  if (attempts.includes('pass')) return 'flaky';
  return failureVerb(attempts.filter((a): a is FailureType => a !== 'pass'));
}

/** Whether an entry of verb `kind` accepts a run that calls for `verb`. */
function accepts(kind: ExpectationKind, verb: ExpectationKind | undefined): boolean {
  if (verb === undefined) return false;
  if (kind === 'flaky') return true;
  const allowed = failureTypesOf(kind) ?? [];
  const seen = failureTypesOf(verb);
  return seen !== undefined && seen.length > 0 && seen.every((t) => allowed.includes(t));
}

function entryLine(kind: string, id: string, reason: string): string {
  return `${kind.padEnd(7)} ${id.padEnd(44)} ${reason}`;
}

/**
 * The new text of an expectations file. `oldText` may be empty (a new file); `allIds` are every
 * case id of the suite (to find entries that match nothing), `report` the run's results.
 */
export function updateExpectations(oldText: string, file: string, report: RunReport, allIds: readonly string[], today: string): ExpectationChanges {
  const old = parseExpectations(oldText, file);
  const ran = new Map(report.results.map((r) => [r.case.id, r]));
  const changes: ExpectationChanges = { added: [], changed: [], dropped: [], text: '' };
  const lines = oldText === '' ? [] : oldText.replace(/\n$/, '').split('\n');
  const byLine = new Map(old.entries.map((e) => [e.line, e]));
  const covered = new Set<string>();
  const out: string[] = [];

  lines.forEach((raw, index) => {
    const entry = byLine.get(index + 1);
    if (!entry) {
      out.push(raw);
      return;
    }
    out.push(...rewriteEntry(entry, raw, old, ran, allIds, covered, changes));
  });

  // New failures: cases that ran, failed, and no entry governs.
  const fresh: string[] = [];
  for (const r of report.results) {
    const verb = observedVerb(r);
    if (verb === undefined || covered.has(r.case.id) || expectationFor(old, r.case.id) !== undefined) continue;
    const line = entryLine(verb, r.case.id, `TODO(${today}): ${oneLine(r.failure?.reason ?? r.reason ?? 'failed')} — say which rule is broken`);
    fresh.push(line);
    changes.added.push(line);
  }
  if (fresh.length > 0) out.push(...(out.length > 0 ? [''] : []), `# Added by --update-expectations on ${today}: review each reason.`, ...fresh);
  changes.text = out.join('\n') + '\n';
  return changes;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

function rewriteEntry(
  entry: Expectation,
  raw: string,
  old: ReturnType<typeof parseExpectations>,
  ran: ReadonlyMap<string, CaseResult>,
  allIds: readonly string[],
  covered: Set<string>,
  changes: ExpectationChanges,
): string[] {
  const matching = allIds.filter((id) => patternMatches(entry.pattern, id));
  if (matching.length === 0) {
    changes.dropped.push(`${raw.trim()}  (matches no case)`);
    return [];
  }
  // The cases this entry governs (an exact entry wins over patterns).
  const governed = matching.filter((id) => expectationFor(old, id) === entry);
  if (entry.kind === 'skip') {
    governed.forEach((id) => covered.add(id));
    return [raw];
  }
  const results = governed.map((id) => ran.get(id)).filter((r): r is CaseResult => r !== undefined);
  if (results.length === 0) {
    governed.forEach((id) => covered.add(id));
    return [raw]; // not run this time: nothing learned
  }
  const verbs = results.map((r) => ({ id: r.case.id, verb: observedVerb(r) }));
  const holds = verbs.every((v) => accepts(entry.kind, v.verb));
  if (holds) {
    governed.forEach((id) => covered.add(id));
    return [raw];
  }
  if (!entry.pattern.includes('*')) {
    const v = verbs[0]!.verb;
    covered.add(entry.pattern);
    if (v === undefined) {
      // A flaky entry stays: one pass does not show the flakiness is gone.
      if (entry.kind === 'flaky') return [raw];
      changes.dropped.push(`${raw.trim()}  (now passes)`);
      return [];
    }
    const line = entryLine(v, entry.pattern, entry.reason);
    changes.changed.push(`${entry.kind} → ${v}: ${entry.pattern}`);
    return [line];
  }
  // A pattern some of whose cases now differ: spell out the cases that still fail, each with its verb.
  const lines: string[] = [];
  for (const id of governed) {
    covered.add(id);
    const r = ran.get(id);
    const v = r ? observedVerb(r) : entry.kind;
    if (v !== undefined) lines.push(entryLine(v, id, entry.reason));
  }
  changes.changed.push(`${entry.kind} ${entry.pattern}: expanded into ${lines.length} entr${lines.length === 1 ? 'y' : 'ies'} (some of its cases now pass or fail another way)`);
  return lines;
}

export function writeExpectations(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`cannot write expectations file ${file}: ${(e as Error).message}`);
  }
}

export function formatChanges(file: string, c: ExpectationChanges): string {
  const lines = [`gene conformance: updated ${file}: ${c.added.length} added, ${c.changed.length} changed, ${c.dropped.length} dropped`];
  for (const a of c.added) lines.push(`  + ${a}`);
  for (const ch of c.changed) lines.push(`  ~ ${ch}`);
  for (const d of c.dropped) lines.push(`  - ${d}`);
  return lines.join('\n') + '\n';
}
