// `gene conformance merge A.json B.json … -o all.json`: one report from the shards of one run
// (--shard i/N on several CI machines). The shards must come from the same suite, implementation
// and host contract; a case in two shards is an error, never silently kept twice.

import { UsageError } from './errors.js';
import { jsonReportObject, type JsonReport } from './report-json.js';
import { reportFromJson } from './report-read.js';

function same(reports: readonly { file: string; json: JsonReport }[], what: string, value: (r: JsonReport) => string | undefined): void {
  const first = value(reports[0]!.json);
  for (const r of reports.slice(1)) {
    if (value(r.json) !== first) {
      throw new UsageError(`cannot merge: ${r.file} has ${what} "${value(r.json)}", ${reports[0]!.file} has "${first}"`);
    }
  }
}

export function mergeReports(reports: readonly { file: string; json: JsonReport }[]): JsonReport {
  if (reports.length === 0) throw new UsageError('merge needs at least one report');
  same(reports, 'host contract', (r) => String(r.hostContract));
  same(reports, 'implementation', (r) => r.meta?.impl ?? r.impl);
  same(reports, 'suite commit', (r) => r.meta?.suiteCommit);
  const seen = new Map<string, string>();
  for (const r of reports) {
    for (const c of r.json.cases) {
      const other = seen.get(c.id);
      if (other !== undefined) throw new UsageError(`cannot merge: case "${c.id}" is in both ${other} and ${r.file}`);
      seen.set(c.id, r.file);
    }
  }
  const cases = reports.flatMap((r) => r.json.cases).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const first = reports[0]!.json;
  const metas = reports.map((r) => r.json.meta).filter((m) => m !== undefined);
  const merged: JsonReport = {
    ...first,
    cases,
    summary: { ...first.summary, durationMs: reports.reduce((sum, r) => sum + (r.json.summary?.durationMs ?? 0), 0) },
  };
  if (metas.length > 0) {
    merged.meta = {
      ...metas[0]!,
      startedAt: metas.map((m) => m.startedAt).sort()[0]!,
      endedAt: metas.map((m) => m.endedAt).sort().reverse()[0]!,
      mergedFrom: reports.length,
    };
  }
  // Recount from the merged cases, with the reporter's own rules.
  const report = reportFromJson(merged);
  report.summary.durationMs = merged.summary.durationMs;
  return jsonReportObject(report);
}
