// TAP 14 (https://testanything.org/tap-version-14-specification.html): a version line, the plan,
// one test point per case, `# SKIP` for skipped cases, `# TODO` for known failures, and a YAML
// diagnostics block (indented 2 spaces between `  ---` and `  ...`) for cases that did not pass.

import { displayPath } from './report-paths.js';
import type { CaseResult, RunReport } from './results.js';
import { metaPairs } from './run-meta.js';

/**
 * Characters YAML 1.1 and 1.2 do not allow raw (outside their printable set), or that some
 * parsers take as line breaks: C0 controls but tab and newline, DEL, C1 controls (NEL included),
 * U+2028/2029, BOM, U+FFFE/FFFF, lone surrogates.
 */
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;
// Surrogate pairs are characters and stay; lone surrogates are replaced before escaping.
const UNPRINTABLE_ALL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A YAML double-quoted scalar: JSON's escapes (valid YAML) plus `\xNN`/`\uNNNN` for every
 * character JSON leaves raw that YAML forbids. A lone surrogate (not a character) becomes U+FFFD.
 */
export function yamlQuoted(text: string): string {
  const json = JSON.stringify(text.replace(LONE_SURROGATE, '\ufffd'));
  return json.replace(UNPRINTABLE_ALL, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/** A YAML scalar for `text` at the given indentation: a literal block when multi-line and safe, else double-quoted. */
export function yamlString(text: string, indent: string): string {
  const blockSafe =
    text.includes('\n') && !UNPRINTABLE.test(text) && !text.includes('\r') && !text.endsWith('\n') && !/^[ \t]/.test(text) && !text.startsWith('\n');
  if (!blockSafe) return yamlQuoted(text);
  return '|-\n' + text.split('\n').map((line) => (line === '' ? '' : `${indent}  ${line}`)).join('\n');
}

type YamlValue = string | number | boolean | null | readonly string[];

function yamlBlock(fields: ReadonlyArray<readonly [string, YamlValue | undefined]>): string[] {
  const lines = ['  ---'];
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    let rendered: string;
    if (typeof value === 'string') rendered = yamlString(value, '');
    else if (Array.isArray(value)) rendered = `[${value.map((v: string) => yamlQuoted(v)).join(', ')}]`;
    else rendered = String(value);
    // The whole YAML document is indented by 2 spaces inside the TAP stream.
    lines.push(...`${key}: ${rendered}`.split('\n').map((l) => (l === '' ? '' : `  ${l}`)));
  }
  lines.push('  ...');
  return lines;
}

/** A test point description may not contain an unescaped `#` (it would start a directive). */
export function tapDescription(text: string): string {
  return oneLine(text.replace(/\\/g, '\\\\').replace(/#/g, '\\#'));
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(UNPRINTABLE_ALL, '?').replace(LONE_SURROGATE, '\ufffd');
}

/** The run metadata as TAP comment lines (`# gene-conformance suiteCommit: …`). */
function metaComments(report: RunReport): string[] {
  if (!report.meta) return [];
  return metaPairs(report.meta).map(([name, value]) => `# gene-conformance ${name}: ${oneLine(value)}`);
}

function diagnostics(r: CaseResult, message: string): string[] {
  const f = r.failure;
  return yamlBlock([
    ['message', message],
    ['severity', r.status === 'known-failure' ? 'todo' : 'fail'],
    ['failureType', r.failure?.type],
    ['attempts', r.attempts],
    ['file', displayPath(r.case.file)],
    ['spec', r.case.spec.length > 0 ? r.case.spec : undefined],
    ['exitCode', r.exitCode === undefined ? undefined : r.exitCode],
    ['signal', r.signal ?? undefined],
    ['diff', f && f.diff.length > 0 ? f.diff.join('\n') : undefined],
    ['expected', f?.expectedLines ? f.expectedLines.join('\n') : undefined],
    ['actual', f ? f.actualLines.join('\n') : undefined],
  ]);
}

export function tapReport(report: RunReport): string {
  const lines = ['TAP version 14', ...metaComments(report), `1..${report.results.length}`];
  report.results.forEach((r, i) => {
    const point = `${i + 1} - ${tapDescription(r.case.id)}`;
    switch (r.status) {
      case 'pass':
        lines.push(`ok ${point}`);
        break;
      case 'skip':
        lines.push(`ok ${point} # SKIP ${oneLine(r.reason ?? '')}`);
        break;
      case 'known-failure':
        lines.push(`not ok ${point} # TODO ${oneLine(r.reason ?? 'known failure')}`);
        lines.push(...diagnostics(r, r.failure?.reason ?? 'failed'));
        break;
      case 'unexpected-pass':
        if (report.allowUnexpectedPass) lines.push(`ok ${point} # TODO ${oneLine(r.reason ?? '')}`);
        else {
          lines.push(`not ok ${point}`);
          lines.push(...diagnostics(r, `unexpected pass: ${r.reason ?? ''}`));
        }
        break;
      case 'flaky':
      case 'fail':
        lines.push(`not ok ${point}`);
        lines.push(...diagnostics(r, r.reason ?? 'failed'));
        break;
    }
  });
  return lines.join('\n') + '\n';
}
