// The runner's CI tools, end to end against the fake implementation: failure types and expectation
// verbs, --update-expectations, run metadata, diff, merge, scratch folders, sharding, exact ids,
// --repeat/--retries, empty selections and limits for another --impl.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './conformance-cli.js';
import { parseExpectations } from '../src/conformance/expectations.js';
import type { JsonCase } from '../src/conformance/report-json.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAKE = join(ROOT, 'test/fixtures/fake-impl');
const FAKE_IMPL = `"${process.execPath}" "${join(FAKE, 'fake-gene.mjs')}"`;
const scratch = mkdtempSync(join(tmpdir(), 'conformance-tools-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let suiteCount = 0;
/** A suite folder with these cases (id → body lines); features.txt comes from the fake suite. */
function makeSuite(cases: Record<string, string[]>): string {
  const dir = join(scratch, `suite-${++suiteCount}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'features.txt'), 'core  core\nio  io\n');
  for (const [id, body] of Object.entries(cases)) {
    writeFileSync(join(dir, `${id}.gene`), [`## id: ${id}`, '## spec: FAKE.1', '## features: core', ...body, ''].join('\n'));
  }
  return dir;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

const KINDS = {
  ok: [';fake: print hi', '# Expected: hi'],
  wrong: [';fake: print bye', '# Expected: hi'],
  crash: [';fake: crash', '# Expected: hi'],
  exit3: [';fake: exit 3'],
  hang: [';fake: hang'],
};

describe('failure types and expectation verbs', () => {
  it('types each failure in the JSON and holds a case to the way it is expected to fail', async () => {
    const suite = makeSuite(KINDS);
    const exp = join(scratch, 'verbs.txt');
    writeFileSync(exp, ['fail wrong  prints bye', 'timeout crash  expected a hang', 'crash exit3  exits 3', 'timeout hang  never ends'].join('\n'));
    const out = join(scratch, 'verbs.json');
    const hangOut = join(scratch, 'verbs-hang.json');
    const common = [suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--expectations', exp, '--reporter', 'json'];
    const run = await cli(...common, '--id', 'ok', '--id', 'wrong', '--id', 'crash', '--id', 'exit3', '-o', out);
    // Only the hanging case gets a short timeout, so no other case can hit it on a loaded machine.
    await cli(...common, '--id', 'hang', '--timeout-scale', '0.05', '-o', hangOut);
    const byId: Record<string, JsonCase> = Object.fromEntries([...readJson(out).cases, ...readJson(hangOut).cases].map((c: JsonCase) => [c.id, c]));
    expect(byId.ok).toMatchObject({ status: 'pass' });
    expect(byId.ok.failureType).toBeUndefined();
    expect(byId.wrong).toMatchObject({ status: 'known-failure', failureType: 'fail', expectation: { kind: 'fail', pattern: 'wrong' } });
    expect(byId.exit3).toMatchObject({ status: 'known-failure', failureType: 'crash' });
    expect(byId.hang).toMatchObject({ status: 'known-failure', failureType: 'timeout' });
    // Expected to time out, but crashed: that is a failure of the run.
    expect(byId.crash).toMatchObject({ status: 'fail', failureType: 'crash' });
    expect(byId.crash.reason).toMatch(/^expected to timeout \(expected a hang\), but crashed: crashed \(SIGSEGV\)/);
    expect(run.status).toBe(1);
  });

  it('rejects an unknown verb, naming the file and line', () => {
    expect(() => parseExpectations('fail a x\nbreak b y\n', 'e.txt')).toThrow(/e\.txt:2: unknown expectation "break" \(want one of skip, fail, timeout, crash, flaky, or failure types joined by \|/);
    expect(() => parseExpectations('crash|skip a x\n', 'e.txt')).toThrow(/e\.txt:1: unknown expectation "crash\|skip"/);
    expect(() => parseExpectations('crash|crash a x\n', 'e.txt')).toThrow(/e\.txt:1: unknown expectation "crash\|crash"/);
  });

  it('reads several failure types joined by | in the canonical order', () => {
    const [e] = parseExpectations('crash|timeout a hangs or crashes\n', 'e.txt').entries;
    expect(e).toMatchObject({ kind: 'timeout|crash', failures: ['timeout', 'crash'], reason: 'hangs or crashes' });
  });
});

describe('--update-expectations', () => {
  it('keeps matching entries, adds new failures with type, updates verbs, drops passes and strays', async () => {
    const suite = makeSuite(KINDS);
    const file = join(scratch, 'update.txt');
    writeFileSync(
      file,
      [
        '# reviewed reasons',
        'fail    wrong   prints bye (RULE-1)',
        'fail    crash   was wrong once (RULE-2)',
        'fail    ok      was broken (RULE-3)',
        'skip    hang    would hang',
        'fail    gone    a removed case',
      ].join('\n') + '\n',
    );
    const run = await cli(suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--update-expectations', file);
    expect(run.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    const today = new Date().toISOString().slice(0, 10);
    expect(text).toContain('# reviewed reasons\n');
    expect(text).toMatch(/^fail +wrong +prints bye \(RULE-1\)$/m);
    expect(text).toMatch(/^crash +crash +was wrong once \(RULE-2\)$/m);
    expect(text).toMatch(/^skip +hang +would hang$/m);
    expect(text).not.toMatch(/^fail +ok/m);
    expect(text).not.toContain('gone');
    expect(text).toMatch(new RegExp(`^crash +exit3 +TODO\\(${today}\\): crashed \\(exit code 3\\)`, 'm'));
    expect(run.stderr).toContain('1 added, 1 changed, 2 dropped');
    // The file now describes the run: the same run against it passes.
    const again = await cli(suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--expectations', file);
    expect(again.status).toBe(0);
    // A second update changes nothing.
    await cli(suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--update-expectations', file);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('leaves the entries of cases the run did not select alone', async () => {
    const suite = makeSuite({ a: KINDS.wrong, b: KINDS.wrong });
    const file = join(scratch, 'partial.txt');
    writeFileSync(file, 'fail a  reason a\nfail b  reason b\n');
    await cli(suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--id', 'a', '--update-expectations', file);
    expect(readFileSync(file, 'utf8')).toBe('fail a  reason a\nfail b  reason b\n');
  });
});

describe('run metadata, diff and merge', () => {
  it('records the suite, contract, implementation, options and times in every format', async () => {
    const suite = makeSuite({ ok: KINDS.ok });
    const common = [suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json')];
    const json = readJson((await cli(...common, '--reporter', 'json', '-o', join(scratch, 'meta.json')), join(scratch, 'meta.json')));
    expect(json.meta).toMatchObject({ suiteVersion: '0.1.0', hostContract: 2, impl: FAKE_IMPL, implVersion: 'fake-gene 1.2.3' });
    expect(json.meta.suiteCommit).toMatch(/^([0-9a-f]{40}|unknown.*)$/);
    expect(json.meta.options).toContain('--limits');
    expect(Date.parse(json.meta.endedAt)).toBeGreaterThanOrEqual(Date.parse(json.meta.startedAt));
    const junit = (await cli(...common, '--reporter', 'junit')).stdout;
    expect(junit).toContain('<property name="implVersion" value="fake-gene 1.2.3"/>');
    expect(junit).toContain('<property name="suiteCommit"');
    const tap = (await cli(...common, '--reporter', 'tap')).stdout;
    expect(tap).toContain('# gene-conformance hostContract: 2\n');
  });

  it('diff prints regressions, fixes, changes, new and removed cases, and exits 1 on a regression', async () => {
    const report = (cases: object[]) => ({ version: 2, hostContract: 2, impl: 'x', ok: true, summary: {}, cases });
    const oldFile = join(scratch, 'old.json');
    const newFile = join(scratch, 'new.json');
    writeFileSync(
      oldFile,
      JSON.stringify(report([
        { id: 'a', status: 'pass' },
        { id: 'b', status: 'known-failure', failureType: 'fail' },
        { id: 'c', status: 'fail', failureType: 'fail' },
        { id: 'gone', status: 'pass' },
      ])),
    );
    writeFileSync(
      newFile,
      JSON.stringify(report([
        { id: 'a', status: 'fail', failureType: 'crash', failure: 'crashed (SIGSEGV)' },
        { id: 'b', status: 'pass' },
        { id: 'c', status: 'fail', failureType: 'timeout' },
        { id: 'new', status: 'pass' },
      ])),
    );
    const d = await cli('diff', oldFile, newFile);
    expect(d.status).toBe(1);
    expect(d.stdout).toContain('Regressions (1):\n  a  passed → crash: crashed (SIGSEGV)');
    expect(d.stdout).toContain('Fixes (1):\n  b  fail → passes');
    expect(d.stdout).toContain('Changed (1):\n  c  fail → timeout');
    expect(d.stdout).toContain('New cases (1):\n  new  pass');
    expect(d.stdout).toContain('Removed cases (1):\n  gone');
    expect((await cli('diff', newFile, newFile)).status).toBe(0);
    expect((await cli('diff', oldFile)).status).toBe(2);
  });

  it('shards cover every case exactly once, and merge puts them back together', async () => {
    const cases = Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`c${k}`, k === 3 ? KINDS.wrong : KINDS.ok]));
    const suite = makeSuite(cases);
    const common = [suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json')];
    const lists = await Promise.all([1, 2, 3].map(async (i) => (await cli(...common, '--shard', `${i}/3`, '--list')).stdout.trim().split('\n')));
    expect(lists.flat().sort()).toEqual(Object.keys(cases).sort());
    const files: string[] = [];
    for (const i of [1, 2, 3]) {
      const f = join(scratch, `shard-${i}.json`);
      await cli(...common, '--shard', `${i}/3`, '--reporter', 'json', '-o', f);
      files.push(f);
    }
    const all = join(scratch, 'merged.json');
    const merged = await cli('merge', ...files, '-o', all);
    expect(merged.status).toBe(0);
    const json = readJson(all);
    expect(json.cases.map((c: { id: string }) => c.id)).toEqual(Object.keys(cases).sort());
    expect(json.summary).toMatchObject({ total: 7, passed: 6, failed: 1 });
    expect(json.meta.mergedFrom).toBe(3);
    expect(json.ok).toBe(false);
    const junit = await cli('merge', ...files, '--reporter', 'junit');
    expect(junit.stdout).toContain('tests="7" failures="1" errors="0"');
    const twice = await cli('merge', files[0]!, files[0]!, '-o', join(scratch, 'twice.json'));
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/case "c\d" is in both/);
    expect((await cli(...common, '--shard', '4/3')).stderr).toMatch(/--shard wants I\/N with 1 <= I <= N/);
  });
});

describe('selection', () => {
  const suite = () => makeSuite({ 'a.one': KINDS.ok, 'a.one.more': KINDS.ok, 'b.two': KINDS.ok });
  const impl = ['--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json')];

  it('--id is exact and repeatable; --ids-from reads a list; an unknown id is an error', async () => {
    const dir = suite();
    expect((await cli(dir, '--id', 'a.one', '--list')).stdout).toBe('a.one\n');
    expect((await cli(dir, '--id', 'a.one', '--id', 'b.two', '--list')).stdout).toBe('a.one\nb.two\n');
    const list = join(scratch, 'ids.txt');
    writeFileSync(list, '# rerun these\na.one.more\n\nb.two\n');
    expect((await cli(dir, '--ids-from', list, '--list')).stdout).toBe('a.one.more\nb.two\n');
    const unknown = await cli(dir, '--id', 'a.on');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no case has the id "a.on"');
  });

  it('an empty selection exits 2 unless --allow-empty', async () => {
    const dir = suite();
    const empty = await cli(dir, ...impl, '--filter', 'nothing-matches');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('no cases selected');
    const allowed = await cli(dir, ...impl, '--filter', 'nothing-matches', '--allow-empty');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout.trimEnd()).toBe('0 passed, 0 failed, 0 skipped');
  });

  it('--impl without --limits declares nothing and says so, rather than using gene-ref limits', async () => {
    const dir = makeSuite({ needs: ['## requires: max_threads>=2', ...KINDS.ok] });
    const run = await cli(dir, '--impl', FAKE_IMPL, '--reporter', 'json', '-o', join(scratch, 'nolimits.json'));
    expect(run.stderr).toContain('--impl without --limits');
    expect(readJson(join(scratch, 'nolimits.json')).cases[0]).toMatchObject({ status: 'skip', reason: 'requires max_threads>=2, but the host declares no max_threads' });
  });
});

describe('--repeat and --retries', () => {
  let state: string;
  beforeEach(() => {
    state = mkdtempSync(join(scratch, 'state-'));
    process.env.FAKE_STATE_DIR = state;
  });
  afterAll(() => delete process.env.FAKE_STATE_DIR);
  // Passes on its second run only: "run 2".
  const secondRunPasses = { flip: [';fake: count flip', '# Expected: run 2'] };
  const impl = ['--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--reporter', 'json'];

  it('--repeat N runs each case N times; mixed results are flaky, never a pass', async () => {
    const out = join(scratch, 'repeat.json');
    const run = await cli(makeSuite({ ...secondRunPasses, steady: KINDS.ok }), ...impl, '--repeat', '3', '-o', out);
    const [flip, steady] = readJson(out).cases;
    expect(flip).toMatchObject({ id: 'flip', status: 'flaky', attempts: ['fail', 'pass', 'fail'] });
    expect(steady).toMatchObject({ status: 'pass', attempts: ['pass', 'pass', 'pass'] });
    expect(run.status).toBe(1);
  });

  it('--retries N reruns a failure; a later pass is flaky; a steady failure stays a failure', async () => {
    const out = join(scratch, 'retries.json');
    await cli(makeSuite({ ...secondRunPasses, broken: KINDS.wrong }), ...impl, '--retries', '2', '-o', out);
    const [broken, flip] = readJson(out).cases;
    expect(flip).toMatchObject({ status: 'flaky', attempts: ['fail', 'pass'] });
    expect(broken).toMatchObject({ status: 'fail', attempts: ['fail', 'fail', 'fail'] });
  });

  it('a flaky expectation accepts either outcome', async () => {
    const exp = join(scratch, 'flaky.txt');
    writeFileSync(exp, 'flaky flip  passes every other run (RULE-9)\n');
    const run = await cli(makeSuite(secondRunPasses), ...impl, '--repeat', '2', '--expectations', exp, '-o', join(scratch, 'fl.json'));
    expect(run.status).toBe(0);
    expect(readJson(join(scratch, 'fl.json')).cases[0]).toMatchObject({ status: 'known-failure' });
  });

  // Crashes on odd runs, prints "run 2" (wrong output) on even ones: never passes.
  const switcher = { switch: [';fake: crash-or-fail switch', '# Expected: hi'] };

  it('an entry naming several failure types (fail|crash) holds a case that switches between them, never a pass', async () => {
    const exp = join(scratch, 'switch.txt');
    writeFileSync(exp, 'crash|fail switch  SIGSEGV or wrong output from run to run (RULE-8)\n');
    const out = join(scratch, 'switch.json');
    const run = await cli(makeSuite(switcher), ...impl, '--repeat', '2', '--expectations', exp, '-o', out);
    expect(run.status).toBe(0);
    expect(readJson(out).cases[0]).toMatchObject({ status: 'known-failure', attempts: ['crash', 'fail'], expectation: { kind: 'fail|crash' } });
    // One of the two alone does not cover the mix.
    writeFileSync(exp, 'crash switch  SIGSEGV (RULE-8)\n');
    const narrow = await cli(makeSuite(switcher), ...impl, '--repeat', '2', '--expectations', exp, '-o', out);
    expect(narrow.status).toBe(1);
    expect(readJson(out).cases[0]).toMatchObject({ status: 'flaky' });
    expect(readJson(out).cases[0].reason).toMatch(/^expected to crash \(SIGSEGV \(RULE-8\)\), but flaky: crash, fail/);
  });

  it('--update-expectations with --repeat writes the failure types a switching case showed, and flaky for a case that also passed', async () => {
    const file = join(scratch, 'switch-update.txt');
    writeFileSync(file, '');
    const suite = makeSuite({ ...switcher, ...secondRunPasses });
    const run = await cli(suite, ...impl, '--repeat', '2', '--update-expectations', file);
    expect(run.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^fail\|crash +switch +TODO/m);
    expect(text).toMatch(/^flaky +flip +TODO/m);
    // A single later run that shows only one of the two types keeps the entry.
    const again = await cli(suite, ...impl, '--id', 'switch', '--update-expectations', file);
    expect(again.stderr).toContain('0 added, 0 changed, 0 dropped');
  });
});

describe('every run starts clean (Host contract §1)', () => {
  it('a host that writes files leaves the suite untouched and the next run sees nothing', async () => {
    const suite = makeSuite({
      writer: [';fake: read cache.gir', ';fake: write cache.gir compiled', ';fake: read cache.gir', ';fake: read fixture.txt', '# Expected: cache.gir: missing', '# Expected: cache.gir: compiled', '# Expected: fixture.txt: missing'],
      reader: ['## fixtures: fixture.txt data', ';fake: read fixture.txt', ';fake: read data/inner.txt', ';fake: read cache.gir', '# Expected: fixture.txt: given', '# Expected: data/inner.txt: nested', '# Expected: cache.gir: missing'],
    });
    writeFileSync(join(suite, 'fixture.txt'), 'given');
    mkdirSync(join(suite, 'data'));
    writeFileSync(join(suite, 'data', 'inner.txt'), 'nested');
    const before = readdirSync(suite).sort();
    const run = await cli(suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'), '--repeat', '2', '--jobs', '1');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 0 failed, 0 skipped');
    expect(readdirSync(suite).sort()).toEqual(before);
    expect(existsSync(join(suite, 'cache.gir'))).toBe(false);
  });

  it('a fixture that does not exist is a suite error naming the case', async () => {
    const suite = makeSuite({ lost: ['## fixtures: nowhere.txt', ...KINDS.ok] });
    const run = await cli(suite, '--impl', FAKE_IMPL, '--limits', join(FAKE, 'limits.json'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/lost\.gene: fixture "nowhere.txt" \(## fixtures:\) does not exist/);
  });
});
