// A CompilationUnit is plain data (DESIGN §1): it can be copied to a worker as is.
import type { Cell, Value } from '../runtime/values.js';

/** A keyword parameter: `^k` (required), `^k = v`, `^^k` (default true), `^!k` (default nil). */
export interface KeywordParam {
  readonly name: string;
  readonly slot: number;
  readonly required: boolean;
}

/** How a closure gets each captured cell: from the creating frame's local slot, or its own captures. */
export interface CaptureSpec {
  readonly fromLocal: boolean;
  readonly index: number;
}

/** What a `spawn` carries besides the body: names captured lexically and from the module. */
export interface SpawnSpec {
  readonly kind: 'spawn';
  readonly body: CodeUnit;
  /** Names whose values the spawner pushes before SpawnThread, in order (`^args` first). */
  readonly pushedNames: readonly string[];
  /** Free names of the body to look up in the spawner's module namespace at spawn time. */
  readonly moduleNames: readonly string[];
}

/** Keys of a map or gene literal, in order. */
export interface KeyList {
  readonly kind: 'keys';
  readonly keys: readonly string[];
}

export type Constant = Value | CodeUnit | SpawnSpec | KeyList;

export interface CodeUnit {
  readonly kind: 'unit';
  readonly name: string;
  readonly file: string;
  readonly code: Int32Array;
  /** Source line and column of the form each instruction came from (parallel to `code`). */
  readonly lines: Int32Array;
  readonly cols: Int32Array;
  readonly consts: Constant[];
  readonly names: string[];
  readonly nlocals: number;
  /** Positional parameters occupy slots 0..nparams-1; the first `nrequired` are required. */
  readonly nparams: number;
  readonly nrequired: number;
  /** Slot of `rest...`, or -1. */
  readonly restSlot: number;
  readonly kwParams: readonly KeywordParam[];
  /** The argument count of a plain call that needs no binding work, or -1 (the VM's fast path). */
  readonly fastArity: number;
  readonly captures: readonly CaptureSpec[];
  readonly isAsync: boolean;
  /** Module-level names this unit (and units nested in it) read or write: what a sent function "uses". */
  readonly globalNames: readonly string[];
  /** Runtime-only inline cache for LoadGlobal (never copied between threads). */
  globalCache?: (Cell | undefined)[];
  globalCacheVersion?: number;
  /** Runtime-only: the module cells StoreGlobal/DefineGlobal write (own cells never change)… */
  storeCache?: (Cell | undefined)[];
  /** …in this namespace (a unit may run in several: the prelude in every VM). */
  storeCacheOwner?: object;
}

export function isCodeUnit(c: unknown): c is CodeUnit {
  return typeof c === 'object' && c !== null && (c as { kind?: unknown }).kind === 'unit';
}

