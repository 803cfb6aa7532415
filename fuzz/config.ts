// Shared settings for the property suites: short seeded runs in `npm test`, long runs with
// `npm run fuzz -- --runs N --seed S`. Every failure prints its seed and a replay command.
import fc from 'fast-check';

const envRuns = Number(process.env.GENE_FUZZ_RUNS ?? '');
const envSeed = Number(process.env.GENE_FUZZ_SEED ?? '');

/** The seed of this run: fixed in `npm test`, random (but printed) in long runs. */
export const FUZZ_SEED = Number.isFinite(envSeed) && process.env.GENE_FUZZ_SEED ? envSeed : 20261124;
export const LONG_RUN = Number.isFinite(envRuns) && envRuns > 0;

/**
 * fast-check parameters for one property: `short` runs normally, GENE_FUZZ_RUNS in long runs
 * (times `longShare` for a property whose runs are much slower than the others').
 */
export function fuzzParams<T>(name: string, short: number, longShare = 1): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: LONG_RUN ? Math.max(1, Math.round(envRuns * longShare)) : short,
    endOnFailure: true,
    reporter: (details) => {
      if (!details.failed) return;
      const replay = `npm run fuzz -- --seed ${details.seed} --only "${name}"` +
        (details.counterexamplePath ? ` --path ${details.counterexamplePath}` : '');
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`${fc.defaultReportMessage(details)}\nError: ${cause}\nReplay: ${replay}`);
    },
    ...(process.env.GENE_FUZZ_PATH ? { path: process.env.GENE_FUZZ_PATH } : {}),
  };
}
