// Runs one Gene program <reps> times in a fresh VM each, from a given copy of dist/, so that a
// parent can count the machine instructions it takes under valgrind (instruction-count.ts).
// Plain node, no tsx: the parent turns this file into JavaScript, so that nothing but the
// program's own work differs between two counts. argv: <dist dir> <program file> <safepoints 0|1> <reps>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, programFile, safepointsArg, repsArg] = process.argv.slice(2) as [string, string, string, string];
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(distDir, path)).href)) as T;
const { compileSource } = await load<typeof import('../src/cli/compile.js')>('cli/compile.js');
const { drive } = await load<typeof import('../src/hosts/driver.js')>('hosts/driver.js');
const { DEFAULT_LIMITS } = await load<typeof import('../src/contract/limits.js')>('contract/limits.js');
const { LocalHost } = await load<typeof import('../src/hosts/local-host.js')>('hosts/local-host.js');
const { VM } = await load<typeof import('../src/vm/vm.js')>('vm/vm.js');

const source = readFileSync(programFile, 'utf8');
const unit = compileSource(source, 'count.gene', { safepoints: safepointsArg === '1' });
for (let i = 0; i < Number(repsArg); i++) {
  const host = new LocalHost(() => {});
  const vm = new VM(host, { ...DEFAULT_LIMITS, maxCallDepth: 100000 });
  vm.load(unit);
  const r = await drive(vm, vm.run(), host);
  if (r.kind !== 'done') throw new Error(`count-child: the program failed: ${JSON.stringify(r)}`);
}
