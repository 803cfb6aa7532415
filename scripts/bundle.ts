// The build's last step (after tsc): bundle the two entry points of compiled code, each into one
// file. A process or Worker that loads one file starts faster and uses less memory than one that
// resolves and compiles ~30–130 modules (THR-PERF cold spawn and RSS per thread; the start-up of
// every `gene run`, which every conformance case pays). The bundles sit beside the modules they
// replace, so paths found from `import.meta.url` stay the same. Then V8's code cache of the
// Worker bundle is made afresh (src/threads/worker-code.ts).
//   npx tsx scripts/bundle.ts
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { type BuildOptions, build } from 'esbuild';

const WORKER_BUNDLE = 'dist/threads/worker-bundle.js';

const BUNDLES: { entry: string; out: string; options: BuildOptions }[] = [
  // What a Worker runs (one per thread): a classic script, not a module, because only a script
  // compiles with V8's code cache (node:vm) on Node 20. worker-boot.cjs runs it: its last
  // statement is the entry's exports; its imports of Node's modules are `require` calls.
  {
    entry: 'dist/threads/worker-main.js',
    out: WORKER_BUNDLE,
    options: { format: 'iife', globalName: 'geneWorker', footer: { js: 'geneWorker;' }, define: { 'import.meta.url': 'geneWorkerBundleUrl' } },
  },
  // What `gene` (bin/gene.js) loads: the whole CLI on thread 0.
  { entry: 'dist/cli/main.js', out: 'dist/cli/gene-bundle.js', options: { format: 'esm' } },
];

for (const { entry, out, options } of BUNDLES) {
  const result = await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    // Packages stay imports (none are runtime dependencies today; a future one keeps its own files).
    packages: 'external',
    ...options,
  });
  // esbuild's list of the modules in the bundle (test/worker-graph.test.ts reads the Worker's).
  await writeFile(out.replace(/\.js$/, '.meta.json'), JSON.stringify(result.metafile));
}

// The code cache: the old one belongs to the old bundle; a program that spawns makes the new one
// (its first Worker writes it once the spawned body has run).
await rm(WORKER_BUNDLE.replace(/\.js$/, '.v8cache'), { force: true });
execFileSync(process.execPath, ['bin/gene.js', 'eval', '(await (spawn_return 1))'], { stdio: 'inherit' });
