// Workers never load the reader or compiler: each module a Worker loads costs every thread
// memory (THR-PERF, RSS per idle thread). Walks the built worker entry's static imports.
import { readFileSync } from 'node:fs';
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
