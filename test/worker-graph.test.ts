// Workers never load the reader or compiler: each module a Worker loads costs every thread
// memory (THR-PERF, RSS per idle thread). Walks the built worker entry's static imports.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(/^import [^;]*? from '(\.[^']+)'/gm)) {
      todo.push(normalize(join(dirname(file), m[1]!)));
    }
  }
  return seen;
}

describe('worker module graph', () => {
  it('has no reader or compiler in it', () => {
    const graph = [...moduleGraph('dist/threads/worker-main.js')];
    expect(graph).toContain('dist/vm/dispatch.js');
    expect(graph.filter((f) => f.startsWith('dist/reader/') || f.startsWith('dist/compiler/'))).toEqual([]);
  });
});

describe('worker bundle', () => {
  // The build bundles the worker entry into one file (fewer modules: less memory and start-up per
  // Worker); thread 0 starts Workers from it. esbuild's metafile lists the modules it holds.
  const bundled = (): string[] => {
    const meta = JSON.parse(readFileSync(join(root, 'dist/threads/worker-bundle.meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    return Object.keys(meta.inputs);
  };

  it('is built from the worker entry and has no reader or compiler in it', () => {
    const modules = bundled();
    expect(modules).toContain('dist/vm/dispatch.js');
    expect(modules).toContain('dist/threads/worker-main.js');
    expect(modules.filter((f) => f.startsWith('dist/reader/') || f.startsWith('dist/compiler/'))).toEqual([]);
  });

  it('is not older than the modules it holds (a build that skips the bundle step would run stale Worker code)', () => {
    const built = statSync(join(root, 'dist/threads/worker-bundle.js')).mtimeMs;
    const newer = bundled().filter((f) => statSync(join(root, f)).mtimeMs > built);
    expect(newer, 'dist/threads/worker-bundle.js is older than these; run `npm run build` (tsc, then the bundle)').toEqual([]);
  });
});
