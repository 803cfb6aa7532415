// Preloaded (`node --require`) into every process and worker thread a case starts while Stryker
// measures coverage. Stryker's instrumented code counts each mutant it reaches in
// `globalThis.__stryker__.mutantCoverage.static`; a Gene case runs that code in child processes
// and in workers that are terminated, so the counts would be lost. This records each mutant id
// the first time it is reached, synchronously, in GENE_MUTATE_COVERAGE_FILE.
// Plain CommonJS on purpose: it must load before anything else, in every thread, without a loader.
'use strict';
const file = process.env.GENE_MUTATE_COVERAGE_FILE;
if (file) {
  const { appendFileSync } = require('node:fs');
  const seen = new Set();
  const counts = new Proxy(
    {},
    {
      set(target, id, value) {
        if (!seen.has(id)) {
          seen.add(id);
          appendFileSync(file, `${String(id)}\n`);
        }
        target[id] = value;
        return true;
      },
    },
  );
  const ns = globalThis.__stryker__ || (globalThis.__stryker__ = {});
  ns.mutantCoverage = { static: counts, perTest: {} };
}
