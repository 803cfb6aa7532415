// How well the suite checks each thread rule (issue 15's bar): every THR rule is checked by at
// least two independent cases, one of them inside a spawned thread where that applies.
//
// A rule's cases are those its scenarios name plus those whose `## spec:` names it. A rule whose
// text has a `Measured by:` line is also checked by the benchmark suite, which counts as one
// check. A case runs in a thread when its id ends in `.in-thread` or it says `## run-in-thread:
// yes`. A rule whose text has an `In-thread:` line (giving the reason) needs no such case.
import type { CaseHeader, Rule, Spec } from './spec-index.js';

/** The group prefix whose rules the bar applies to. */
const BAR_PREFIX = 'THR-';
/** Independent checks every rule needs. */
export const MIN_CHECKS = 2;

export interface RuleStrength {
  rule: Rule;
  cases: CaseHeader[];
  /** Cases plus one for a `Measured by:` benchmark. */
  checks: number;
  inThread: CaseHeader[];
  /** The `In-thread:` reason when an in-thread case does not apply. */
  inThreadNotApplicable?: string;
}

const textLine = (rule: Rule, key: string): string | undefined =>
  new RegExp(`^${key}:\\s*(.+)$`, 'm').exec(rule.text)?.[1]?.trim();

export function runsInThread(c: CaseHeader): boolean {
  return c.id.endsWith('.in-thread') || c.runInThread === true;
}

export function ruleStrength(rule: Rule, cases: readonly CaseHeader[]): RuleStrength {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const mine = new Map<string, CaseHeader>();
  for (const s of rule.scenarios) {
    for (const id of s.caseIds) {
      const c = byId.get(id);
      if (c) mine.set(id, c);
    }
  }
  for (const c of cases) if (c.spec.includes(rule.anchor)) mine.set(c.id, c);
  const list = [...mine.values()];
  return {
    rule,
    cases: list,
    checks: list.length + (textLine(rule, 'Measured by') ? 1 : 0),
    inThread: list.filter(runsInThread),
    inThreadNotApplicable: textLine(rule, 'In-thread'),
  };
}

export interface StrengthReport {
  /** Rules with fewer than MIN_CHECKS checks: a problem of `gene spec --check`. */
  belowBar: string[];
  /** Rules with no in-thread case and no `In-thread:` reason: reported, not (yet) a failure. */
  noInThread: string[];
}

/** One message per THR rule below the bar, with file:line. */
export function checkStrength(spec: Spec, cases: readonly CaseHeader[]): StrengthReport {
  const report: StrengthReport = { belowBar: [], noInThread: [] };
  for (const rule of spec.rules) {
    if (!rule.anchor.startsWith(BAR_PREFIX)) continue;
    const s = ruleStrength(rule, cases);
    const where = `${rule.file}:${rule.line}`;
    if (s.checks < MIN_CHECKS) {
      const have = s.cases.map((c) => c.id).join(', ') || 'none';
      report.belowBar.push(`${where}: rule ${rule.anchor} is checked by ${s.checks} case(s) (${have}); it needs ${MIN_CHECKS} independent ones`);
    }
    if (s.inThread.length === 0 && s.inThreadNotApplicable === undefined) {
      report.noInThread.push(`${where}: rule ${rule.anchor} has no case run inside a spawned thread (add one, or an "In-thread:" line saying why none applies)`);
    }
  }
  return report;
}
