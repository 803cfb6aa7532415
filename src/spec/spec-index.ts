// The executable spec: spec/**/*.md hold numbered rules with stable anchors (`LANG-OP.1`,
// `THR-POOL.2`), each with scenarios that name conformance cases; conformance/cases/**/*.gene
// name the rule they check in `## spec:`. This module reads both and checks that they agree.
//
// Spec file format (machine-parsed):
//   # GROUP: Title                      one group per file (e.g. `# LANG-OP: Operators`)
//   intro paragraphs
//   ## GROUP.n: Rule title              a rule; its text runs until `Scenarios:`
//   Scenarios:
//   - GROUP.n/a: description → case.id[, case.id…]

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface Scenario {
  /** `LANG-OP.1/a`. */
  anchor: string;
  /** The rule it belongs to: `LANG-OP.1`. */
  ruleAnchor: string;
  description: string;
  caseIds: string[];
  file: string;
  line: number;
}

export interface Rule {
  /** `LANG-OP.1`. */
  anchor: string;
  /** The group prefix: `LANG-OP`. */
  group: string;
  title: string;
  /** The normative text, without the heading and the scenario list. */
  text: string;
  /** Path relative to the package root, with `/` separators. */
  file: string;
  line: number;
  scenarios: Scenario[];
}

export interface SpecGroup {
  prefix: string;
  title: string;
  intro: string;
  file: string;
  line: number;
  rules: Rule[];
}

export interface Spec {
  root: string;
  groups: SpecGroup[];
  rules: Rule[];
  scenarios: Scenario[];
  /** Malformed lines found while reading (reported by checkSpec). */
  parseProblems: string[];
}

export interface CaseHeader {
  id: string;
  /** Anchors from every `## spec:` line (whitespace-separated). */
  spec: string[];
  description: string;
  features: string[];
  /** Expected uncaught error kind (`## error:`). */
  error?: string;
  /** `## run-in-thread: yes`: the case runs its checks inside a spawned thread. */
  runInThread?: boolean;
  /** `# Expected:` texts, prefix removed; undefined when there are none. */
  expected?: string[];
  /** Path relative to the package root, with `/` separators. */
  file: string;
  /** Line of the first `## spec:` (or 1). */
  line: number;
}

const GROUP_PREFIX = String.raw`[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*`;
const GROUP_HEADING = new RegExp(String.raw`^# (${GROUP_PREFIX}): (.+)$`);
const RULE_HEADING = new RegExp(String.raw`^## (${GROUP_PREFIX})\.(\d+): (.+)$`);
/** A `## ` heading that tries to be a rule but does not fit the format. */
const LOOKS_LIKE_RULE = new RegExp(String.raw`^## ${GROUP_PREFIX}\.`);
const SCENARIO_LINE = new RegExp(String.raw`^- (${GROUP_PREFIX}\.\d+)/([a-z][a-z0-9]*): (.*?)\s*(?:→|->)\s*(.*)$`);

const toPosix = (p: string): string => p.split(sep).join('/');

function listFiles(dir: string, suffix: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // a missing folder simply holds nothing
  }
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    // As the conformance runner: names starting with `.` or `_` are helpers (imported modules), not cases.
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    if (entry.isDirectory()) found.push(...listFiles(full, suffix));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found;
}

const trimBlankLines = (lines: string[]): string => lines.join('\n').replace(/^\s*\n/, '').trimEnd();

/** Parses one spec Markdown file. `file` is the path used in messages and results. */
export function parseSpecText(text: string, file: string): { groups: SpecGroup[]; problems: string[] } {
  const groups: SpecGroup[] = [];
  const problems: string[] = [];
  let group: SpecGroup | undefined;
  let rule: Rule | undefined;
  let body: string[] = []; // intro or rule text being collected
  let inScenarios = false;
  let inFence = false;

  // Text collected so far belongs to the current rule (or the group intro); once a rule's
  // scenario list has started its text is complete.
  const flush = (): void => {
    if (rule) {
      if (!inScenarios) rule.text = trimBlankLines(body);
    } else if (group) group.intro = trimBlankLines(body);
    body = [];
  };

  text.split(/\r?\n/).forEach((line, index) => {
    const lineNo = index + 1;
    const where = `${file}:${lineNo}`;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const groupMatch = inFence ? null : GROUP_HEADING.exec(line);
    const ruleMatch = inFence ? null : RULE_HEADING.exec(line);
    if (groupMatch) {
      flush();
      group = { prefix: groupMatch[1]!, title: groupMatch[2]!.trim(), intro: '', file, line: lineNo, rules: [] };
      groups.push(group);
      rule = undefined;
      inScenarios = false;
    } else if (ruleMatch) {
      flush();
      inScenarios = false;
      const anchor = `${ruleMatch[1]}.${ruleMatch[2]}`;
      if (!group) {
        problems.push(`${where}: rule ${anchor} comes before any "# GROUP: title" heading`);
        rule = undefined;
        return;
      }
      if (ruleMatch[1] !== group.prefix) problems.push(`${where}: rule ${anchor} is not in group ${group.prefix}`);
      rule = { anchor, group: group.prefix, title: ruleMatch[3]!.trim(), text: '', file, line: lineNo, scenarios: [] };
      group.rules.push(rule);
    } else if (!inFence && LOOKS_LIKE_RULE.test(line)) {
      problems.push(`${where}: malformed rule heading (want "## GROUP.n: Title"): ${line}`);
    } else if (!inFence && rule && line.trim() === 'Scenarios:') {
      flush();
      inScenarios = true;
    } else if (inScenarios && rule) {
      if (line.trim() === '') return;
      const m = SCENARIO_LINE.exec(line);
      if (!m) {
        problems.push(`${where}: malformed scenario line (want "- ${rule.anchor}/a: description → case.id"): ${line}`);
        return;
      }
      const anchor = `${m[1]}/${m[2]}`;
      if (m[1] !== rule.anchor) problems.push(`${where}: scenario ${anchor} is listed under rule ${rule.anchor}`);
      const caseIds = m[4]!
        .split(',')
        .map((id) => id.trim().replace(/^`|`$/g, ''))
        .filter((id) => id !== '');
      rule.scenarios.push({ anchor, ruleAnchor: rule.anchor, description: m[3]!.trim(), caseIds, file, line: lineNo });
    } else {
      body.push(line);
    }
  });
  flush();
  return { groups, problems };
}

/** Reads every spec/**\/*.md under `root` (the package root). Files without a group heading are skipped. */
export function loadSpec(root: string): Spec {
  const groups: SpecGroup[] = [];
  const parseProblems: string[] = [];
  for (const full of listFiles(join(root, 'spec'), '.md')) {
    const parsed = parseSpecText(readFileSync(full, 'utf8'), toPosix(relative(root, full)));
    groups.push(...parsed.groups);
    parseProblems.push(...parsed.problems);
  }
  const rules = groups.flatMap((g) => g.rules);
  return { root, groups, rules, scenarios: rules.flatMap((r) => r.scenarios), parseProblems };
}

/** Reads the metadata of one case file (lenient: the runner validates the rest). */
export function parseCaseHeader(text: string, file: string, defaultId: string): CaseHeader {
  const values = new Map<string, string[]>();
  let specLine: number | undefined;
  let expected: string[] | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const m = /^## ([a-z][a-z-]*):(.*)$/.exec(line);
    if (m) {
      const key = m[1]!;
      if (key === 'spec' && specLine === undefined) specLine = index + 1;
      values.set(key, [...(values.get(key) ?? []), m[2]!.trim()]);
    } else if (line.startsWith('# Expected:')) {
      (expected ??= []).push(line.slice('# Expected:'.length).replace(/^ /, ''));
    }
  });
  const words = (key: string): string[] => (values.get(key) ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean);
  return {
    id: values.get('id')?.[0] || defaultId,
    spec: words('spec'),
    description: (values.get('description') ?? []).join(' '),
    features: words('features'),
    error: values.get('error')?.[0] || undefined,
    runInThread: values.get('run-in-thread')?.[0] === 'yes' || undefined,
    expected,
    file,
    line: specLine ?? 1,
  };
}

/** Reads the headers of every conformance/cases/**\/*.gene under `root`. */
export function loadCaseHeaders(root: string): CaseHeader[] {
  const casesDir = join(root, 'conformance', 'cases');
  return listFiles(casesDir, '.gene').map((full) => {
    // Same default id as the runner: the path under conformance/cases without `.gene`.
    const defaultId = toPosix(relative(casesDir, full)).replace(/\.gene$/, '');
    return parseCaseHeader(readFileSync(full, 'utf8'), toPosix(relative(root, full)), defaultId);
  });
}

/**
 * Everything that makes spec and suite disagree, one message per problem:
 * malformed spec lines, duplicate groups/anchors/case ids, scenarios without cases or naming
 * missing cases, cases without `## spec:` or naming a missing anchor, and cases no scenario lists.
 */
export function checkSpec(spec: Spec, cases: readonly CaseHeader[]): string[] {
  const problems = [...spec.parseProblems];

  const firstGroup = new Map<string, SpecGroup>();
  for (const g of spec.groups) {
    const first = firstGroup.get(g.prefix);
    if (first) problems.push(`${g.file}:${g.line}: group ${g.prefix} is also defined in ${first.file}:${first.line}`);
    else firstGroup.set(g.prefix, g);
  }

  const anchors = new Map<string, string>(); // anchor → where it was first defined
  const define = (anchor: string, where: string): void => {
    const first = anchors.get(anchor);
    if (first) problems.push(`${where}: duplicate anchor ${anchor} (first at ${first})`);
    else anchors.set(anchor, where);
  };
  for (const rule of spec.rules) {
    define(rule.anchor, `${rule.file}:${rule.line}`);
    for (const s of rule.scenarios) define(s.anchor, `${s.file}:${s.line}`);
  }

  const caseById = new Map<string, CaseHeader>();
  for (const c of cases) {
    const first = caseById.get(c.id);
    if (first) problems.push(`${c.file}: duplicate case id ${c.id} (also ${first.file})`);
    else caseById.set(c.id, c);
  }

  const listed = new Set<string>();
  for (const s of spec.scenarios) {
    if (s.caseIds.length === 0) problems.push(`${s.file}:${s.line}: scenario ${s.anchor} has no case`);
    for (const id of s.caseIds) {
      listed.add(id);
      if (!caseById.has(id)) problems.push(`${s.file}:${s.line}: scenario ${s.anchor} names missing case ${id}`);
    }
  }

  for (const c of cases) {
    if (c.spec.length === 0) {
      problems.push(`${c.file}: case ${c.id} has no "## spec:" line`);
      continue;
    }
    for (const anchor of c.spec) {
      if (!anchors.has(anchor)) problems.push(`${c.file}:${c.line}: case ${c.id} names unknown spec anchor ${anchor}`);
    }
    if (!listed.has(c.id)) problems.push(`${c.file}:${c.line}: case ${c.id} is not listed by any scenario of ${c.spec.join(', ')}`);
  }
  return problems;
}
