// Gene values (gene-core.md §2.1). Ints are JS numbers (always integral, 48-bit);
// every other kind is a small class so that printing, equality and copying can tell kinds apart.
import type { ContractCheck, TypeCheck } from './types.js';

/** A source position: 1-based line and column. */
export interface Loc {
  file: string;
  line: number;
  col: number;
}

export type Value =
  | null
  | boolean
  | number
  | GFloat
  | GString
  | Sym
  | GChar
  | Value[]
  | GMap
  | GGene
  | GRange
  | GFunction
  | NativeFn
  | GFuture
  | ThreadHandle
  | ThreadMessageValue
  | GInstance
  | GClass
  | Namespace
  | GGenerator
  | VoidValue;

export const INT_MAX = 140737488355327; // 2^47 - 1 (gene-core §1.2)
export const INT_MIN = -140737488355328;

export class GFloat {
  constructor(readonly v: number) {}
}

/** Strings are mutable objects: `.append` changes every variable bound to the same string. */
export class GString {
  /** Code-point index of the current content, built on demand by ops/strings.ts. */
  codePoints: unknown = null;
  constructor(public s: string) {}
}

/** A symbol. `loc` is set only on symbols read from source (for error positions). */
export class Sym {
  constructor(
    readonly name: string,
    readonly loc?: Loc,
  ) {}
}

export class GChar {
  constructor(readonly c: string) {}
}

/** Maps keep insertion order (gene-core §2.5 [rule]); keys are strings. */
export class GMap {
  constructor(
    readonly entries: Map<string, Value> = new Map(),
    /** A builtin namespace (`gene`, `time`): read-only, so nothing a task does outlives it (THR-RESET.1). */
    readonly builtinNamespace?: string,
  ) {}
}

export class GGene {
  constructor(
    public type: Value,
    readonly props: Map<string, Value> = new Map(),
    readonly children: Value[] = [],
    readonly loc?: Loc,
  ) {}
}

export class GRange {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly step: number,
    readonly explicitStep: boolean,
  ) {}
}

export class VoidValue {
  /** Nominal: without a member of its own, any object would type-check as a Value. */
  declare private readonly brand: "void";
  private constructor() {}
  static readonly instance = new VoidValue();
}
export const VOID = VoidValue.instance;

/** A mutable variable cell shared by a scope and the closures that capture it. */
export class Cell {
  constructor(public v: Value) {}
}

/**
 * A namespace: the module variables of one VM or imported file, the private globals of a received
 * function, or a namespace value made by `(ns Name)` (spec/language/modules.md). As a value it
 * prints `VkNamespace`; `ns/name` reads its own members.
 */
/** Namespace versions are unique across namespaces, so a cached look-up names its namespace too. */
let nextNamespaceVersion = 1;

export class Namespace {
  readonly cells = new Map<string, Cell>();
  /**
   * Identifies this namespace and its current shape; replaced when a new name shadows one from
   * `parent`. A unit's look-up cache is valid only for the version it was filled under.
   */
  version = nextNamespaceVersion++;
  constructor(
    readonly parent: Namespace | null,
    /** The name a program gave it (`(ns Name)`, a module's path); '' for a VM's own namespaces. */
    readonly name = '',
  ) {}

  lookup(name: string): Cell | undefined {
    let ns: Namespace | null = this;
    while (ns !== null) {
      const c = ns.cells.get(name);
      if (c !== undefined) return c;
      ns = ns.parent;
    }
    return undefined;
  }

  define(name: string, v: Value): Cell {
    let c = this.cells.get(name);
    if (c !== undefined) {
      c.v = v;
      return c;
    }
    c = new Cell(v);
    this.cells.set(name, c);
    if (this.parent?.lookup(name) !== undefined) this.version = nextNamespaceVersion++;
    return c;
  }
}

export class GFunction {
  /** For a method or constructor: the class that defines it (`super` starts above it). */
  owner: GClass | null = null;
  /** The unit's inline caches (shared by every function made from the unit in this thread). */
  readonly caches: UnitCaches;
  constructor(
    readonly unit: CodeUnit,
    readonly cells: Cell[],
    readonly globals: Namespace,
  ) {
    this.caches = cachesOf(unit);
  }
  get name(): string {
    return this.unit.name;
  }
}

/** A suspended VM waits for a Future (await, join, recv, sleep), maybe with a timeout. */
export interface Wait {
  readonly future: GFuture;
  readonly timeoutMs: number | null;
  /** What the wait is, for Deadlock messages: "await", "join <Thread 2>", "recv". */
  readonly what: string;
}

/**
 * What a native returns instead of a value to ask its VM for something (with NativeContext, the
 * whole interface between natives and the VM): suspend until a Future settles (the native's
 * result is then the Future's value), or call a Gene function whose result is replaced by `after`.
 */
export class NativeRequest {
  private constructor(
    readonly wait: Wait | null,
    readonly call: { readonly fn: Value; readonly args: Value[]; readonly after: Value } | null,
  ) {}

  static suspend(wait: Wait): NativeRequest {
    return new NativeRequest(wait, null);
  }

  static callThen(fn: Value, args: Value[], after: Value): NativeRequest {
    return new NativeRequest(null, { fn, args, after });
  }
}

export type NativeResult = Value | NativeRequest;

export type NativeImpl = (args: Value[], kwargs: Map<string, Value> | null) => NativeResult;

export class NativeFn {
  constructor(
    readonly name: string,
    readonly impl: NativeImpl,
  ) {}
}

export type FutureState = 'pending' | 'success' | 'failure';

export class GFuture {
  state: FutureState = 'pending';
  value: Value = null;
  /** Callbacks queued while pending: [onSuccess?, onFailure?] pairs. */
  callbacks: { ok?: Value; fail?: Value }[] = [];
  /** Host hook: called once when the future settles (used to wake a suspended VM). */
  onSettle: ((f: GFuture) => void)[] = [];
  /** Set when a failure has been observed (awaited or given a failure callback). */
  observed = false;
  constructor(readonly label = 'future') {}
}

export class ThreadHandle {
  constructor(
    readonly id: number,
    readonly secret: number,
  ) {}
}

/**
 * A generator (spec/language/generators.md): what calling a `fn name*` gives. `.next` runs its
 * body — on a VM of its own (vm/generators.ts) — to the next `yield`.
 */
export class GGenerator {
  /** The VM running the body once started; null before and after. */
  runner: unknown = null;
  done = false;
  /** What the body's last `(yield v)` gave, until `.next` takes it. */
  yielded: Value | undefined = undefined;
  /** A value `.has_next` ran ahead to, not yet taken by `.next`. */
  peeked: Value | undefined = undefined;
  constructor(readonly body: GFunction) {}
}

export class ThreadMessageValue {
  replied = false;
  handled = false;
  constructor(
    readonly payload: Value,
    readonly sender: ThreadHandle,
    /** Non-zero when the sender waits for a reply. */
    readonly replyId: number,
  ) {}
}

export class GClass {
  /** Methods defined by this class itself (classes.md#methods); lookup walks `parent`. */
  readonly methods = new Map<string, GFunction>();
  /** The constructor defined by this class itself, if any (classes.md#ctor). */
  ctor: GFunction | null = null;
  constructor(
    readonly name: string,
    readonly parent: GClass | null,
  ) {}
  isSubclassOf(other: GClass): boolean {
    for (let c: GClass | null = this; c !== null; c = c.parent) if (c === other) return true;
    return false;
  }
  /** classes.md#lookup: the nearest definition of `name` on this class or its ancestors. */
  findMethod(name: string): GFunction | undefined {
    for (let c: GClass | null = this; c !== null; c = c.parent) {
      const m = c.methods.get(name);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  /** classes.md#ctor: a class without its own constructor uses its parent's. */
  findCtor(): GFunction | null {
    for (let c: GClass | null = this; c !== null; c = c.parent) if (c.ctor !== null) return c.ctor;
    return null;
  }
}

/** An object of a class: a user-defined class's instance or an exception object. */
export class GInstance {
  constructor(
    readonly cls: GClass,
    readonly props: Map<string, Value> = new Map(),
  ) {}
}

// ---- constructors and predicates ----

export const str = (s: string): GString => new GString(s);
export const float = (v: number): GFloat => new GFloat(v);
export const sym = (name: string): Sym => new Sym(name);

export function isInt(v: Value): v is number {
  return typeof v === 'number';
}

export function isNumber(v: Value): v is number | GFloat {
  return typeof v === 'number' || v instanceof GFloat;
}

export function numValue(v: number | GFloat): number {
  return typeof v === 'number' ? v : v.v;
}

/** gene-core §2.2: falsy are false, nil and void. */
export function truthy(v: Value): boolean {
  return v !== false && v !== null && v !== VOID;
}

/** The internal kind name used by upstream in messages and default printing (`VkString`). */
/**
 * Every kind of value and its `typeof` name — the one list to extend with a new kind (with its
 * class above). Tables elsewhere are keyed by ValueKind, so TypeScript names each one a new kind
 * must be added to; test/value-kinds.test.ts runs every kind through kindName, typeof, its class,
 * printing, equality and the codec.
 */
export const VALUE_KINDS = {
  VkNil: 'Nil',
  VkBool: 'Bool',
  VkInt: 'Int',
  VkFloat: 'Float',
  VkString: 'String',
  VkSymbol: 'Symbol',
  VkComplexSymbol: 'Symbol',
  VkChar: 'VkChar',
  VkArray: 'Array',
  VkMap: 'Map',
  VkGene: 'Gene',
  VkRange: 'VkRange',
  VkFunction: 'Function',
  VkNativeFn: 'Function',
  VkFuture: 'Future',
  VkThread: 'Thread',
  VkThreadMessage: 'VkThreadMessage',
  VkClass: 'Class',
  VkInstance: 'Instance', // typeof an instance is its class's name (GeneException for errors)
  VkVoid: 'VkVoid',
  VkNamespace: 'Namespace',
  VkGenerator: 'Generator', // [rule] upstream's typeof says VkNamespace (modules.md#LANG-MOD.5)
} as const;

export type ValueKind = keyof typeof VALUE_KINDS;

export function kindName(v: Value): ValueKind | 'VkUnknown' {
  if (v === null) return 'VkNil';
  if (v === VOID) return 'VkVoid';
  switch (typeof v) {
    case 'boolean':
      return 'VkBool';
    case 'number':
      return 'VkInt';
  }
  if (Array.isArray(v)) return 'VkArray';
  if (v instanceof GFloat) return 'VkFloat';
  if (v instanceof GString) return 'VkString';
  if (v instanceof Sym) return v.name.includes('/') && v.name !== '/' ? 'VkComplexSymbol' : 'VkSymbol';
  if (v instanceof GChar) return 'VkChar';
  if (v instanceof GMap) return 'VkMap';
  if (v instanceof GGene) return 'VkGene';
  if (v instanceof GRange) return 'VkRange';
  if (v instanceof GFunction) return 'VkFunction';
  if (v instanceof NativeFn) return 'VkNativeFn';
  if (v instanceof GFuture) return 'VkFuture';
  if (v instanceof ThreadHandle) return 'VkThread';
  if (v instanceof ThreadMessageValue) return 'VkThreadMessage';
  if (v instanceof GClass) return 'VkClass';
  if (v instanceof GInstance) return 'VkInstance';
  if (v instanceof Namespace) return 'VkNamespace';
  if (v instanceof GGenerator) return 'VkGenerator';
  return 'VkUnknown';
}

/** gene-core §3.8 `typeof`. */
export function typeOf(v: Value): string {
  if (v instanceof GInstance) return v.cls.isSubclassOf(ERROR_ROOT_CLASS()) ? 'GeneException' : v.cls.name;
  const kind = kindName(v);
  return kind === 'VkUnknown' ? kind : VALUE_KINDS[kind];
}

// Set by errors.ts to avoid an import cycle: the root of every runtime error class.
let errorRoot: GClass | null = null;
export function setErrorRootClass(c: GClass): void {
  errorRoot = c;
}
function ERROR_ROOT_CLASS(): GClass {
  return errorRoot!;
}

// ---- compiled code: a CodeUnit is plain data (DESIGN §1), copied to a worker as is ----

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

/** `(import … from "path")` (spec/language/modules.md): what LoadModule and ImportNames do. */
export interface ImportSpec {
  readonly kind: 'import';
  /** The module path as written (`"math_lib"`), relative to `from`, the importing file. */
  readonly path: string;
  readonly from: string;
  /** `*`, or a name or `ns/name` path and the name it is bound to in the importer. */
  readonly items: readonly { readonly name: string; readonly as: string }[];
  /**
   * In a spawned body (LANG-MOD.7): the index in the unit's constants of the module compiled by
   * the spawner, or the error compiling it gave (raised when the import runs).
   */
  readonly unit?: number;
  readonly error?: { readonly kind: 'ParseError' | 'CompileError' | 'ImportError'; readonly message: string; readonly loc?: Loc };
}

export type Constant = Value | CodeUnit | SpawnSpec | KeyList | ImportSpec | TypeCheck | ContractCheck;

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
  /** A module's top-level `var` names: private to the module, never imported (modules.md#private). */
  readonly moduleVars?: readonly string[];
}

/**
 * A unit's inline caches, kept beside it (a WeakMap), never inside: a CodeUnit stays plain data
 * that can be copied to another thread as it is.
 */
export class UnitCaches {
  /** LoadGlobal: the Cell behind each name, valid while the namespace's version is `loadsVersion`. */
  loads: (Cell | undefined)[] = [];
  loadsVersion = -1;
  /** StoreGlobal/DefineGlobal: the module cells written (own cells never change)… */
  stores: (Cell | undefined)[] = [];
  /** …in this namespace (a unit may run in several: the prelude in every VM). */
  storesOwner: object | null = null;
}

const cachesByUnit = new WeakMap<CodeUnit, UnitCaches>();

export function cachesOf(unit: CodeUnit): UnitCaches {
  let c = cachesByUnit.get(unit);
  if (c === undefined) cachesByUnit.set(unit, (c = new UnitCaches()));
  return c;
}

export function isCodeUnit(c: unknown): c is CodeUnit {
  return typeof c === 'object' && c !== null && (c as { kind?: unknown }).kind === 'unit';
}

