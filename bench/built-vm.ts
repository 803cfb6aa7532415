// The built VM (dist/), as `gene run` loads it, for the benchmarks that time Gene programs in this
// process (vm-speed.ts, strings.ts). Typed by the sources.
const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { compileSource } = (await import(dist('cli/compile.js'))) as typeof import('../src/cli/compile.js');
const { drive } = (await import(dist('hosts/driver.js'))) as typeof import('../src/hosts/driver.js');
const { DEFAULT_LIMITS } = (await import(dist('contract/limits.js'))) as typeof import('../src/contract/limits.js');
const { LocalHost } = (await import(dist('hosts/local-host.js'))) as typeof import('../src/hosts/local-host.js');
const { VM } = (await import(dist('vm/vm.js'))) as typeof import('../src/vm/vm.js');

/** What a timing needs from one build of the VM (the built one, or a modified copy of it). */
export interface VmModules {
  compileSource: typeof compileSource;
  LocalHost: typeof LocalHost;
  VM: typeof VM;
}
export const built: VmModules = { compileSource, LocalHost, VM };

/** ms to run a Gene program in a fresh VM (compiled beforehand, outside the timing). */
export async function timeGene(source: string, safepoints = true, m: VmModules = built): Promise<number> {
  const unit = m.compileSource(source, 'bench.gene', { safepoints });
  const host = new m.LocalHost(() => {});
  const vm = new m.VM(host, { ...DEFAULT_LIMITS, maxCallDepth: 100000 });
  vm.load(unit);
  const t0 = performance.now();
  const r = await drive(vm, vm.run(), host);
  if (r.kind !== 'done') throw new Error(`benchmark program failed: ${JSON.stringify(r)}`);
  return performance.now() - t0;
}
