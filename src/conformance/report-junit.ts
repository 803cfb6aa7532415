// JUnit XML, the shape CI dashboards read: one <testsuite name="gene-conformance">, one
// <testcase> per case, <failure> or <skipped>. Everything is XML-escaped, and characters XML 1.0
// forbids (most control characters, lone surrogates) are dropped, since an implementation's
// output may contain anything.

import { displayPath } from './report-paths.js';
import { caseGroup, type CaseResult, type RunReport } from './results.js';

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

function clip(text: string): string {
  return text.length <= MAX_SYSTEM_OUT_CHARS ? text : `${text.slice(0, MAX_SYSTEM_OUT_CHARS)}\n… (output clipped)`;
}

function failureBody(r: CaseResult): string {
  const parts: string[] = [];
  if (r.command) parts.push(`command: ${r.command.join(' ')}`);
  if (r.failure && r.failure.diff.length > 0) parts.push(r.failure.diff.join('\n'));
  return parts.join('\n');
}

function testcase(r: CaseResult, allowUnexpectedPass: boolean): string[] {
  const attrs = `classname="${xmlAttr(caseGroup(r.case))}" name="${xmlAttr(r.case.id)}" file="${xmlAttr(displayPath(r.case.file))}" time="${seconds(r.durationMs)}"`;
  const inner: string[] = [];
  switch (r.status) {
    case 'fail':
      inner.push(`<failure message="${xmlAttr(r.reason ?? 'failed')}" type="fail">${xmlText(failureBody(r))}</failure>`);
      break;
    case 'unexpected-pass':
      if (!allowUnexpectedPass) {
        inner.push(`<failure message="${xmlAttr(`unexpected pass: ${r.reason ?? ''}`)}" type="unexpected-pass"/>`);
      }
      break;
    case 'skip':
      inner.push(`<skipped message="${xmlAttr(r.reason ?? '')}"/>`);
      break;
    case 'known-failure':
      inner.push(`<skipped message="${xmlAttr(`known failure: ${r.reason ?? ''} (${r.failure?.reason ?? 'failed'})`)}"/>`);
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
  const counts = `tests="${s.total}" failures="${s.failing}" errors="0" skipped="${s.skipped + s.knownFailures}" time="${seconds(s.durationMs)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gene-conformance" ${counts}>`,
    `  <testsuite name="gene-conformance" ${counts}>`,
    '    <properties>',
    `      <property name="impl" value="${xmlAttr(report.impl)}"/>`,
    '    </properties>',
  ];
  for (const r of report.results) lines.push(...testcase(r, report.allowUnexpectedPass));
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
