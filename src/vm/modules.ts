// Imports (spec/language/modules.md): `(import * from "m")` and `(import a b:alias ns/f from "m")`
// find the file next to the importing one, run it once per thread in a namespace of its own, and
// bind copies of the values it defines in the importer's module namespace.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Compiler } from '../compiler/compiler.js';
import { readAll } from '../reader/reader.js';
import { readSourceFile } from '../reader/source-file.js';
import { CompileError, GeneThrow, ParseError, geneError } from '../values/errors.js';
import { GFunction, Namespace, NativeFn, type ImportSpec, type Loc, type Value } from '../values/values.js';
import type { Frame } from './frame.js';
import type { Machine } from './machine.js';
import type { ModuleRecord } from './module-record.js';

/** What LoadModule pushes as the body of a module this thread has loaded already. */
const ALREADY_LOADED = new NativeFn('<module loaded>', () => null);

/**
 * LANG-MOD.3: the namespace of the module `spec` names and the function that runs its top level —
 * a no-op when this thread has loaded it already. A module still loading is a cycle (LANG-MOD.4).
 */
export function loadModule(vm: Machine, spec: ImportSpec): [Namespace, Value] {
  const { abs, file } = findModuleFile(spec);
  const known = vm.modules.get(abs);
  if (known !== undefined) {
    if (known.state === 'loaded') return [known.ns, ALREADY_LOADED];
    const chain = loadingChain(vm, known);
    // A load that failed earlier (and was caught) is not running: load the file again.
    if (chain.length > 0) throw geneError('ImportError', `Cyclic import: ${[...chain, known.file].join(' -> ')}`);
  }
  const unit = compileModuleFile(file);
  const ns = new Namespace(vm.builtins, file);
  ns.define('__is_main__', false); // modules.md#is-main: true only in the program's own file
  const record: ModuleRecord = {
    file,
    ns,
    body: new GFunction(unit, [], ns),
    privateNames: new Set(unit.moduleVars ?? []),
    state: 'loading',
  };
  vm.modules.set(abs, record);
  return [ns, record.body];
}

/**
 * LANG-MOD.2: bind the imported names in the running function's module namespace. Values are
 * copied at import time: a later `($ns/x = …)` in the module is not seen by the importer.
 */
export function importNames(vm: Machine, frame: Frame, ns: Namespace, spec: ImportSpec): void {
  const record = [...vm.modules.values()].find((r) => r.ns === ns)!;
  record.state = 'loaded';
  const into = frame.globals;
  for (const { name, as } of spec.items) {
    if (name === '*') {
      for (const [k, cell] of ns.cells) if (!record.privateNames.has(k) && !k.startsWith('__')) into.define(k, cell.v);
    } else into.define(as, importedValue(record, name));
  }
}

/** `name` or `ns/name` in a module: one of its own definitions, never a private `var`. */
function importedValue(record: ModuleRecord, path: string): Value {
  const segs = path.split('/');
  let v: Value = record.ns;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const cell: { v: Value } | undefined = v instanceof Namespace ? v.cells.get(seg) : undefined;
    if (cell === undefined || (i === 0 && record.privateNames.has(seg))) {
      const where = i === 0 ? record.file : `${segs.slice(0, i).join('/')} in ${record.file}`;
      throw geneError('ImportError', `${where} does not define ${seg}${i === 0 && record.privateNames.has(seg) ? ' (a var is private to its module)' : ''}`);
    }
    v = cell.v;
  }
  return v;
}

/** The module files being loaded, outermost first, from `from` on; empty when it is not running. */
function loadingChain(vm: Machine, from: ModuleRecord): string[] {
  const loading = new Map<GFunction, ModuleRecord>();
  for (const r of vm.modules.values()) if (r.state === 'loading') loading.set(r.body, r);
  const chain: string[] = [];
  for (let d = 0; d < vm.depth; d++) {
    const r = loading.get(vm.frames[d]!.fn);
    if (r === from || (chain.length > 0 && r !== undefined)) chain.push(r.file);
  }
  return chain;
}

/** LANG-MOD.1: `"m"` is the file `m.gene` (or `m` as written) next to the importing file. */
function findModuleFile(spec: ImportSpec): { abs: string; file: string } {
  const dir = dirname(spec.from);
  const candidates = spec.path.endsWith('.gene') ? [spec.path] : [`${spec.path}.gene`, spec.path];
  for (const c of candidates) {
    const file = isAbsolute(c) ? c : join(dir, c);
    if (isFile(file)) return { abs: resolve(file), file };
  }
  const tried = candidates.map((c) => (isAbsolute(c) ? c : join(dir, c))).join(' or ');
  throw geneError('ImportError', `Module "${spec.path}" not found: no file ${tried} (imported by ${spec.from})`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Read and compile a module; its ParseError or CompileError names the module's own file:line:col. */
function compileModuleFile(file: string) {
  const source = readSourceFile(file);
  if (!source.ok) {
    if (source.invalidText) throw geneError('ParseError', source.error.replace(/^ParseError at /, ''));
    throw geneError('ImportError', source.error);
  }
  try {
    return new Compiler(file).compileModule(readAll(source.text, file));
  } catch (e) {
    if (e instanceof ParseError || e instanceof CompileError) throw located(e instanceof ParseError ? 'ParseError' : 'CompileError', e.detail, e.loc);
    throw e;
  }
}

function located(kind: 'ParseError' | 'CompileError', detail: string, loc: Loc | undefined): GeneThrow {
  const t = geneError(kind, detail);
  t.loc = loc;
  return t;
}
