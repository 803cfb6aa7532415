// --save-failed DIR: one stand-alone folder per failing case, enough to reproduce and report it
// without the suite: the case file, the exact command (run.sh), expected and actual output, the diff.

import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { shellJoin } from './shell-words.js';
import type { CaseResult, RunReport } from './results.js';
import { isFailing } from './results.js';

/** A folder name for a case id: safe on every file system, distinct for distinct ids in practice. */
export function reproFolderName(id: string): string {
  return id.replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '_');
}

function runScript(r: CaseResult): string {
  const c = r.case;
  const command = r.command ?? [];
  return [
    '#!/bin/sh',
    `# Reproduces conformance case ${c.id} (${c.file}).`,
    `# Expected exit status ${c.exitCode}${c.error ? ` and an uncaught ${c.error} error line` : ''}; this run: ${r.failure?.reason ?? r.reason ?? ''}.`,
    '# Host contract v2: cwd = a scratch copy of the case folder (this folder here), no stdin, GENE_CONFORMANCE=1, stdout and stderr merged.',
    'cd "$(dirname "$0")" || exit 2',
    `GENE_CONFORMANCE=1 exec ${shellJoin(command)} </dev/null 2>&1`,
    '',
  ].join('\n');
}

function withNewline(lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** Writes repro folders for the failing results; returns the folders written. */
export function saveFailed(report: RunReport, dir: string): string[] {
  const written: string[] = [];
  for (const r of report.results) {
    // Only runs that did not match their case; an unexpected pass has nothing to reproduce.
    if (!isFailing(r, report.allowUnexpectedPass) || r.status !== 'fail') continue;
    const folder = join(dir, reproFolderName(r.case.id));
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    copyFileSync(r.case.file, join(folder, basename(r.case.file)));
    const script = join(folder, 'run.sh');
    writeFileSync(script, runScript(r));
    chmodSync(script, 0o755);
    writeFileSync(join(folder, 'expected.txt'), withNewline(r.case.expected ?? []));
    writeFileSync(join(folder, 'actual.txt'), r.output ?? '');
    const f = r.failure;
    const header = [`case: ${r.case.id}`, `reason: ${r.reason ?? ''}`, `exit: ${r.signal ?? r.exitCode ?? 'none'} (expected ${r.case.exitCode})`];
    const diff = f && f.diff.length > 0 ? ['--- expected', '+++ actual', ...f.diff] : [];
    writeFileSync(join(folder, 'diff.txt'), withNewline([...header, ...diff]));
    written.push(folder);
  }
  return written;
}
