// The prelude compiled once per process, on thread 0 only: Workers receive these units and never
// load the compiler (THR-PERF).
import { Compiler } from '../compiler/compiler.js';
import { readAll } from '../reader/reader.js';
import { PRELUDE_SOURCE } from '../runtime/prelude.js';
import { isCodeUnit, type CodeUnit } from '../values/values.js';

let units: readonly CodeUnit[] | null = null;

export function compiledPrelude(): readonly CodeUnit[] {
  if (units === null) {
    const module = new Compiler('<prelude>').compileModule(readAll(PRELUDE_SOURCE, '<prelude>'));
    units = module.consts.filter(isCodeUnit);
  }
  return units;
}
