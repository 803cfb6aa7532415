// `gene conformance diff OLD.json NEW.json`: what changed between two runs, by case id (the idea of
// wpt.fyi's diff view). A regression is a case that passed in OLD and fails in NEW; the command
// exits 1 when there is one, so CI can gate on "nothing that passed broke".

import type { JsonCase, JsonReport } from './report-json.js';

type Outcome = 'passes' | 'fails' | 'skipped';

function outcome(c: JsonCase): Outcome {
  if (c.status === 'pass' || c.status === 'unexpected-pass') return 'passes';
  if (c.status === 'skip') return 'skipped';
  return 'fails';
}

/** `fail`, `timeout`, `crash` or `flaky`: how a failing case failed. */
function how(c: JsonCase): string {
  return c.status === 'flaky' ? 'flaky' : (c.failureType ?? 'fail');
}

export interface ReportDiff {
  regressions: string[];
  fixes: string[];
  /** Still failing, another way; or moved into or out of skip. */
  changed: string[];
  added: string[];
  removed: string[];
}

export function diffReports(oldReport: JsonReport, newReport: JsonReport): ReportDiff {
  const before = new Map(oldReport.cases.map((c) => [c.id, c]));
  const after = new Map(newReport.cases.map((c) => [c.id, c]));
  const diff: ReportDiff = { regressions: [], fixes: [], changed: [], added: [], removed: [] };
  for (const [id, n] of after) {
    const o = before.get(id);
    if (!o) {
      diff.added.push(`${id}  ${n.status}${outcome(n) === 'fails' ? ` (${how(n)})` : ''}`);
      continue;
    }
    const [a, b] = [outcome(o), outcome(n)];
    if (a === 'passes' && b === 'fails') diff.regressions.push(`${id}  passed → ${how(n)}: ${n.failure ?? n.reason ?? ''}`);
    else if (a === 'fails' && b === 'passes') diff.fixes.push(`${id}  ${how(o)} → passes`);
    else if (a === 'fails' && b === 'fails' && how(o) !== how(n)) diff.changed.push(`${id}  ${how(o)} → ${how(n)}: ${n.failure ?? n.reason ?? ''}`);
    else if (a !== b) diff.changed.push(`${id}  ${a} → ${b}${b === 'skipped' ? `: ${n.reason ?? ''}` : ''}`);
  }
  for (const id of before.keys()) if (!after.has(id)) diff.removed.push(id);
  return diff;
}

function metaLine(label: string, r: JsonReport): string {
  const m = r.meta;
  if (!m) return `${label}: ${r.impl} (no run metadata: report format ${r.version})`;
  return `${label}: ${m.impl} — ${m.implVersion}; suite ${m.suiteVersion} ${m.suiteCommit.slice(0, 12)}; ${m.startedAt}`;
}

export function formatDiff(diff: ReportDiff, oldReport: JsonReport, newReport: JsonReport): string {
  const lines = [metaLine('old', oldReport), metaLine('new', newReport), ''];
  const section = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`, ...items.map((i) => `  ${i}`), '');
  };
  section('Regressions', diff.regressions);
  section('Fixes', diff.fixes);
  section('Changed', diff.changed);
  section('New cases', diff.added);
  section('Removed cases', diff.removed);
  lines.push(
    `${diff.regressions.length} regressions, ${diff.fixes.length} fixes, ${diff.changed.length} changed, ${diff.added.length} new, ${diff.removed.length} removed`,
  );
  return lines.join('\n') + '\n';
}
