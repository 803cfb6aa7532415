// `gene spec QUERY`: find rules by anchor, anchor prefix, case id or words, and print them with
// their scenarios and case files — the reference-behaviour lookup.

import type { CaseHeader, Rule, Spec } from './spec-index.js';

/** Rules whose anchor is `prefix` or starts with it at a `-`/`.` boundary (`THR` → `THR-POOL.2`). */
function rulesByAnchorPrefix(spec: Spec, query: string): Rule[] {
  const q = query.toUpperCase();
  return spec.rules.filter((r) => r.anchor === q || r.anchor.startsWith(`${q}-`) || r.anchor.startsWith(`${q}.`));
}

/** Rules that list a case, or that the case names in `## spec:`. */
function rulesForCase(spec: Spec, c: CaseHeader): Rule[] {
  const ruleAnchors = new Set(c.spec.map((a) => a.split('/')[0]!));
  return spec.rules.filter((r) => ruleAnchors.has(r.anchor) || r.scenarios.some((s) => s.caseIds.includes(c.id)));
}

const countOccurrences = (haystack: string, word: string): number => {
  let n = 0;
  for (let at = haystack.indexOf(word); at !== -1; at = haystack.indexOf(word, at + word.length)) n++;
  return n;
};

/** Word search: every word must occur somewhere in the rule; hits in anchor and title weigh most. */
function rulesByWords(spec: Spec, cases: readonly CaseHeader[], words: string[]): Rule[] {
  const casesByRule = new Map<string, CaseHeader[]>();
  for (const c of cases) {
    for (const anchor of c.spec) {
      const ruleAnchor = anchor.split('/')[0]!;
      casesByRule.set(ruleAnchor, [...(casesByRule.get(ruleAnchor) ?? []), c]);
    }
  }
  const scored: { rule: Rule; score: number; order: number }[] = [];
  spec.rules.forEach((rule, order) => {
    const head = `${rule.anchor} ${rule.title}`.toLowerCase();
    const scenarios = rule.scenarios.map((s) => `${s.anchor} ${s.description} ${s.caseIds.join(' ')}`).join('\n').toLowerCase();
    const caseText = (casesByRule.get(rule.anchor) ?? []).map((c) => `${c.id} ${c.description}`).join('\n').toLowerCase();
    const text = rule.text.toLowerCase();
    let score = 0;
    for (const word of words) {
      const hits = [countOccurrences(head, word), countOccurrences(scenarios, word), countOccurrences(caseText, word), countOccurrences(text, word)];
      if (hits.every((h) => h === 0)) return;
      score += 10 * hits[0]! + 3 * hits[1]! + 2 * hits[2]! + Math.min(hits[3]!, 5);
    }
    scored.push({ rule, score, order });
  });
  return scored.sort((a, b) => b.score - a.score || a.order - b.order).map((s) => s.rule);
}

/**
 * Finds rules for a query, trying in turn: an exact rule or scenario anchor, an anchor prefix
 * (`THR-POOL`, `LANG`), a case id, and finally words (all must match; best first).
 */
export function searchSpec(spec: Spec, cases: readonly CaseHeader[], query: string): Rule[] {
  const q = query.trim();
  if (q === '') return [];
  const ruleAnchor = q.split('/')[0]!.toUpperCase();
  const exact = spec.rules.find((r) => r.anchor === ruleAnchor);
  if (exact) return [exact];
  if (!/\s/.test(q)) {
    const byPrefix = rulesByAnchorPrefix(spec, q);
    if (byPrefix.length > 0) return byPrefix;
    const c = cases.find((k) => k.id === q);
    if (c) return rulesForCase(spec, c);
  }
  return rulesByWords(spec, cases, q.toLowerCase().split(/\s+/).filter(Boolean));
}

export interface FormatOptions {
  /** Show each case's `# Expected:` lines under it. */
  expected?: boolean;
}

const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((l) => (l.trim() === '' ? '' : by + l))
    .join('\n');

/** A rule for the terminal: heading, source, text, scenarios with their case files. */
export function formatRule(rule: Rule, cases: readonly CaseHeader[], options: FormatOptions = {}): string {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const out: string[] = [`${rule.anchor}: ${rule.title}`, `  (${rule.file}:${rule.line})`, ''];
  if (rule.text) out.push(indent(rule.text, '  '), '');

  const listed = new Set<string>();
  const caseLines = (id: string): string[] => {
    listed.add(id);
    const c = byId.get(id);
    if (!c) return [`      ${id}  (missing: no case file has this id)`];
    const lines = [`      ${id}  ${c.file}${c.error ? `  (ends with ${c.error})` : ''}`];
    if (options.expected && c.expected) lines.push(...c.expected.map((e) => `          | ${e}`));
    return lines;
  };

  if (rule.scenarios.length === 0) out.push('  Scenarios: none');
  else {
    out.push('  Scenarios:');
    for (const s of rule.scenarios) {
      out.push(`    ${s.anchor}  ${s.description}`);
      if (s.caseIds.length === 0) out.push('      (no case)');
      for (const id of s.caseIds) out.push(...caseLines(id));
    }
  }

  // Cases that name this rule but that no scenario lists (checkSpec reports them too).
  const unlisted = cases.filter((c) => !listed.has(c.id) && c.spec.some((a) => a.split('/')[0] === rule.anchor));
  if (unlisted.length > 0) {
    out.push('  Other cases naming this rule:');
    for (const c of unlisted) out.push(...caseLines(c.id));
  }
  return out.join('\n');
}
