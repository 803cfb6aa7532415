// What a VM remembers of the modules it imported (spec/language/modules.md): one record per file,
// kept until the VM is reset for a new thread, so a module is loaded once per thread (LANG-MOD.3).
import type { GFunction, Namespace } from '../values/values.js';

export interface ModuleRecord {
  /** The file as the program names it (relative paths stay relative), for messages. */
  readonly file: string;
  readonly ns: Namespace;
  /** Runs the module's top level in `ns`. */
  readonly body: GFunction;
  /** Names declared by the module's top-level `var`: private, never imported (modules.md#private). */
  readonly privateNames: ReadonlySet<string>;
  /** 'loading' while its body runs (a second import then is a cycle, LANG-MOD.4). */
  state: 'loading' | 'loaded';
}

/** Loaded modules by absolute path. */
export type ModuleTable = Map<string, ModuleRecord>;
