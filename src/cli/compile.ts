// Gene source to a CodeUnit, and the one-line reports of what went wrong (gene-core §9): what
// `gene run`, `eval`, `compile` and the REPL share.
import { readAll } from '../reader/reader.js';
import { Compiler, compileModuleFile, DEFAULT_COMPILE_OPTIONS, type CompileOptions } from '../compiler/compiler.js';
import { ModuleFileError } from '../reader/source-file.js';
import type { CodeUnit } from '../values/values.js';
import { CompileError, ParseError, formatLoc, geneError, kindOf, messageOf } from '../values/errors.js';
import type { Loc, Value } from '../values/values.js';
import { useModuleCompiler } from '../vm/modules.js';

/** What every program compiled here is compiled with: `--contracts=off` turns contracts off (LANG-CONTRACT.3). */
let programOptions: CompileOptions = DEFAULT_COMPILE_OPTIONS;
export function setProgramOptions(options: Partial<CompileOptions>): void {
  programOptions = { ...programOptions, ...options };
}

// LANG-MOD.1: programs compiled here (on thread 0) compile the files they import as they run.
useModuleCompiler((file) => {
  try {
    return compileModuleFile(file, programOptions);
  } catch (e) {
    if (e instanceof ModuleFileError) throw geneError('ImportError', e.message);
    if (!(e instanceof ParseError || e instanceof CompileError)) throw e;
    // Reported at the module's own file:line:col.
    const t = geneError(e instanceof ParseError ? 'ParseError' : 'CompileError', e.detail);
    t.loc = e.loc;
    throw t;
  }
});

/** Compile source text; throws ParseError or CompileError. */
export function compileSource(source: string, file: string, options: CompileOptions = programOptions): CodeUnit {
  return new Compiler(file, options).compileModule(readAll(source, file));
}

/** The one `Error: …` line for an uncaught error (host contract v1). */
export function errorLine(value: Value, loc: Loc | undefined): string {
  return `Error: ${kindOf(value)}${loc ? ` at ${formatLoc(loc)}` : ''}: ${messageOf(value)}`;
}

export function staticErrorLine(e: unknown): string | null {
  if (e instanceof ParseError) return `Error: ParseError at ${formatLoc(e.loc)}: ${e.detail}`;
  if (e instanceof CompileError) return `Error: CompileError${e.loc ? ` at ${formatLoc(e.loc)}` : ''}: ${e.detail}`;
  return null;
}
