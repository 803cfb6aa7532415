// The build's last step (after tsc): bundle the two entry points of compiled code, each into one
// file. A process or Worker that loads one file starts faster and uses less memory than one that
// resolves and compiles ~30–130 modules (THR-PERF cold spawn and RSS per thread; the start-up of
// every `gene run`, which every conformance case pays). The bundles sit beside the modules they
// replace, so paths found from `import.meta.url` stay the same.
//   npx tsx scripts/bundle.ts
import { writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const BUNDLES = [
  // What a Worker loads (thread-host: one per thread).
  { entry: 'dist/threads/worker-main.js', out: 'dist/threads/worker-bundle.js' },
  // What `gene` (bin/gene.js) loads: the whole CLI on thread 0.
  { entry: 'dist/cli/main.js', out: 'dist/cli/gene-bundle.js' },
];

for (const { entry, out } of BUNDLES) {
  const result = await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    // Packages stay imports (none are runtime dependencies today; a future one keeps its own files).
    packages: 'external',
  });
  // esbuild's list of the modules in the bundle (test/worker-graph.test.ts reads the Worker's).
  await writeFile(out.replace(/\.js$/, '.meta.json'), JSON.stringify(result.metafile));
}
