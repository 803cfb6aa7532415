// Namespaces and imports (spec/language/modules.md): `(ns Name body…)`, `$ns`, names that are
// paths (`fn A/f`, `class Geometry/Shape`, `(ns /m)`), and `(import … from "file")`.
import { GGene, GString, Sym, type ImportSpec, type Value } from '../values/values.js';
import { repr } from '../values/print.js';
import { Op } from '../bytecode/opcodes.js';
import type { FormCompiler } from './form-compiler.js';
import { findModuleFile } from '../ops/module-path.js';
import { ModuleFileError } from '../reader/source-file.js';
import { CompileError, ParseError } from '../values/errors.js';

export const MODULE_FORMS = ['ns', 'import'] as const;

/** The local that holds `$ns` inside an `(ns Name body…)` body. */
const NS_LOCAL = '$ns';

export function compileModuleForm(c: FormCompiler, name: string, g: GGene): void {
  if (name === 'ns') compileNs(c, g);
  else compileImport(c, g);
}

/**
 * modules.md#define: bind the value on the stack (it stays) to a definition's name. A plain name
 * is declared in the current scope; `A/B/x` sets member x of namespace A/B; `/x` and `$ns/x`
 * set a member of the current namespace.
 */
export function defineName(c: FormCompiler, name: Sym, at: Value): void {
  const fn = c.fn;
  const path = name.name.startsWith('/') ? `$ns${name.name}` : name.name;
  if (!path.includes('/')) {
    fn.emitStore(fn.declare(path), true);
    return;
  }
  const cut = path.lastIndexOf('/');
  const [parent, member] = [path.slice(0, cut), path.slice(cut + 1)];
  if (parent === '' || member === '' || /^-?\d+$/.test(member) || member.startsWith('.')) c.fail(`cannot define ${name.name}: expected Name, /Name or Namespace/Name`, at);
  c.compileExpr(new Sym(parent, name.loc));
  fn.emit(Op.Swap);
  fn.emit(Op.SetMember, fn.name_(member));
}

/** The last segment of a definition's name: what the function, class or namespace is called. */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** modules.md#dollar-ns: `$ns` is the namespace of an enclosing `ns` body, else the module's. */
export function compileNsRef(c: FormCompiler): void {
  for (let f: typeof c.fn | null = c.fn; f !== null; f = f.parent) {
    if (f.findLocal(NS_LOCAL) !== undefined) {
      c.fn.emitLoad(c.fn.resolve(NS_LOCAL));
      return;
    }
  }
  c.fn.emit(Op.LoadNs);
}

/** modules.md#ns: `(ns Name body…)` makes a namespace, binds it, then runs the body with `$ns` = it. */
function compileNs(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  const [nameSym, ...body] = g.children;
  if (!(nameSym instanceof Sym) || nameSym.name === '/' || nameSym.name.endsWith('/')) c.fail('ns expects a name: (ns Name body…)', g);
  const short = shortName(nameSym.name);
  fn.emit(Op.MakeNamespace, fn.name_(short));
  defineName(c, nameSym, g);
  if (body.length === 0) return;
  // The body is a function of `$ns`: its own `var`s and `fn`s are local to it, as upstream's are.
  const unit = c.compileFunction(`ns ${short}`, [new Sym(NS_LOCAL)], body, g.loc ?? fn.loc, false);
  fn.emit(Op.Closure, fn.constant(unit));
  fn.emit(Op.Over);
  fn.emit(Op.Call, 1);
  fn.emit(Op.Pop);
}

/** modules.md#import: `(import * from "m")`, `(import a b:alias n/f n/[x y] from "m")`. */
function compileImport(c: FormCompiler, g: GGene): void {
  const fn = c.fn;
  if (!fn.isModule) c.fail('import belongs at the top level of a file or spawn body, not inside a function', g);
  const spec = parseImport(c, g);
  const k = fn.constant(c.options.embedImports ? { ...spec, ...embedModule(c, spec) } : spec);
  fn.emit(Op.LoadModule, k);
  fn.emit(Op.Call, 0);
  fn.emit(Op.Pop);
  fn.emit(Op.ImportNames, k);
}

/**
 * LANG-MOD.7: a spawned body's import carries its module compiled here (a worker has no compiler).
 * A missing file or a cycle embeds nothing: the worker finds the same and raises the same error.
 */
function embedModule(c: FormCompiler, spec: ImportSpec): Pick<ImportSpec, 'unit' | 'error'> {
  const found = findModuleFile(spec.path, spec.from);
  if ('missing' in found) return {};
  const table = c.options.embedImports!;
  let unit = table.get(found.abs);
  if (unit === 'compiling') return {};
  if (unit === undefined) {
    table.set(found.abs, 'compiling');
    try {
      unit = c.compileModuleFile(found.file);
    } catch (e) {
      table.delete(found.abs);
      if (e instanceof ParseError) return { error: { kind: 'ParseError', message: e.detail, loc: e.loc } };
      if (e instanceof CompileError) return { error: { kind: 'CompileError', message: e.detail, loc: e.loc } };
      if (e instanceof ModuleFileError) return { error: { kind: 'ImportError', message: e.message } };
      throw e;
    }
    table.set(found.abs, unit);
  }
  return { unit: c.fn.constant(unit) };
}

function parseImport(c: FormCompiler, g: GGene): ImportSpec {
  const items: { name: string; as: string }[] = [];
  let path: string | undefined;
  const xs = g.children;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x instanceof Sym && x.name === 'from') {
      const p = xs[++i];
      if (!(p instanceof GString)) c.fail('import: from must be followed by a string path, e.g. (import * from "lib")', g);
      path = p.s;
    } else if (x instanceof Sym && x.name.endsWith('/') && Array.isArray(xs[i + 1])) {
      // `n/[a b:alias]`: names inside namespace n.
      for (const y of xs[++i] as Value[]) items.push(importItem(c, y, x.name, g));
    } else items.push(importItem(c, x, '', g));
  }
  if (path === undefined) c.fail('import needs a module: (import a b from "file")', g);
  if (items.length === 0) c.fail(`import from "${path}" names nothing: write (import * from "${path}") or list names`, g);
  return { kind: 'import', path, from: c.file, items };
}

/** `*`, `name`, `name:alias`, `ns/name` (bound as `name`). */
function importItem(c: FormCompiler, x: Value, prefix: string, g: GGene): { name: string; as: string } {
  if (!(x instanceof Sym)) c.fail(`import: expected a name, got ${repr(x)}`, g);
  if (x.name === '*' && prefix === '') return { name: '*', as: '*' };
  const colon = x.name.indexOf(':');
  const name = prefix + (colon > 0 ? x.name.slice(0, colon) : x.name);
  const as = colon > 0 ? x.name.slice(colon + 1) : shortName(name);
  if (as === '' || name.split('/').some((s) => s === '')) c.fail(`import: bad name ${x.name}`, x);
  return { name, as };
}
