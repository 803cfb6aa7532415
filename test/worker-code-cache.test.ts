// THR-PERF cold spawn: Workers compile the Worker bundle from V8's code cache beside it
// (src/threads/worker-code.ts, worker-boot.cts). The cache is an optimisation only: a program gives
// the same output whether the cache is used, missing, made from another bundle, corrupt or
// impossible to write, and a cache that does not belong to the bundle's text is never used. Each test
// runs the built CLI from a private copy of dist/ (so the shared cache is never touched), with
// GENE_TRACE=threads, whose `worker N code cache: used|refused|none` line says what the Worker did.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_BYTES, HEADER_BYTES } from '../src/threads/worker-code.js';

const DIST = join(import.meta.dirname, '..', 'dist');
const PROGRAM = '(println (await (spawn_return (+ 40 2))))';

let dir = '';
const cacheFile = () => join(dir, 'dist', 'threads', 'worker-bundle.v8cache');
const bundleFile = () => join(dir, 'dist', 'threads', 'worker-bundle.js');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gene-code-cache-'));
  cpSync(DIST, join(dir, 'dist'), { recursive: true, preserveTimestamps: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run PROGRAM with the copy; what the first Worker said of its code cache, and the output. */
function run(): { use: string | undefined; out: string } {
  const r = spawnSync(process.execPath, [join(dir, 'dist', 'cli', 'gene-bundle.js'), 'eval', PROGRAM], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, GENE_TRACE: 'threads' },
  });
  expect(r.status, r.stderr).toBe(0);
  return { use: /worker 1 code cache: (\w+)/.exec(r.stderr)?.[1], out: r.stdout };
}

describe('the Worker code cache', () => {
  it('is made by the build and used by the Workers', () => {
    expect(existsSync(cacheFile())).toBe(true);
    expect(run()).toEqual({ use: 'used', out: '42\n' });
  });

  it('is written by the first Worker when missing, then used', () => {
    rmSync(cacheFile());
    expect(run()).toEqual({ use: 'none', out: '42\n' });
    expect(existsSync(cacheFile())).toBe(true);
    expect(run()).toEqual({ use: 'used', out: '42\n' });
  });

  it('still fits its bundle when only the file times changed (a copy, an unpacked archive)', () => {
    const later = new Date(Date.now() + 5_000);
    utimesSync(bundleFile(), later, later);
    expect(run()).toEqual({ use: 'used', out: '42\n' });
  });

  it('is not used for a bundle edited to the same size and modification time, and is made again', () => {
    // V8 checks of the source only its length: a cache of other code would run in its place.
    const file = bundleFile();
    const { atime, mtime } = statSync(file);
    const source = readFileSync(file, 'utf8');
    expect(source).toContain('Stack overflow');
    writeFileSync(file, source.replace('Stack overflow', 'Stack Overflow'));
    utimesSync(file, atime, mtime);
    expect(run()).toEqual({ use: 'none', out: '42\n' });
    expect(run()).toEqual({ use: 'used', out: '42\n' });
  });

  it('damaged (its SHA-256 does not match) is not used, and is made again', () => {
    // V8 checks none of its data's bytes in release builds: these flips would crash the process.
    const bytes = readFileSync(cacheFile());
    for (let i = 20_000; i < bytes.length; i += 997) bytes[i]! ^= 0xff;
    writeFileSync(cacheFile(), bytes);
    expect(run()).toEqual({ use: 'none', out: '42\n' });
    expect(run()).toEqual({ use: 'used', out: '42\n' });
  });

  it('refused by V8 (data of no V8 it knows, SHA-256 right) changes nothing but the time, and is made again', () => {
    const bytes = readFileSync(cacheFile());
    const data = bytes.subarray(HEADER_BYTES + CHECK_BYTES);
    data.fill(0x5a);
    createHash('sha256').update(data).digest().copy(bytes, HEADER_BYTES + 4);
    writeFileSync(cacheFile(), bytes);
    expect(run()).toEqual({ use: 'refused', out: '42\n' });
    expect(run()).toEqual({ use: 'used', out: '42\n' });
  });

  it('is not needed without a bundle (a bare tsc): Workers load the modules', () => {
    rmSync(bundleFile());
    rmSync(cacheFile());
    expect(run()).toEqual({ use: 'none', out: '42\n' });
    expect(existsSync(cacheFile())).toBe(false);
  });

  it('that cannot be written leaves the program as it is', () => {
    rmSync(cacheFile());
    mkdirSync(cacheFile()); // the rename onto it fails, as on a read-only installation
    expect(run()).toEqual({ use: 'none', out: '42\n' });
    expect(run()).toEqual({ use: 'none', out: '42\n' });
    expect(readdirSync(join(dir, 'dist', 'threads')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
