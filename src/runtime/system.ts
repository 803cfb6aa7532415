// The platform, as upstream's stdlib has it (LANG-BUILTIN.10): the `system` namespace's os and
// arch. (Environment variables are left out: see the spec.)
import { GMap, NativeFn, str, type Value } from '../values/values.js';

/** Upstream's names: Nim's `hostOS`/`hostCPU` as its system/os and system/arch give them. */
const OS_NAMES: Record<string, string> = { darwin: 'macos', win32: 'windows' };
const ARCH_NAMES: Record<string, string> = { x64: 'amd64', ia32: 'i386' };

/** LANG-BUILTIN.10: the read-only `system` namespace. */
export function systemNamespace(): GMap {
  const os = OS_NAMES[process.platform] ?? process.platform;
  const arch = ARCH_NAMES[process.arch] ?? process.arch;
  return new GMap(
    new Map<string, Value>([
      ['os', new NativeFn('system/os', () => str(os))],
      ['arch', new NativeFn('system/arch', () => str(arch))],
    ]),
    'system',
  );
}
