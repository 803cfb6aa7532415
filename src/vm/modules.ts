// Imports (spec/language/modules.md): `(import * from "m")` and `(import a b:alias ns/f from "m")`
// find the file next to the importing one, run it once per thread in a namespace of its own, and
// bind copies of the values it defines in the importer's module namespace.
import { findModuleFile } from '../ops/module-path.js';
import { geneError } from '../values/errors.js';
import { GFunction, Namespace, NativeFn, type CodeUnit, type ImportSpec, type Value } from '../values/values.js';
import type { Frame } from './frame.js';
import type { Machine } from './machine.js';
import type { ModuleRecord } from './module-record.js';

/**
 * Compiles an imported file, raising a Gene error (the module's ParseError or CompileError at its
 * own file:line:col, an ImportError for an unreadable file). Given by whoever runs programs from
 * source (cli/compile.ts); a Worker has none, so that no compiler is loaded there: it runs the
 * units its spawner embedded in the imports of a spawned body (LANG-MOD.7).
 */
export type ModuleCompiler = (file: string) => CodeUnit;
let moduleCompiler: ModuleCompiler | null = null;

export function useModuleCompiler(compile: ModuleCompiler): void {
  moduleCompiler = compile;
}

/** What LoadModule pushes as the body of a module this thread has loaded already. */
const ALREADY_LOADED = new NativeFn('<module loaded>', () => null);

/**
 * LANG-MOD.3: the namespace of the module `spec` names and the function that runs its top level —
 * a no-op when this thread has loaded it already. A module still loading is a cycle (LANG-MOD.4).
 */
export function loadModule(vm: Machine, frame: Frame, spec: ImportSpec): [Namespace, Value] {
  const found = findModuleFile(spec.path, spec.from);
  if ('missing' in found) throw geneError('ImportError', found.missing);
  const { abs, file } = found;
  const known = vm.modules.get(abs);
  if (known !== undefined) {
    if (known.state === 'loaded') return [known.ns, ALREADY_LOADED];
    const chain = loadingChain(vm, known);
    // A load that failed earlier (and was caught) is not running: load the file again.
    if (chain.length > 0) throw geneError('ImportError', `Cyclic import: ${[...chain, known.file].join(' -> ')}`);
  }
  const unit = moduleUnit(frame, spec, file);
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

/** The module's code: embedded by the spawner, else compiled here. */
function moduleUnit(frame: Frame, spec: ImportSpec, file: string): CodeUnit {
  if (spec.unit !== undefined) return frame.consts[spec.unit] as CodeUnit;
  if (spec.error !== undefined) {
    const t = geneError(spec.error.kind, spec.error.message);
    t.loc = spec.error.loc;
    throw t;
  }
  if (moduleCompiler === null) throw geneError('ImportError', `Module ${file} cannot be compiled in this thread`);
  return moduleCompiler(file);
}
