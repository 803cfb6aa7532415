// The conformance runner: unit tests of its parts, and end-to-end runs against a fake
// implementation (test/fixtures/fake-impl/fake-gene.mjs) whose fixture cases pass, fail, hang,
// crash, are skipped, are known failures or pass unexpectedly.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCaseText, type ConformanceCase } from '../src/conformance/case-file.js';
import { cli } from './conformance-cli.js';
import { diffLines, normalizeActual, normalizeExpected } from '../src/conformance/compare.js';
import { expectationFor, parseExpectations, unusedExpectations } from '../src/conformance/expectations.js';
import type { RunOutcome } from '../src/conformance/exec.js';
import { parseFeatureRegistry } from '../src/conformance/features.js';
import { judgeRun } from '../src/conformance/judge.js';
import { loadLimits, parseRequires, unmetRequirement } from '../src/conformance/limits.js';
import { humanReport } from '../src/conformance/report-human.js';
import { jsonReportObject } from '../src/conformance/report-json.js';
import { junitReport, xmlText } from '../src/conformance/report-junit.js';
import { packageDefaults } from '../src/conformance/package-root.js';
import { tapReport } from '../src/conformance/report-tap.js';
import { summarize, type CaseResult, type RunReport } from '../src/conformance/results.js';
import { splitShellWords } from '../src/conformance/shell-words.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAKE = join(ROOT, 'test/fixtures/fake-impl');
const FAKE_IMPL = `"${process.execPath}" "${join(FAKE, 'fake-gene.mjs')}"`;
const scratch = mkdtempSync(join(tmpdir(), 'conformance-runner-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function caseOf(text: string, relPath = 'dir/t.gene'): ConformanceCase {
  return parseCaseText(text, `/suite/${relPath}`, relPath);
}

function outcome(partial: Partial<RunOutcome>): RunOutcome {
  return { exitCode: 0, signal: null, timedOut: false, outputTooLarge: false, output: '', durationMs: 5, ...partial };
}

const judge = (c: ConformanceCase, o: Partial<RunOutcome>) => judgeRun(c, outcome(o), { timeoutMs: 10_000, maxOutputBytes: 100 });

describe('case files', () => {
  it('parses a full header and the upstream lines', () => {
    const c = caseOf(
      [
        '## id: thr.pool.lowest-free-slot',
        '## spec: THR-POOL.2 THR-POOL.3',
        '## description: a spawn takes',
        '## description: the lowest free slot',
        '## features: threads pool',
        '## timeout: long',
        '## error: ThreadPoolExhausted',
        '## requires: max_threads>=4',
        '## run-in-thread: yes',
        '# Args: --max-threads 3',
        '(println 1)',
        '# Expected: 1',
        '# Args: --x "a b"',
        '# Expected:',
      ].join('\n'),
    );
    expect(c).toMatchObject({
      id: 'thr.pool.lowest-free-slot',
      spec: ['THR-POOL.2', 'THR-POOL.3'],
      description: 'a spawn takes the lowest free slot',
      features: ['threads', 'pool'],
      featuresLine: 5,
      timeout: 'long',
      error: 'ThreadPoolExhausted',
      runInThread: true,
      args: ['--max-threads', '3', '--x', 'a b'],
      exitCode: 1,
      expected: ['1', ''],
      hasHeader: true,
    });
    expect(c.requires).toEqual([{ kind: 'compare', name: 'max_threads', op: '>=', value: 4, text: 'max_threads>=4' }]);
  });

  it('gives a plain upstream file its defaults', () => {
    const c = caseOf('# Expected: 3\n# ExitCode: 2\n(println 3)\n', 'a/b/plain.gene');
    expect(c).toMatchObject({ id: 'a/b/plain', timeout: 'short', features: [], exitCode: 2, expected: ['3'], hasHeader: false });
    expect(caseOf('(println 3)').expected).toBeUndefined();
  });

  it.each([
    ['## feature: core', /t\.gene:1: unknown metadata key "feature"/],
    ['## id: a\n## id: b', /t\.gene:2: "## id:" given twice/],
    ['## timeout: medium', /must be short or long/],
    ['## error: not a kind', /wants one error kind/],
    ['# ExitCode: x', /t\.gene:1: "# ExitCode:" wants an integer/],
    ['## requires: max_threads=>4', /bad "## requires:"/],
    ['## just words', /malformed metadata line/],
    ['## id: has space', /must be non-empty, without spaces/],
  ])('rejects %j naming the file', (text, message) => {
    expect(() => caseOf(text)).toThrow(message);
  });

  it('splits words like a shell', () => {
    expect(splitShellWords(` node  "/a b/gene.js" 'x y' a\\ b "q\\"q" ''`)).toEqual(['node', '/a b/gene.js', 'x y', 'a b', 'q"q', '']);
    expect(() => splitShellWords('"open')).toThrow(/unterminated/);
  });
});

describe('output comparison and judging', () => {
  it('drops blank lines and compares whitespace-insensitively', () => {
    expect(normalizeExpected(['  a   b ', '', '   ', 'c'])).toEqual(['a b', 'c']);
    expect(normalizeActual(['a\tb', '', 'Warning: x Type error: y', 'c  '])).toEqual(['a b', 'c']);
    expect(normalizeExpected(['[1 2]'])).not.toEqual(normalizeActual(['[12]']));
  });

  it('shows a unified-ish diff with context', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'b', 'c'])).toEqual([]);
    expect(diffLines(['1', '2', '3', '4', '5', '6'], ['1', '2', '3', '4', 'X', '6'], { context: 1 })).toEqual(['@@', ' 4', '-5', '+X', ' 6']);
    expect(diffLines(['a'], ['b', 'c', 'd'], { maxLines: 2 })).toEqual(['-a', '+b', '… (2 more diff lines)']);
  });

  it('checks exit status, signals and timeouts first', () => {
    const c = caseOf('# Expected: hi');
    expect(judge(c, { output: 'hi\n' })).toBeUndefined();
    expect(judge(c, { output: 'hi\n', exitCode: 1 })?.reason).toBe('exit code 1, expected 0');
    expect(judge(c, { output: 'hi\n', exitCode: 139 })?.reason).toMatch(/^crashed \(exit code 139\)/);
    expect(judge(c, { output: 'hi\n', exitCode: null, signal: 'SIGSEGV' })?.reason).toBe('crashed (SIGSEGV)');
    expect(judge(c, { exitCode: null, signal: 'SIGKILL', timedOut: true })?.reason).toBe('timeout (10 s, class short)');
    expect(judge(c, { output: 'bye\n' })).toMatchObject({ reason: 'output differs', diff: ['-hi', '+bye'] });
    expect(judge(caseOf('x'), { output: 'anything\n' })).toBeUndefined();
  });

  it('finds the uncaught-error line and leaves it out of the comparison', () => {
    const c = caseOf('## error: TypeError\n# Expected: before');
    expect(judge(c, { exitCode: 1, output: 'before\nError: TypeError at t.gene:2:10: cannot add\n' })).toBeUndefined();
    expect(judge(c, { exitCode: 1, output: 'before\n  Error:   TypeError: no location\n' })).toBeUndefined();
    expect(judge(c, { exitCode: 0, output: 'before\nError: TypeError: x\n' })?.reason).toBe('exit code 0, expected 1');
    expect(judge(c, { exitCode: 1, output: 'before\nError: TypeErrors: x\n' })?.reason).toMatch(/no uncaught-error line for TypeError \(got/);
    expect(judge(c, { exitCode: 1, output: 'Error: TypeError: x\n' })?.reason).toBe('output differs');
    const thrown = caseOf('## error: GeneException');
    expect(judge(thrown, { exitCode: 1, output: 'Error: Gene exception at t.gene:1:1: "boom"\n' })).toBeUndefined();
  });
});

describe('expectations, limits and features', () => {
  const expectations = parseExpectations('# c\nskip a.b  no threads here\nfail a.*  broken\n\nfail a.c exact wins\n', 'exp.txt');

  it('parses entries and matches ids, exact before patterns', () => {
    expect(expectationFor(expectations, 'a.b')).toMatchObject({ kind: 'skip', reason: 'no threads here', line: 2 });
    expect(expectationFor(expectations, 'a.c')).toMatchObject({ kind: 'fail', reason: 'exact wins' });
    expect(expectationFor(expectations, 'a.zz')).toMatchObject({ kind: 'fail', pattern: 'a.*' });
    expect(expectationFor(expectations, 'b')).toBeUndefined();
    expect(unusedExpectations(expectations, ['a.b']).map((e) => e.pattern)).toEqual(['a.c']);
  });

  it.each([
    ['skip a.b', /exp\.txt:1: "skip a.b" needs a reason/],
    ['todo a.b why', /unknown expectation "todo"/],
    ['skip a x\nfail a y', /exp\.txt:2: "a" already has an expectation/],
  ])('rejects %j', (text, message) => {
    expect(() => parseExpectations(text, 'exp.txt')).toThrow(message);
  });

  it('checks requirements against the declared limits', () => {
    const limits = { max_threads: 64, channel_capacity: 1000, thread_memory: false };
    expect(unmetRequirement(parseRequires('max_threads>=4, channel_capacity>10'), limits)).toBeUndefined();
    expect(unmetRequirement(parseRequires('max_threads>=100'), limits)).toBe('requires max_threads>=100, but the host declares max_threads=64');
    expect(unmetRequirement(parseRequires('max_call_depth<=5'), limits)).toMatch(/declares no max_call_depth/);
    expect(unmetRequirement(parseRequires('thread_memory'), limits)).toMatch(/declares thread_memory=false/);
    expect(() => parseRequires('x>=y')).toThrow();
  });

  it("declares gene-ref's limits and registers the required feature tags", () => {
    expect(loadLimits(join(ROOT, 'conformance/limits.json'), { optional: false })).toMatchObject({ max_threads: 64 });
    expect(packageDefaults()).toMatchObject({ cases: join(ROOT, 'conformance/cases'), implText: `node ${join(ROOT, 'bin/gene.js')}` });
    const registry = parseFeatureRegistry(readFileSync(join(ROOT, 'conformance/features.txt'), 'utf8'), 'features.txt');
    const required = 'core strings maps arrays paths exceptions async threads messaging pool limits io errors'.split(' ');
    expect([...registry.tags.keys()].slice(0, required.length)).toEqual(required);
    for (const description of registry.tags.values()) expect(description).not.toBe('');
    expect(() => parseFeatureRegistry('core a\ncore b', 'f.txt')).toThrow(/f\.txt:2: feature tag "core" listed twice/);
  });

  it('documents every error kind in the host contract', () => {
    const source = readFileSync(join(ROOT, 'src/values/errors.ts'), 'utf8');
    const table = source.slice(source.indexOf('ERROR_KINDS = {'), source.indexOf('} as const'));
    const kinds = [...table.matchAll(/^\s+(\w+): /gm)].map((m) => m[1]);
    const contract = readFileSync(join(ROOT, 'conformance/HOST-CONTRACT.md'), 'utf8');
    expect(contract).toMatch(/^# Host contract v2/);
    expect(kinds.length).toBeGreaterThan(10);
    for (const kind of kinds) expect(contract).toContain(`| \`${kind}\` |`);
  });
});

describe('reporters', () => {
  const base = caseOf('## features: threads\n# Expected: a', 'grp/x.gene');
  const mk = (id: string, r: Omit<CaseResult, 'case'>): CaseResult => ({ ...r, case: { ...base, id } });
  const failure = { type: 'fail' as const, reason: 'output differs', expectedLines: ['a'], actualLines: ['<b> & "c"\x01'], diff: ['-a', '+<b> & "c"\x01'] };
  const results: CaseResult[] = [
    mk('p.ok', { status: 'pass', durationMs: 3 }),
    mk('p.fail#1', { status: 'fail', durationMs: 4, reason: 'output differs', failure, exitCode: 0, output: '<b> & "c"\x01\n' }),
    mk('p.skip', { status: 'skip', durationMs: 0, reason: 'no threads' }),
    mk('p.known', { status: 'known-failure', durationMs: 2, reason: 'issue 12', failure, exitCode: 0 }),
    mk('p.unexpected', { status: 'unexpected-pass', durationMs: 2, reason: 'expected to fail (x), but passed' }),
  ];
  const report = (allow = false): RunReport => ({ impl: 'gene & co', results, summary: summarize(results, 1234, allow), allowUnexpectedPass: allow });

  it('writes TAP 14', () => {
    const lines = tapReport(report()).trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['TAP version 14', '1..5', 'ok 1 - p.ok']);
    expect(lines).toContain('not ok 2 - p.fail\\#1');
    expect(lines).toContain('ok 3 - p.skip # SKIP no threads');
    expect(lines).toContain('not ok 4 - p.known # TODO issue 12');
    expect(lines).toContain('not ok 5 - p.unexpected');
    // Every line is a version, plan or test point line, or part of a YAML block indented by 2.
    let inYaml = false;
    for (const line of lines.slice(2)) {
      if (line === '  ---') inYaml = true;
      else if (line === '  ...') inYaml = false;
      else if (inYaml) expect(line === '' || line.startsWith('  ')).toBe(true);
      else expect(line).toMatch(/^(not )?ok \d+ - /);
    }
    expect(inYaml).toBe(false);
    expect(tapReport(report(true))).toContain('ok 5 - p.unexpected # TODO expected to fail');
  });

  it('writes well-formed, escaped JUnit XML', () => {
    const xml = junitReport(report());
    expectWellFormedXml(xml);
    expect(xml).toMatch(/<testsuite name="gene-conformance" tests="5" failures="2" errors="0" time="1\.234" skipped="2">/);
    expect(xml).toContain('<testcase name="p.fail#1" classname="threads"');
    expect(xml).toContain('&lt;b&gt; &amp; "c"');
    expect(xml).not.toContain('\x01');
    expect(xml).toContain('<skipped>no threads</skipped>');
    expect(xml).toContain('value="gene &amp; co"');
    expect(xmlText('a\x00\x1bb\ud800c')).toBe('abc');
  });

  it('writes the JSON report', () => {
    const json = jsonReportObject(report());
    expect(json).toMatchObject({ version: 2, hostContract: 2, impl: 'gene & co', ok: false });
    expect(json.cases[1]!.failureType).toBe('fail');
    expect(json.summary).toMatchObject({ passed: 1, failed: 1, skipped: 1, knownFailures: 1, unexpectedPasses: 1 });
    expect(json.cases[1]).toMatchObject({ id: 'p.fail#1', status: 'fail', spec: [], features: ['threads'], expected: ['a'], exitCode: 0 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('ends the human report with the summary line', () => {
    const text = humanReport(report());
    expect(text).toContain('FAIL p.fail#1: output differs');
    expect(text).toContain('    -a\n');
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 passed, 2 failed, 1 skipped');
    expect(humanReport(report(true)).trimEnd().split('\n').at(-1)).toBe('2 passed, 1 failed, 1 skipped');
  });
});

/** A small XML well-formedness check: balanced tags, quoted attributes, escaped text, valid chars. */
function expectWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(xml).not.toMatch(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd]/u);
  const token = /<\/([\w.-]+)\s*>|<([\w.-]+)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const stack: string[] = [];
  let pos = xml.indexOf('?>') + 2;
  let roots = 0;
  while (pos < xml.length) {
    token.lastIndex = pos;
    const m = token.exec(xml);
    if (!m) throw new Error(`not well-formed at ${pos}: ${xml.slice(pos, pos + 40)}`);
    const [, close, open, attrs, selfClose, text] = m;
    const escapes = (s: string) => expect(s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '')).not.toContain('&');
    if (close) expect(stack.pop()).toBe(close);
    else if (open) {
      if (stack.length === 0) roots++;
      escapes(attrs ?? '');
      if (!selfClose) stack.push(open);
    } else {
      escapes(text!);
      if (stack.length === 0) expect(text!.trim()).toBe('');
    }
    pos = token.lastIndex;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

describe('end to end against the fake implementation', () => {
  const suite = join(FAKE, 'cases');
  const common = ['--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--expectations', join(FAKE, 'expectations.txt')];

  it('runs every kind of case and saves repro folders for failures', async () => {
    const reportFile = join(scratch, 'all.json');
    const saved = join(scratch, 'saved');
    const run = await cli(suite, ...common, '--jobs', '4', '--reporter', 'json', '--output', reportFile, '--save-failed', saved);
    expect(run.stderr).toContain('7 passed, 5 failed, 2 skipped');
    expect(run.status).toBe(1);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    const status = Object.fromEntries(report.cases.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect(status).toEqual({
      'expect/known-failure': 'known-failure',
      'expect/skipped': 'skip',
      'expect/unexpected-pass': 'unexpected-pass',
      'fail/crash': 'fail',
      'fail/exit': 'fail',
      'fail/output': 'fail',
      'fail/wrong-error': 'fail',
      'limits/needs-few-threads': 'pass',
      'limits/needs-many-threads': 'skip',
      'pass/args': 'pass',
      'pass/error': 'pass',
      'pass/error-noloc': 'pass',
      'pass/exit-code': 'pass',
      'fake.pass.print': 'pass',
      'upstream/plain': 'pass',
    });
    const byId = (id: string) => report.cases.find((c: { id: string }) => c.id === id);
    expect(byId('fail/crash')).toMatchObject({ reason: 'crashed (SIGSEGV)', signal: 'SIGSEGV' });
    expect(byId('fail/exit').reason).toBe('exit code 1, expected 0');
    expect(byId('limits/needs-many-threads').reason).toMatch(/max_threads>=1000/);
    expect(byId('fake.pass.print')).toMatchObject({ spec: ['FAKE.1', 'FAKE.2'], features: ['core', 'io'] });

    // --save-failed: the four failing cases, each a stand-alone folder.
    const folder = join(saved, 'fail__output');
    for (const name of ['fail__crash', 'fail__exit', 'fail__output', 'fail__wrong-error']) expect(existsSync(join(saved, name))).toBe(true);
    expect(existsSync(join(saved, 'expect__unexpected-pass'))).toBe(false);
    expect(readFileSync(join(folder, 'output.gene'), 'utf8')).toContain(';fake: print goodbye');
    expect(readFileSync(join(folder, 'expected.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(folder, 'actual.txt'), 'utf8')).toBe('goodbye\n');
    expect(readFileSync(join(folder, 'diff.txt'), 'utf8')).toContain('-hello\n+goodbye\n');
    const script = readFileSync(join(folder, 'run.sh'), 'utf8');
    expect(script).toContain(`GENE_CONFORMANCE=1 exec ${process.execPath} ${join(FAKE, 'fake-gene.mjs')} run output.gene`);
  });

  it('exits 0 when nothing fails, and honours --allow-unexpected-pass', async () => {
    const passing = await cli(suite, ...common, '--filter', 'pass/', '--filter', 'fake.pass', '--filter', 'upstream', '--reporter', 'tap');
    expect(passing.status).toBe(0);
    expect(passing.stdout).toMatch(/^TAP version 14\n(# gene-conformance .*\n)+1\.\.6\n/);
    expect(passing.stdout).toContain('# gene-conformance implVersion: fake-gene 1.2.3\n');
    const expectOnly = [suite, ...common, '--filter', 'expect/'];
    expect((await cli(...expectOnly)).status).toBe(1);
    const allowed = await cli(...expectOnly, '--allow-unexpected-pass');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('selects by feature and lists cases', async () => {
    const listed = await cli(suite, '--list', '--features', 'errors,threads', '--exclude-features', 'limits');
    expect(listed).toMatchObject({ status: 0, stdout: 'fail/wrong-error\npass/error-noloc\npass/error\n' });
  });

  it('kills a hanging case and everything it started', async () => {
    const reportFile = join(scratch, 'hang.json');
    const run = await cli(join(FAKE, 'hang-cases'), '--impl', FAKE_IMPL, '--timeout-scale', '0.5', '--reporter', 'json', '--output', reportFile);
    expect(run.status).toBe(1);
    const [hang] = JSON.parse(readFileSync(reportFile, 'utf8')).cases;
    expect(hang).toMatchObject({ id: 'fake.hang', status: 'fail', reason: 'timeout (5 s, class short)' });
    const pid = Number(/grandchild (\d+)/.exec(hang.output)?.[1]);
    expect(pid).toBeGreaterThan(0);
    await expect(waitUntilGone(pid)).resolves.toBe(true);
  });

  it('exits 2 on suite and usage errors, naming the file', async () => {
    const bad = join(scratch, 'bad');
    mkdirSync(join(bad, 'unknown-tag'), { recursive: true });
    writeFileSync(join(bad, 'unknown-tag', 't.gene'), '## features: core telepathy\n');
    mkdirSync(join(bad, 'dup'), { recursive: true });
    writeFileSync(join(bad, 'dup', 'a.gene'), '## id: same\n');
    writeFileSync(join(bad, 'dup', 'b.gene'), '## id: same\n');

    const unknownTag = await cli(join(bad, 'unknown-tag'), '--impl', FAKE_IMPL);
    expect(unknownTag.status).toBe(2);
    expect(unknownTag.stderr).toMatch(/unknown-tag\/t\.gene:1: unknown feature tag "telepathy"/);
    const duplicate = await cli(join(bad, 'dup'), '--impl', FAKE_IMPL);
    expect(duplicate).toMatchObject({ status: 2 });
    expect(duplicate.stderr).toMatch(/dup\/b\.gene: duplicate case id "same" \(also .*a\.gene\)/);
    expect((await cli(join(bad, 'missing'))).stderr).toMatch(/missing: cannot read/);
    expect((await cli(suite, '--bogus')).status).toBe(2);
    expect((await cli(suite, '--jobs', '0')).stderr).toMatch(/--jobs wants a positive integer/);
    expect((await cli(suite, '--features', 'telepathy')).stderr).toMatch(/unknown feature tag "telepathy"/);
    expect((await cli(suite, '--impl', './no-such-gene')).stderr).toMatch(/implementation not found/);
    for (const r of [unknownTag, duplicate]) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

/** True once `pid` no longer runs (gone, or a zombie awaiting its reaper); polls up to 5 s. */
async function waitUntilGone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) [ZX] /.test(stat)) return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
