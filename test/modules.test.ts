// Namespaces and modules (spec/language/modules.md): the loader's cache, cycles, failed loads,
// errors inside a module, compile errors of the forms, the disassembly of an import and the codec
// of namespace values. The language behaviour itself is in conformance/cases/lang/mod.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSource, errorLine } from '../src/cli/compile.js';
import { disassemble } from '../src/bytecode/disasm.js';
import { DEFAULT_LIMITS } from '../src/contract/limits.js';
import { drive } from '../src/hosts/driver.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { decode, encode } from '../src/threads/codec.js';
import { GFunction, Namespace, str } from '../src/values/values.js';
import { VM } from '../src/vm/vm.js';

const dir = mkdtempSync(join(tmpdir(), 'gene-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function module(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

module('loud.gene', '(println "loaded loud")\n(var n 0)\n(fn bump [] (n += 1) n)\n');
module('cyc-a.gene', '(import * from "cyc-b")\n');
module('cyc-b.gene', '(import * from "cyc-c")\n');
module('cyc-c.gene', '(import * from "cyc-a")\n');
module('fails.gene', '(println "loading fails")\n(throw "boom")\n');
module('bad-syntax.gene', '(fn ok [] 1)\n(println (1 2\n');
module('bad-form.gene', '\n  (var [a b...] [1 2])\n');

/** Run a program on one VM; the program file is in the temp folder, so imports are relative to it. */
async function run(vm: VM, out: string[], source: string): Promise<string | undefined> {
  vm.load(compileSource(source, join(dir, 'main.gene')));
  const r = await drive(vm, vm.run(), vm.host as LocalHost);
  return r.kind === 'error' ? errorLine(r.value, r.loc) : undefined;
}

function newVm(out: string[]): VM {
  return new VM(new LocalHost((_fd, text) => out.push(text)), DEFAULT_LIMITS);
}

describe('module loading (LANG-MOD.3, LANG-MOD.4)', () => {
  it('loads a module once per VM, and again after the VM is reset for a new thread (THR-RESET.1)', async () => {
    const out: string[] = [];
    const vm = newVm(out);
    expect(await run(vm, out, '(import bump from "loud") (import * from "loud") (println (bump) (bump))')).toBeUndefined();
    expect(vm.modules.size).toBe(1);
    vm.reset();
    expect(vm.modules.size).toBe(0);
    expect(await run(vm, out, '(import bump from "loud") (println (bump))')).toBeUndefined();
    expect(out.join('')).toBe('loaded loud\n1 2\nloaded loud\n1\n');
  });

  it('names every file of a cycle, in import order', async () => {
    const out: string[] = [];
    const error = await run(newVm(out), out, '(import * from "cyc-a")');
    expect(error).toMatch(/^Error: ImportError at .*cyc-c\.gene:1:1: Cyclic import: .*cyc-a\.gene -> .*cyc-b\.gene -> .*cyc-c\.gene -> .*cyc-a\.gene$/);
  });

  it('loads a module again after a load that failed and was caught: not a cycle', async () => {
    const out: string[] = [];
    const error = await run(newVm(out), out, [
      '(try (import * from "fails") catch * (println "caught" $ex))',
      '(try (import * from "fails") catch * (println "caught" $ex))',
    ].join('\n'));
    expect(error).toBeUndefined();
    expect(out.join('')).toBe('loading fails\ncaught boom\nloading fails\ncaught boom\n');
  });

  it("reports a module's ParseError and CompileError at the module's own file:line:col", async () => {
    const out: string[] = [];
    expect(await run(newVm(out), out, '(import * from "bad-syntax")')).toMatch(/^Error: ParseError at .*bad-syntax\.gene:\d+:\d+: expected '\)'/);
    expect(await run(newVm(out), out, '(import * from "bad-form")')).toMatch(/^Error: CompileError at .*bad-form\.gene:2:\d+: a rest pattern/);
  });
});

describe('compile errors of ns and import (LANG-MOD.2, LANG-MOD.5)', () => {
  const cases: [string, RegExp][] = [
    ['(import a b)', /t\.gene:1:1: import needs a module/],
    ['(import * from m)', /import: from must be followed by a string path/],
    ['(import from "m")', /import from "m" names nothing/],
    ['(import "x" from "m")', /import: expected a name, got "x"/],
    ['(ns)', /ns expects a name/],
    ['(ns A/)', /ns expects a name/],
    ['(fn A/0 [] 1)', /cannot define A\/0/],
    ['(object A/B)', /an object name is a plain name/],
  ];
  for (const [source, expected] of cases) {
    it(source, () => expect(() => compileSource(source, 't.gene')).toThrow(expected));
  }
});

describe('namespace values', () => {
  it('an import is disassembled with its names and path', () => {
    const text = disassemble(compileSource('(import * a:b N/[c] from "lib/m")', 't.gene'));
    expect(text).toContain('LoadModule');
    expect(text).toContain('<import * a:b N/c:c from "lib/m">');
    expect(text).toContain('ImportNames');
  });

  it('a namespace crosses threads as a copy of its members, functions included (LANG-MOD.7)', async () => {
    const out: string[] = [];
    const vm = newVm(out);
    const ns = new Namespace(null, 'Tools');
    ns.define('name', str('tools'));
    vm.load(compileSource('(fn f [x] (x + 1))', 'f.gene'));
    await drive(vm, vm.run(), vm.host as LocalHost);
    ns.define('f', vm.module.lookup('f')!.v);
    const copy = decode(structuredClone(encode(ns, 'payload', vm.builtins)), newVm([])) as Namespace;
    expect(copy).toBeInstanceOf(Namespace);
    expect(copy).not.toBe(ns);
    expect(copy.name).toBe('Tools');
    expect([...copy.cells.keys()]).toEqual(['name', 'f']);
    expect(copy.cells.get('f')!.v).toBeInstanceOf(GFunction);
  });
});
