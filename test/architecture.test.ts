// The layer rule of docs/architecture.md, checked on the source: every import (type-only ones
// included) goes to the same folder or a lower layer, and no files or folders import each other
// in a cycle. A new folder under src/ must be given a layer here and in the document.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Bottom to top, as drawn in docs/architecture.md. Folders in one row do not import each other. */
export const LAYERS: readonly (readonly string[])[] = [
  ['values'], // what a Gene value is (and a CodeUnit); the closed list of error kinds
  ['ops'], // value operations: arithmetic, access, classes of values
  ['reader', 'bytecode'], // text → values; the instruction table, Op enum and disassembler
  ['compiler'], // values → CodeUnits
  ['contract'], // VMHost, NativeContext, Limits
  ['runtime'], // builtins and prelude, written against the contract
  ['vm'], // machine state, dispatch, unwinding
  ['hosts'], // the local host and what every host shares (driver, timers, prelude compile)
  ['threads'], // the thread host: slots, protocol, mesh, codec, workers
  ['conformance', 'spec'], // applications: the conformance runner, spec tooling
  ['cli'], // the composition root: `gene` and its subcommands
];

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.c?ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** file (relative to src, with `/`) → the files it imports. */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  const rel = (p: string) => relative(SRC, p).split(sep).join('/');
  const known = new Set(files.map(rel));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      const target = rel(normalize(join(dirname(file), spec)));
      const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.cjs$/, '.cts'), `${target}.ts`, `${target}/index.ts`];
      const hit = candidates.find((c) => known.has(c));
      if (hit === undefined) throw new Error(`${rel(file)} imports ${spec}, which is not a source file`);
      targets.push(hit);
    }
    graph.set(rel(file), targets);
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const folderOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');
const layerOf = (folder: string) => LAYERS.findIndex((row) => row.includes(folder));

describe('architecture: layers without cycles', () => {
  const graph = importGraph();

  it('finds the imports (the walk itself works)', () => {
    expect(graph.get('vm/vm.ts')).toContain('vm/machine.ts');
    expect(graph.size).toBeGreaterThan(50);
  });

  it('has no import cycle among files, type-only imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no import cycle among folders', () => {
    const folders = new Map<string, string[]>();
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      const list = folders.get(from) ?? [];
      for (const t of targets) if (folderOf(t) !== from && !list.includes(folderOf(t))) list.push(folderOf(t));
      folders.set(from, list);
    }
    expect(cycles(folders)).toEqual([]);
  });

  it('gives every folder under src/ a layer', () => {
    const unplaced = [...new Set([...graph.keys()].map(folderOf))].filter((f) => layerOf(f) < 0);
    expect(unplaced).toEqual([]);
  });

  it('keeps every source file under 500 lines', () => {
    const long = sourceFiles(SRC)
      .map((f) => [relative(SRC, f).split(sep).join('/'), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 500);
    expect(long).toEqual([]);
  });

  it('imports only from the same folder or a lower layer', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const t of targets) {
        const to = folderOf(t);
        if (to !== from && layerOf(to) >= layerOf(from)) upward.push(`${file} → ${t}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
