// Runs every .gene file of upstream Gene's testsuite (gene-lang/gene 0b401d26) under the rules of
// upstream's testsuite/run_tests.sh, one file at a time, and reports how many pass.
//
//   npx --yes tsx tools/upstream-testsuite.ts UPSTREAM_TESTSUITE_DIR [--impl "node bin/gene.js"] [--verbose] [--json]
//
// Rules (run_tests.sh): cwd = the file's directory; command `IMPL run --no-gir-cache [# Args:…] FILE`;
// `# ExitCode: N` (default 0) must match; with `# Expected:` lines, the expected text (prefix
// removed, empty lines dropped) must equal stdout+stderr with empty lines and compile-time
// `Warning:…Type error:` lines removed, both right-trimmed, compared like `diff -B -w`.
// Files under pipe/, fmt/, examples/ and ai/ are inputs of upstream tools (`gene pipe`, `gene fmt`,
// `gene run-examples`) or need its AI services: when they do not pass vacuously they are counted
// apart as "needs upstream's environment".
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

const ENVIRONMENT_DIRS = ['pipe/', 'fmt/', 'examples/', 'ai/'];

interface Outcome {
  file: string;
  status: 'pass' | 'fail' | 'environment';
  detail: string;
}

function geneFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...geneFiles(p));
    else if (name.endsWith('.gene')) out.push(p);
  }
  return out;
}

/** `diff -B -w`: ignore blank lines and all whitespace differences within lines. */
function sameText(expected: string[], actual: string[]): boolean {
  const norm = (ls: string[]) => ls.map((l) => l.replace(/\s+/g, '')).filter((l) => l !== '');
  const a = norm(expected);
  const b = norm(actual);
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

function runOne(file: string, impl: string[], root: string): Outcome {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const args = lines.filter((l) => l.startsWith('# Args:')).flatMap((l) => l.slice('# Args: '.length).split(/\s+/).filter(Boolean));
  const exitLine = lines.find((l) => l.startsWith('# ExitCode:'));
  const expectedExit = exitLine === undefined ? 0 : Number(exitLine.slice('# ExitCode: '.length).trim());
  const expected = lines.filter((l) => l.startsWith('# Expected:')).map((l) => l.replace(/^# Expected: ?/, '')).filter((l) => l !== '');
  // As run_tests.sh: stdout and stderr through one pipe (`2>&1`), so their lines interleave as written.
  const words = [...impl, 'run', '--no-gir-cache', ...args, basename(file)].map((w) => `'${w.replace(/'/g, `'\\''`)}'`);
  const r = spawnSync('sh', ['-c', `${words.join(' ')} 2>&1`], {
    cwd: dirname(file),
    encoding: 'utf8',
    timeout: 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const code = r.status ?? (r.signal !== null ? 128 : 1);
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const actual = output.split('\n').filter((l) => l !== '' && !/Warning:.*Type error:/.test(l)).map((l) => l.trimEnd());
  const firstLines = actual.slice(0, 3).join(' | ');
  const environment = ENVIRONMENT_DIRS.some((d) => rel.startsWith(d));
  if (environment && (code !== expectedExit || expected.length > 0)) {
    return { file: rel, status: 'environment', detail: `needs an upstream tool or service (exit ${code}): ${firstLines}` };
  }
  if (code !== expectedExit) return { file: rel, status: 'fail', detail: `exit ${code}, expected ${expectedExit}: ${firstLines}` };
  if (expected.length > 0 && !sameText(expected.map((l) => l.trimEnd()), actual)) {
    const firstDiff = expected.findIndex((l, i) => l.replace(/\s+/g, '') !== (actual.filter((x) => x.trim() !== '')[i] ?? '').replace(/\s+/g, ''));
    return { file: rel, status: 'fail', detail: `output differs at expected line ${firstDiff + 1}: want ${JSON.stringify(expected[firstDiff])}, got ${JSON.stringify(actual.filter((x) => x.trim() !== '')[firstDiff])}` };
  }
  return { file: rel, status: 'pass', detail: expected.length > 0 ? 'output and exit code match' : 'exit code matches (no # Expected:)' };
}

function main(argv: string[]): number {
  const dir = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--impl');
  if (dir === undefined) {
    console.error('usage: tools/upstream-testsuite.ts UPSTREAM_TESTSUITE_DIR [--impl "COMMAND"] [--verbose] [--json]');
    return 2;
  }
  const implIndex = argv.indexOf('--impl');
  const impl = implIndex >= 0 ? argv[implIndex + 1]!.split(/\s+/) : ['node', resolve(import.meta.dirname, '../bin/gene.js')];
  const root = resolve(dir);
  const outcomes = geneFiles(root).map((f) => runOne(f, impl, root));
  if (argv.includes('--json')) {
    console.log(JSON.stringify(outcomes, null, 1));
  } else {
    for (const o of outcomes) if (argv.includes('--verbose') || o.status === 'fail') console.log(`${o.status.padEnd(11)} ${o.file}  ${o.detail}`);
  }
  const count = (s: Outcome['status']) => outcomes.filter((o) => o.status === s).length;
  const runnable = outcomes.length - count('environment');
  console.log(`${outcomes.length} files: ${count('pass')} pass, ${count('fail')} fail, ${count('environment')} need upstream's environment; ${count('pass')} of ${runnable} runnable pass`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
