// Issue 7: the published package installs into an empty folder and runs programs, threads and
// the conformance suite from there.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir = '';
let gene = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gene-pack-'));
  // --ignore-scripts: dist/ is already built by `npm test`.
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  const tarball = join(dir, (JSON.parse(out) as { filename: string }[])[0]!.filename);
  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app, stdio: 'ignore' });
  gene = join(app, 'node_modules', '.bin', 'gene');
  writeFileSync(join(app, 'hello.gene'), '(println "hello from" (typeof 1))\n');
  writeFileSync(
    join(app, 'threads.gene'),
    '(fn sq [x] (x * x))\n(var fs ([1 2 3] .map (fn [n] (spawn_return (sq n)))))\n(println (fs .map (fn [f] (await f))))\n',
  );
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('runs a program with gene run', () => {
    const r = spawnSync(gene, ['run', 'hello.gene'], { cwd: join(dir, 'app'), encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([0, 'hello from Int\n']);
  });

  it('runs threads from the installed package', () => {
    const r = spawnSync(gene, ['run', 'threads.gene'], { cwd: join(dir, 'app'), encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '[1 4 9]\n', '']);
  });

  it('runs the bundled conformance suite', () => {
    const r = spawnSync(gene, ['conformance', '--filter', 'lang.op'], { cwd: join(dir, 'app'), encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/m);
  });
});
