// JUnit XML, the shape CI dashboards read, valid against the Jenkins junit XSD (junit-4.xsd): one
// <testsuite name="gene-conformance">, one <testcase> per case, <error> for crashes and timeouts,
// <failure> for wrong results, <skipped> for skips and known failures, the run metadata as
// <properties>. Everything is XML-escaped, and characters XML 1.0
// forbids (most control characters, lone surrogates) are dropped, since an implementation's
// output may contain anything.

import { displayPath } from './report-paths.js';
import { caseGroup, type CaseResult, type RunReport } from './results.js';
import { metaPairs } from './run-meta.js';

/** Characters outside XML 1.0's Char production. */
const INVALID_XML_CHARS = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Per-case output kept in <system-out>; the JSON report and --save-failed keep everything. */
const MAX_SYSTEM_OUT_CHARS = 64 * 1024;

export function xmlText(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(text: string): string {
  // Newlines and tabs become references so attribute normalisation does not turn them into spaces.
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Every text node and attribute is clipped: a 270 KB output must not land whole in a CI page. */
export function clip(text: string, max: number = MAX_SYSTEM_OUT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… (clipped: ${text.length - max} more characters; the JSON report and --save-failed keep everything)`;
}

const MAX_ATTR_CHARS = 2048;
const attr = (text: string): string => xmlAttr(clip(text, MAX_ATTR_CHARS));

function failureBody(r: CaseResult): string {
  const parts: string[] = [`file: ${displayPath(r.case.file)}`];
  if (r.command) parts.push(`command: ${r.command.join(' ')}`);
  if (r.attempts) parts.push(`runs: ${r.attempts.join(', ')}`);
  if (r.failure && r.failure.diff.length > 0) parts.push(r.failure.diff.join('\n'));
  return parts.join('\n');
}

/** Crashes and timeouts are <error> (the implementation broke); wrong results are <failure>. */
function isError(r: CaseResult): boolean {
  return r.failure?.type === 'crash' || r.failure?.type === 'timeout';
}

function testcase(r: CaseResult, allowUnexpectedPass: boolean): string[] {
  // The Jenkins junit XSD allows name, classname, time (and assertions, status) on <testcase>.
  const attrs = `name="${attr(r.case.id)}" classname="${attr(caseGroup(r.case))}" time="${seconds(r.durationMs)}"`;
  const inner: string[] = [];
  const how = r.failure ? ` (${r.failure.type})` : '';
  switch (r.status) {
    case 'fail':
    case 'flaky': {
      const element = r.status === 'fail' && isError(r) ? 'error' : 'failure';
      const type = r.status === 'flaky' ? 'flaky' : (r.failure?.type ?? 'fail');
      inner.push(`<${element} message="${attr(r.reason ?? 'failed')}" type="${type}">${xmlText(clip(failureBody(r)))}</${element}>`);
      break;
    }
    case 'unexpected-pass':
      if (!allowUnexpectedPass) inner.push(`<failure message="${attr(`unexpected pass: ${r.reason ?? ''}`)}" type="unexpected-pass"/>`);
      break;
    case 'skip':
      inner.push(`<skipped>${xmlText(clip(r.reason ?? '', MAX_ATTR_CHARS))}</skipped>`);
      break;
    case 'known-failure':
      inner.push(`<skipped>${xmlText(clip(`known failure${how}: ${r.reason ?? ''} (${r.failure?.reason ?? 'failed'})`, MAX_ATTR_CHARS))}</skipped>`);
      break;
    case 'pass':
      break;
  }
  if (r.output && r.status !== 'pass' && r.status !== 'skip') {
    inner.push(`<system-out>${xmlText(clip(r.output))}</system-out>`);
  }
  if (inner.length === 0) return [`    <testcase ${attrs}/>`];
  return [`    <testcase ${attrs}>`, ...inner.map((l) => `      ${l}`), '    </testcase>'];
}

export function junitReport(report: RunReport): string {
  const s = report.summary;
  const errors = report.results.filter((r) => r.status === 'fail' && isError(r)).length;
  const failures = s.failing - errors;
  const counts = `tests="${s.total}" failures="${failures}" errors="${errors}" time="${seconds(s.durationMs)}"`;
  const properties = report.meta ? metaPairs(report.meta) : [['impl', report.impl] as [string, string]];
  const timestamp = report.meta ? ` timestamp="${attr(report.meta.startedAt)}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // <testsuites> takes no skipped attribute in the Jenkins junit XSD; <testsuite> does.
    `<testsuites name="gene-conformance" ${counts}>`,
    `  <testsuite name="gene-conformance" ${counts} skipped="${s.skipped + s.knownFailures}"${timestamp}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`),
    '    </properties>',
  ];
  for (const r of report.results) lines.push(...testcase(r, report.allowUnexpectedPass));
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
