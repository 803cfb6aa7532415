// Gene source to a CodeUnit, and the one-line reports of what went wrong (gene-core §9): what
// `gene run`, `eval`, `compile` and the REPL share.
import { readAll } from '../reader/reader.js';
import { Compiler, type CompileOptions } from '../compiler/compiler.js';
import type { CodeUnit } from '../values/values.js';
import { CompileError, ParseError, formatLoc, kindOf, messageOf } from '../values/errors.js';
import type { Loc, Value } from '../values/values.js';

/** Compile source text; throws ParseError or CompileError. */
export function compileSource(source: string, file: string, options?: CompileOptions): CodeUnit {
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
