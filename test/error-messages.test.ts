// Issue 12 point 5: each of these used to give a misleading message, a JavaScript stack trace or
// a host crash. Each must be one `Error:` line naming the problem and the place, exit status 1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const gene = join(import.meta.dirname, '..', 'bin', 'gene.js');
const dir = mkdtempSync(join(tmpdir(), 'gene-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runFile(name: string, bytes: string | Buffer) {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return spawnSync(process.execPath, [gene, 'run', p], { encoding: 'utf8', timeout: 60_000, cwd: dir });
}

function oneErrorLine(r: ReturnType<typeof runFile>): string {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  return lines[0]!;
}

describe('clear errors (issue 12 point 5)', () => {
  const cases: [string, string, RegExp][] = [
    ['rest-pattern', '(var [p q...] [1 2 3])', /CompileError at .*:1:9: a rest pattern q\.\.\. is not supported/],
    ['bad-param', '(fn f ["a"] 1)', /CompileError at .*: bad parameter "a": expected a name/],
    ['repeat-count', '(repeat "3" (println 1))', /TypeError at .*:1:1: repeat expects an Int count/],
    ['rest-arity', '(fn f [a b...] a) (f)', /ArgumentError at .*: Expected at least 1 argument, got 0 \(f\)/],
    ['method-name', '(1 .foo)', /MethodNotFound at .*: Method foo not found on VkInt/],
    ['void-path-call', '(gene/io/read "x")', /TypeError at .*:1:1: Cannot call gene\/io\/read: it is not defined/],
    ['hash-brace', '(println #{1 2})', /ParseError at .*:1:10: '#\{' outside a string is not supported/],
    ['to-i', '("12abc" .to_i)', /ArgumentError at .*: to_i requires a numeric string, got "12abc"/],
    ['import-missing', '(println 1)\n  (import * from "m")', /ImportError at .*import-missing\.gene:2:3: Module "m" not found: no file .*m\.gene/],
    ['instance-method', '(class Dog) ((new Dog) .fly)', /MethodNotFound at .*: Method fly not found on an instance of Dog/],
  ];
  for (const [name, source, expected] of cases) {
    it(name, () => expect(oneErrorLine(runFile(`${name}.gene`, source))).toMatch(expected));
  }

  it('gene run on a directory names it', () => {
    const r = spawnSync(process.execPath, [gene, 'run', dir], { encoding: 'utf8', timeout: 30_000 });
    expect(oneErrorLine(r)).toBe(`Error: ${dir} is a directory; gene run expects a .gene file`);
  });

  it('invalid UTF-8 is a ParseError at the bad byte, nothing runs', () => {
    const r = runFile('utf8.gene', Buffer.concat([Buffer.from('(println "ok")\n(println "a'), Buffer.from([0xff]), Buffer.from('")\n')]));
    expect(r.stdout).toBe('');
    expect(oneErrorLine(r)).toMatch(/ParseError at .*utf8\.gene:2:12: invalid UTF-8 \(byte 0xFF/);
  });

  it('a string too large for the host is one OutOfMemory line, not a crash', () => {
    const r = runFile('oom.gene', '(var s "x") (repeat 40 (s .append (s .substr 0)))');
    expect(oneErrorLine(r)).toMatch(/OutOfMemory at .*: String too large/);
  });
});
