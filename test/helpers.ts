// Run Gene source in-process on a VM with a single-thread host, capturing output.
import { compileSource, errorLine } from '../src/cli/compile.js';
import { drive } from '../src/hosts/driver.js';
import { DEFAULT_LIMITS, type Limits } from '../src/contract/limits.js';
import { LocalHost } from '../src/hosts/local-host.js';
import { VM } from '../src/vm/vm.js';

export interface Outcome {
  out: string;
  err: string;
  /** The uncaught-error line, if the program failed. */
  error?: string;
}

export async function runGene(source: string, limits: Partial<Limits> = {}): Promise<Outcome> {
  let out = '';
  let err = '';
  const host = new LocalHost((fd, text) => {
    if (fd === 1) out += text;
    else err += text;
  });
  const vm = new VM(host, { ...DEFAULT_LIMITS, ...limits });
  vm.load(compileSource(source, 't.gene'));
  const r = await drive(vm, vm.run(), host, () => host.hasPendingCallbacks());
  return r.kind === 'error' ? { out, err, error: errorLine(r.value, r.loc) } : { out, err };
}
