// The executable spec: the real spec/ and conformance/ trees must agree (this is the test that
// fails when a scenario has no case or a case names a missing anchor), plus unit tests of the
// parser, the checks, search, formatting, the matrix and the CLI on small synthetic trees.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { specMain, type SpecIo } from '../src/spec/cli.js';
import { renderMatrix } from '../src/spec/matrix.js';
import { checkSpec, loadCaseHeaders, loadSpec, parseCaseHeader, parseSpecText } from '../src/spec/spec-index.js';
import { formatRule, searchSpec } from '../src/spec/spec-search.js';
import { checkStrength } from '../src/spec/strength.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('the real spec and conformance tree', () => {
  const spec = loadSpec(ROOT);
  const cases = loadCaseHeaders(ROOT);

  it('passes checkSpec: every scenario has existing cases, every case a known anchor and a scenario', () => {
    expect(checkSpec(spec, cases)).toEqual([]);
  });

  it('checks every thread rule with at least two independent cases (or a case and the benchmark)', () => {
    expect(checkStrength(spec, cases).belowBar).toEqual([]);
  });

  it('the language half is consistent on its own', () => {
    const ours = checkSpec(spec, cases).filter((p) => p.startsWith('spec/language/') || p.startsWith('conformance/cases/lang/'));
    expect(ours).toEqual([]);
  });

  it('has the language groups, one file each', () => {
    const files = Object.fromEntries(spec.groups.filter((g) => g.prefix.startsWith('LANG-')).map((g) => [g.prefix, g.file]));
    expect(files).toEqual({
      'LANG-LEX': 'spec/language/lexical.md',
      'LANG-VAL': 'spec/language/values.md',
      'LANG-FORM': 'spec/language/forms.md',
      'LANG-OP': 'spec/language/operators.md',
      'LANG-CORE': 'spec/language/collections.md',
      'LANG-BUILTIN': 'spec/language/builtins.md',
      'LANG-ASYNC': 'spec/language/async.md',
      'LANG-ERR': 'spec/language/errors.md',
      'LANG-CLASS': 'spec/language/classes.md',
      'LANG-MOD': 'spec/language/modules.md',
      'LANG-TYPE': 'spec/language/types.md',
      'LANG-GEN': 'spec/language/generators.md',
      'LANG-VARIANT': 'spec/language/variants.md',
      'LANG-CONTRACT': 'spec/language/contracts.md',
    });
  });

  it('language cases follow the id = path convention and use registered feature tags', () => {
    const registered = new Set(
      readFileSync(join(ROOT, 'conformance', 'features.txt'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => l.split(/\s+/)[0]),
    );
    const lang = cases.filter((c) => c.file.startsWith('conformance/cases/lang/'));
    expect(lang.length).toBeGreaterThan(100);
    for (const c of lang) {
      expect(c.file).toBe(`conformance/cases/${c.id.split('.').join('/')}.gene`);
      for (const f of c.features) expect(registered, `${c.id}: feature ${f}`).toContain(f);
      expect(c.error !== undefined || c.expected !== undefined, `${c.id} checks something`).toBe(true);
    }
  });
});

describe('parseSpecText', () => {
  const text = [
    '# DEMO-A: Demo group',
    '',
    'Intro text.',
    '',
    '## DEMO-A.1: First rule',
    'Rule text line one.',
    '```',
    '# not a heading',
    '## DEMO-A.9: not a rule either',
    '```',
    '',
    'Scenarios:',
    '- DEMO-A.1/a: does one thing → demo.one',
    '- DEMO-A.1/b: does two things -> demo.one, `demo.two`',
    '',
    '## DEMO-A.2: Second rule',
    'Text two.',
    '',
    'Scenarios:',
    '- DEMO-A.1/c: filed under the wrong rule → demo.three',
    '- just a bullet',
    '## DEMO-B.3: Wrong group',
    '## DEMO-A.x: bad number',
  ].join('\n');
  const { groups, problems } = parseSpecText(text, 'spec/demo.md');

  it('reads groups, rules, text and scenarios', () => {
    expect(groups).toHaveLength(1);
    const g = groups[0]!;
    expect([g.prefix, g.title, g.intro, g.line]).toEqual(['DEMO-A', 'Demo group', 'Intro text.', 1]);
    expect(g.rules.map((r) => r.anchor)).toEqual(['DEMO-A.1', 'DEMO-A.2', 'DEMO-B.3']);
    const first = g.rules[0]!;
    expect(first).toMatchObject({ title: 'First rule', file: 'spec/demo.md', line: 5, group: 'DEMO-A' });
    expect(first.text).toBe('Rule text line one.\n```\n# not a heading\n## DEMO-A.9: not a rule either\n```');
    expect(first.scenarios).toEqual([
      { anchor: 'DEMO-A.1/a', ruleAnchor: 'DEMO-A.1', description: 'does one thing', caseIds: ['demo.one'], file: 'spec/demo.md', line: 13 },
      { anchor: 'DEMO-A.1/b', ruleAnchor: 'DEMO-A.1', description: 'does two things', caseIds: ['demo.one', 'demo.two'], file: 'spec/demo.md', line: 14 },
    ]);
    expect(g.rules[1]!.text).toBe('Text two.');
  });

  it('reports malformed lines with file:line', () => {
    expect(problems).toEqual([
      'spec/demo.md:20: scenario DEMO-A.1/c is listed under rule DEMO-A.2',
      'spec/demo.md:21: malformed scenario line (want "- DEMO-A.2/a: description → case.id"): - just a bullet',
      'spec/demo.md:22: rule DEMO-B.3 is not in group DEMO-A',
      'spec/demo.md:23: malformed rule heading (want "## GROUP.n: Title"): ## DEMO-A.x: bad number',
    ]);
  });
});

describe('parseCaseHeader', () => {
  it('reads id, spec anchors, features, error and expected lines', () => {
    const c = parseCaseHeader(
      ['## id: demo.one', '## spec: DEMO-A.1 DEMO-A.2', '## description: one', '## features: core  async', '## error: TypeError', '(x)', '# Expected: a', '# Expected: b'].join('\n'),
      'conformance/cases/demo/one.gene',
      'demo/one',
    );
    expect(c).toEqual({
      id: 'demo.one',
      spec: ['DEMO-A.1', 'DEMO-A.2'],
      description: 'one',
      features: ['core', 'async'],
      error: 'TypeError',
      expected: ['a', 'b'],
      file: 'conformance/cases/demo/one.gene',
      line: 2,
    });
  });

  it('defaults the id to the path under conformance/cases', () => {
    expect(parseCaseHeader('(println 1)', 'conformance/cases/x/y.gene', 'x/y')).toMatchObject({ id: 'x/y', spec: [], expected: undefined });
  });
});

/** A throwaway package tree: spec/ files and conformance/cases/ files. */
let tempRoots: string[] = [];
function makeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gene-spec-test-'));
  tempRoots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
  tempRoots = [];
});

const caseFile = (id: string, spec: string | null, description = id): string =>
  [`## id: ${id}`, ...(spec === null ? [] : [`## spec: ${spec}`]), `## description: ${description}`, '## features: core', '(println 1)', '# Expected: 1', ''].join('\n');

const GOOD_TREE = {
  'spec/demo/widgets.md': [
    '# DEMO-W: Widgets',
    '',
    '## DEMO-W.1: Widget assembly',
    'Widgets are assembled from sprockets in order.',
    '',
    'Scenarios:',
    '- DEMO-W.1/a: sprockets are joined → demo.join',
    '',
    '## DEMO-W.2: Gadget polish',
    'A gadget is polished; sprockets are mentioned here once.',
    '',
    'Scenarios:',
    '- DEMO-W.2/a: polish shines → demo.polish',
    '',
  ].join('\n'),
  'spec/README.md': 'Not a group file; ignored.\n',
  'conformance/cases/demo/join.gene': caseFile('demo.join', 'DEMO-W.1', 'joins sprockets'),
  'conformance/cases/demo/polish.gene': caseFile('demo.polish', 'DEMO-W.2'),
};

describe('checkSpec', () => {
  it('finds nothing wrong in a consistent tree', () => {
    const root = makeTree(GOOD_TREE);
    const spec = loadSpec(root);
    expect(spec.rules.map((r) => r.anchor)).toEqual(['DEMO-W.1', 'DEMO-W.2']);
    expect(checkSpec(spec, loadCaseHeaders(root))).toEqual([]);
  });

  it('reports every kind of disagreement', () => {
    const root = makeTree({
      'spec/a.md': [
        '# DEMO-X: X',
        '## DEMO-X.1: One',
        'Scenarios:',
        '- DEMO-X.1/a: has no case →',
        '- DEMO-X.1/b: names a missing case → demo.ghost',
        '- DEMO-X.1/b: duplicate scenario → demo.ok',
        '## DEMO-X.1: duplicate rule',
      ].join('\n'),
      'spec/b.md': '# DEMO-X: the same group again\n',
      'conformance/cases/demo/ok.gene': caseFile('demo.ok', 'DEMO-X.1'),
      'conformance/cases/demo/ok2.gene': caseFile('demo.ok', 'DEMO-X.1'),
      'conformance/cases/demo/nospec.gene': caseFile('demo.nospec', null),
      'conformance/cases/demo/unknown.gene': caseFile('demo.unknown', 'DEMO-X.7'),
      'conformance/cases/demo/unlisted.gene': caseFile('demo.unlisted', 'DEMO-X.1'),
    });
    const problems = checkSpec(loadSpec(root), loadCaseHeaders(root));
    const expected = [
      'spec/b.md:1: group DEMO-X is also defined in spec/a.md:1',
      'spec/a.md:6: duplicate anchor DEMO-X.1/b (first at spec/a.md:5)',
      'spec/a.md:7: duplicate anchor DEMO-X.1 (first at spec/a.md:2)',
      'conformance/cases/demo/ok2.gene: duplicate case id demo.ok (also conformance/cases/demo/ok.gene)',
      'spec/a.md:4: scenario DEMO-X.1/a has no case',
      'spec/a.md:5: scenario DEMO-X.1/b names missing case demo.ghost',
      'conformance/cases/demo/nospec.gene: case demo.nospec has no "## spec:" line',
      'conformance/cases/demo/unknown.gene:2: case demo.unknown names unknown spec anchor DEMO-X.7',
      'conformance/cases/demo/unknown.gene:2: case demo.unknown is not listed by any scenario of DEMO-X.7',
      'conformance/cases/demo/unlisted.gene:2: case demo.unlisted is not listed by any scenario of DEMO-X.1',
    ];
    expect([...problems].sort()).toEqual([...expected].sort());
  });

  it('includes the parser problems', () => {
    const root = makeTree({ 'spec/a.md': '# DEMO-Y: Y\n## DEMO-Y.1: One\nScenarios:\n- nonsense\n' });
    expect(checkSpec(loadSpec(root), [])).toEqual([
      'spec/a.md:4: malformed scenario line (want "- DEMO-Y.1/a: description → case.id"): - nonsense',
    ]);
  });
});

describe('checkStrength (the bar of issue 15: two independent cases per thread rule, one in a thread)', () => {
  const threadTree = (extra: Record<string, string> = {}) =>
    makeTree({
      'spec/t.md': [
        '# THR-Z: Z',
        '## THR-Z.1: One case only',
        'Scenarios:',
        '- THR-Z.1/a: once → thr.z.one',
        '## THR-Z.2: Two cases, one of them in a thread',
        'Scenarios:',
        '- THR-Z.2/a: twice → thr.z.two, thr.z.two.in-thread',
        '## THR-Z.3: One case and a benchmark; no thread applies',
        'Measured by: bench (z)',
        'In-thread: only thread 0 has this',
        'Scenarios:',
        '- THR-Z.3/a: once → thr.z.three',
        '## THR-Z.4: Two cases, one says run-in-thread',
        'Scenarios:',
        '- THR-Z.4/a: twice → thr.z.four, thr.z.four-nested',
      ].join('\n'),
      'conformance/cases/z/one.gene': caseFile('thr.z.one', 'THR-Z.1'),
      'conformance/cases/z/two.gene': caseFile('thr.z.two', 'THR-Z.2'),
      'conformance/cases/z/two.in-thread.gene': caseFile('thr.z.two.in-thread', 'THR-Z.2'),
      'conformance/cases/z/three.gene': caseFile('thr.z.three', 'THR-Z.3'),
      'conformance/cases/z/four.gene': caseFile('thr.z.four', 'THR-Z.4'),
      'conformance/cases/z/four-nested.gene': '## run-in-thread: yes\n' + caseFile('thr.z.four-nested', 'THR-Z.4'),
      ...extra,
    });

  it('reports thread rules with fewer than two checks, and rules with no in-thread case', () => {
    const root = threadTree();
    const report = checkStrength(loadSpec(root), loadCaseHeaders(root));
    expect(report.belowBar).toEqual([
      'spec/t.md:2: rule THR-Z.1 is checked by 1 case(s) (thr.z.one); it needs 2 independent ones',
    ]);
    expect(report.noInThread).toEqual([
      'spec/t.md:2: rule THR-Z.1 has no case run inside a spawned thread (add one, or an "In-thread:" line saying why none applies)',
    ]);
  });

  it('counts a case that names the rule in ## spec: without a scenario, and applies only to THR rules', () => {
    const root = threadTree({ 'conformance/cases/z/more.gene': caseFile('thr.z.more', 'THR-Z.1') });
    expect(checkStrength(loadSpec(root), loadCaseHeaders(root)).belowBar).toEqual([]);
    const demo = makeTree(GOOD_TREE);
    expect(checkStrength(loadSpec(demo), loadCaseHeaders(demo))).toEqual({ belowBar: [], noInThread: [] });
  });

  it('makes gene spec --check fail below the bar', async () => {
    const root = threadTree();
    let err = '';
    const code = await specMain(['--check', '--root', root], { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(1);
    expect(err).toContain('rule THR-Z.1 is checked by 1 case(s)');
    expect(err).toContain('1 thread rule with no in-thread case');
  });
});

describe('searchSpec', () => {
  const root = makeTree(GOOD_TREE);
  const spec = loadSpec(root);
  const cases = loadCaseHeaders(root);
  const anchors = (q: string): string[] => searchSpec(spec, cases, q).map((r) => r.anchor);

  it('finds a rule by exact anchor, any case, or by one of its scenario anchors', () => {
    expect(anchors('DEMO-W.2')).toEqual(['DEMO-W.2']);
    expect(anchors('demo-w.1')).toEqual(['DEMO-W.1']);
    expect(anchors('DEMO-W.1/a')).toEqual(['DEMO-W.1']);
  });

  it('finds a group by anchor prefix at a boundary', () => {
    expect(anchors('DEMO-W')).toEqual(['DEMO-W.1', 'DEMO-W.2']);
    expect(anchors('DEMO')).toEqual(['DEMO-W.1', 'DEMO-W.2']);
  });

  it('finds the rules of a case id', () => {
    expect(anchors('demo.polish')).toEqual(['DEMO-W.2']);
  });

  it('needs every word, and ranks title hits first', () => {
    expect(anchors('sprockets')).toEqual(['DEMO-W.1', 'DEMO-W.2']);
    expect(anchors('gadget sprockets')).toEqual(['DEMO-W.2']);
    expect(anchors('SPROCKETS shines')).toEqual(['DEMO-W.2']);
    expect(anchors('polish')).toEqual(['DEMO-W.2']);
    expect(anchors('sprockets nowhere')).toEqual([]);
    expect(anchors('   ')).toEqual([]);
  });

  it('formats a rule with its text, scenarios and case files', () => {
    const text = formatRule(spec.rules[0]!, cases, { expected: true });
    expect(text).toContain('DEMO-W.1: Widget assembly');
    expect(text).toContain('(spec/demo/widgets.md:3)');
    expect(text).toContain('  Widgets are assembled from sprockets in order.');
    expect(text).toContain('DEMO-W.1/a  sprockets are joined');
    expect(text).toContain('demo.join  conformance/cases/demo/join.gene');
    expect(text).toContain('| 1');
    const ghost = { ...spec.rules[0]!, scenarios: [{ ...spec.rules[0]!.scenarios[0]!, caseIds: ['demo.ghost'] }] };
    expect(formatRule(ghost, cases)).toContain('demo.ghost  (missing');
  });
});

describe('renderMatrix', () => {
  it('lists rule → scenario → case, with statuses when given', () => {
    const root = makeTree(GOOD_TREE);
    const spec = loadSpec(root);
    const cases = loadCaseHeaders(root);
    const plain = renderMatrix(spec, cases);
    expect(plain).toContain('1 group, 2 rules, 2 scenarios, 2 cases listed by scenarios');
    expect(plain).toContain(
      '| [DEMO-W.1](../spec/demo/widgets.md#L3) Widget assembly | DEMO-W.1/a sprockets are joined | [`demo.join`](../conformance/cases/demo/join.gene) |',
    );
    expect(plain).not.toContain('status');
    const withResults = renderMatrix(spec, cases, new Map([['demo.join', 'pass']]));
    expect(withResults).toContain('| rule | scenario | case | status |');
    expect(withResults).toMatch(/demo\.join.*\| pass \|/);
    expect(withResults).toMatch(/demo\.polish.*\| not run \|/);
    expect(withResults).toContain('Results: 1 pass, 1 not run.');
  });
});

describe('specMain', () => {
  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const io: SpecIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
    const code = await specMain(argv, io);
    return { code, out, err };
  };

  it('prints matching rules and exits 0', async () => {
    const root = makeTree(GOOD_TREE);
    const r = await run(['--root', root, 'DEMO-W.1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('DEMO-W.1: Widget assembly');
  });

  it('exits 1 with a helpful message when nothing matches', async () => {
    const root = makeTree(GOOD_TREE);
    const r = await run(['--root', root, 'sprockets', 'zebra']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('No rule matches "sprockets zebra"');
    expect(r.err).toContain('Rules matching some of the words:');
    expect(r.err).toContain('DEMO-W.1');
  });

  it('--check exits 0 on a consistent tree and 1 with the problems otherwise', async () => {
    expect((await run(['--root', makeTree(GOOD_TREE), '--check'])).code).toBe(0);
    const bad = await run(['--root', makeTree({ ...GOOD_TREE, 'conformance/cases/demo/x.gene': caseFile('demo.x', null) }), '--check']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('case demo.x has no "## spec:" line');
  });

  it('--matrix writes the matrix to --output, reading statuses from a JSON report', async () => {
    const root = makeTree(GOOD_TREE);
    const report = join(root, 'report.json');
    writeFileSync(report, JSON.stringify({ version: 1, cases: [{ id: 'demo.join', status: 'fail' }] }));
    const output = join(root, 'matrix.md');
    const r = await run(['--root', root, '--matrix', '--results', report, '--output', output]);
    expect(r.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toMatch(/demo\.join.*\| fail \|/);
  });

  it('says so when the root has no spec at all', async () => {
    const root = makeTree({ 'conformance/cases/x.gene': caseFile('x', 'X.1') });
    const r = await run(['--root', root, 'anything']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no rules found');
    expect((await run(['--root', root, '--check'])).code).toBe(1);
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await run(['--bogus'])).code).toBe(2);
    expect((await run(['--check', 'words'])).code).toBe(2);
    expect((await run(['--output', 'x.md'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });
});
