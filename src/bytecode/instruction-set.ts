// THE instruction set (DESIGN §1, Wren/QuickJS style): every instruction's name, operands, stack
// effect and meaning, written once. Everything else derives from it: the `Op` enum
// (op.generated.ts, written by scripts/gen-opcodes.ts at build time), operand widths and stack
// effects (opcodes.ts), the emitter's depth tracking and the disassembler. Opcode numbers are the
// order of this table. To add an instruction: add it here, `npm run build`, handle it in
// vm/dispatch.ts (a test fails if the dispatch loop lacks a case).
import type { Constant } from '../values/values.js';

export type OperandKind =
  | 'const' // index into unit.consts
  | 'name' // index into unit.names (global / member / method names)
  | 'local' // local slot
  | 'upval' // index into the closure's captured cells
  | 'int' // immediate integer
  | 'jump' // absolute code offset
  | 'count'; // argument / element count

/**
 * Net change of the operand-stack depth: a number, or a function of the operands (and the unit's
 * constants) where it varies. For a conditional jump it is the effect on the fall-through path.
 */
export type StackEffect = number | ((operands: readonly number[], consts: readonly Constant[]) => number);

export interface InstructionSpec {
  readonly operands: readonly OperandKind[];
  readonly effect: StackEffect;
  readonly doc: string;
}

function keyCount(c: Constant | undefined): number {
  return (c as { keys: readonly string[] }).keys.length;
}

export const INSTRUCTION_SET = {
  // ---- constants and the operand stack ----
  Const: { operands: ['const'], effect: 1, doc: 'push a constant' },
  Str: { operands: ['const'], effect: 1, doc: 'push a fresh copy of a string literal (strings are mutable)' },
  Int: { operands: ['int'], effect: 1, doc: 'push a small integer' },
  Nil: { operands: [], effect: 1, doc: 'push nil' },
  True: { operands: [], effect: 1, doc: 'push true' },
  False: { operands: [], effect: 1, doc: 'push false' },
  Pop: { operands: [], effect: -1, doc: 'discard the top of the stack' },
  PopN: { operands: ['count'], effect: ([n]) => -n!, doc: 'discard n values' },
  Dup: { operands: [], effect: 1, doc: 'duplicate the top of the stack' },
  Swap: { operands: [], effect: 0, doc: 'swap the two top values' },
  Over: { operands: [], effect: 1, doc: 'push a copy of the value below the top' },

  // ---- variables (gene-core §3.1, §3.2) ----
  LoadLocal: { operands: ['local'], effect: 1, doc: 'push a local slot' },
  StoreLocal: { operands: ['local'], effect: 0, doc: 'store the top into a local slot (value stays)' },
  NewCell: { operands: ['local'], effect: 0, doc: 'give a captured local a fresh cell (scope entry)' },
  LoadCell: { operands: ['local'], effect: 1, doc: 'push the value of a captured local' },
  StoreCell: { operands: ['local'], effect: 0, doc: 'store the top into a captured local (value stays)' },
  LoadUpval: { operands: ['upval'], effect: 1, doc: "push a value captured by the running closure" },
  StoreUpval: { operands: ['upval'], effect: 0, doc: 'store the top into a captured variable (value stays)' },
  LoadGlobal: { operands: ['name'], effect: 1, doc: 'push a module variable or builtin; UndefinedVariable if none' },
  LoadGlobalOpt: { operands: ['name'], effect: 1, doc: 'push a module variable, or void when none (path keys)' },
  StoreGlobal: { operands: ['name'], effect: 0, doc: 'assign a module variable, creating it if absent (value stays)' },
  DefineGlobal: { operands: ['name'], effect: 0, doc: 'declare a module variable (value stays)' },
  LoadDollar: { operands: ['name'], effect: 1, doc: 'push $name from the global namespace' },
  StoreDollar: { operands: ['name'], effect: 0, doc: 'store into $name (value stays)' },
  LoadEx: { operands: [], effect: 1, doc: 'push $ex, the exception being handled (nil outside a catch)' },

  // ---- control flow ----
  Jump: { operands: ['jump'], effect: 0, doc: 'jump' },
  JumpIfFalse: { operands: ['jump'], effect: -1, doc: 'pop; jump if falsy' },
  JumpIfTrue: { operands: ['jump'], effect: -1, doc: 'pop; jump if truthy' },
  AndJump: { operands: ['jump'], effect: -1, doc: 'if the top is falsy jump keeping it, else pop it (&&)' },
  OrJump: { operands: ['jump'], effect: -1, doc: 'if the top is truthy jump keeping it, else pop it (||)' },
  Loop: { operands: ['jump'], effect: 0, doc: 'jump back to a loop head (a safepoint)' },
  CheckChannel: { operands: [], effect: 0, doc: "safepoint: look at this thread's mailbox every few checks (THR-CHAN.2)" },
  IterInit: { operands: [], effect: 0, doc: 'replace a collection with an iterator over it' },
  IterNext: { operands: ['jump'], effect: 1, doc: 'push the next element, or pop the iterator and jump when done' },
  IterNext2: { operands: ['jump'], effect: 2, doc: 'push the next key/index and element, or pop the iterator and jump when done' },
  Return: { operands: [], effect: -1, doc: 'return the top of the stack from the current function' },

  // ---- calls and functions (gene-core §3.6) ----
  Call: { operands: ['count'], effect: ([argc]) => -argc!, doc: 'call callee with n positional arguments: [f a1..an] -> [r]' },
  CallArgs: { operands: [], effect: -2, doc: 'call with an argument array and keyword map: [f args kw] -> [r]' },
  CallMethod: { operands: ['name', 'count'], effect: ([, argc]) => -argc!, doc: 'call a method: [obj a1..an] -> [r]' },
  CallMethodArgs: { operands: ['name'], effect: -2, doc: 'call a method with an argument array and keyword map: [obj args kw] -> [r]' },
  Closure: { operands: ['const'], effect: 1, doc: 'make a function from a code unit, capturing cells' },
  BindDefault: { operands: ['local', 'jump'], effect: 0, doc: 'jump over a default-value expression when the parameter was passed' },

  // ---- exceptions (gene-core §3.7) ----
  Throw: { operands: [], effect: -1, doc: 'throw the top of the stack' },
  TryBegin: { operands: ['jump'], effect: 0, doc: 'install a handler that jumps to the catch code' },
  TryEnd: { operands: [], effect: 0, doc: 'remove the innermost handler' },
  EnterCatch: { operands: [], effect: -1, doc: 'pop the caught exception and make it $ex' },
  ExitCatch: { operands: [], effect: 0, doc: 'restore $ex to the outer exception' },
  Rethrow: { operands: [], effect: 0, doc: 'throw $ex again, leaving its catch' },
  IsInstance: { operands: [], effect: -1, doc: '[value class] -> [bool]: class check as in catch clauses and `is`' },
  ThrowError: { operands: ['const', 'const'], effect: 0, doc: 'throw a runtime error of a kind with a message' },

  // ---- operators (gene-core §4) ----
  Add: { operands: [], effect: -1, doc: 'a + b' },
  Sub: { operands: [], effect: -1, doc: 'a - b' },
  Mul: { operands: [], effect: -1, doc: 'a * b' },
  Div: { operands: [], effect: -1, doc: 'a / b (always a Float)' },
  Mod: { operands: [], effect: -1, doc: 'a % b (sign of the dividend)' },
  Neg: { operands: [], effect: 0, doc: '-a' },
  Lt: { operands: [], effect: -1, doc: 'a < b' },
  Le: { operands: [], effect: -1, doc: 'a <= b' },
  Gt: { operands: [], effect: -1, doc: 'a > b' },
  Ge: { operands: [], effect: -1, doc: 'a >= b' },
  Eq: { operands: [], effect: -1, doc: 'a == b (structural, kind-strict)' },
  Ne: { operands: [], effect: -1, doc: 'a != b' },
  Not: { operands: [], effect: 0, doc: 'not a (by truthiness)' },
  // Fused forms of `Int k` followed by an operator (a peephole in the emitter makes them).
  AddInt: { operands: ['int'], effect: 0, doc: 'a + k' },
  SubInt: { operands: ['int'], effect: 0, doc: 'a - k' },
  LtInt: { operands: ['int'], effect: 0, doc: 'a < k' },
  LeInt: { operands: ['int'], effect: 0, doc: 'a <= k' },
  GtInt: { operands: ['int'], effect: 0, doc: 'a > k' },
  GeInt: { operands: ['int'], effect: 0, doc: 'a >= k' },
  // Fused statements of loops (peepholes in the emitter; THR-PERF VM speed): `(x += k)` and
  // `(x += y)` on locals whose value is dropped, and `(x < k)` on a local as a condition.
  IncLocal: { operands: ['local', 'int'], effect: 0, doc: 'x = x + k (LoadLocal x; AddInt k; StoreLocal x; Pop)' },
  AddLocal: { operands: ['local', 'local'], effect: 0, doc: 'x = x + y (LoadLocal x; LoadLocal y; Add; StoreLocal x; Pop)' },
  JumpUnlessLocalLtInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'jump unless x < k (LoadLocal x; LtInt k; JumpIfFalse)' },
  JumpUnlessLocalLeInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'jump unless x <= k' },
  JumpUnlessLocalGtInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'jump unless x > k' },
  JumpUnlessLocalGeInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'jump unless x >= k' },
  // A `while` loop's back-edge fused with the JumpUnlessLocal…Int at its head: one instruction
  // fewer per iteration.
  LoopWhileLocalLtInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'back-edge (a safepoint): jump into the loop body if x < k, else leave the loop' },
  LoopWhileLocalLeInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'back-edge: jump if x <= k' },
  LoopWhileLocalGtInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'back-edge: jump if x > k' },
  LoopWhileLocalGeInt: { operands: ['local', 'int', 'jump'], effect: 0, doc: 'back-edge: jump if x >= k' },

  // ---- building values ----
  MakeArray: { operands: ['count'], effect: ([n]) => 1 - n!, doc: 'pop n values into a new array' },
  ArrayPush: { operands: [], effect: -1, doc: '[arr v] -> [arr] with v appended' },
  ArraySpread: { operands: [], effect: -1, doc: '[arr xs] -> [arr] with the elements of xs appended' },
  MakeMap: { operands: ['const'], effect: ([keys], consts) => 1 - keyCount(consts[keys!]), doc: 'pop values for the keys listed in a constant into a new map' },
  MakeGene: { operands: ['const', 'count'], effect: ([keys, children], consts) => -keyCount(consts[keys!]) - children!, doc: '[type props-values.. children..] -> gene; constant lists prop keys' },
  MakeRange: { operands: [], effect: -1, doc: '[a b] -> range a..b' },
  Interpolate: { operands: ['count'], effect: ([n]) => 1 - n!, doc: 'pop n parts and join them into a new String (#"…")' },

  // ---- paths (gene-core §5.1, §3.2) ----
  GetMember: { operands: ['name'], effect: 0, doc: 'obj/name: map key, gene prop, instance field; void when missing' },
  GetMemberVar: { operands: ['name'], effect: -1, doc: "[obj var] -> obj/name, falling back to the local variable's value as key/index" },
  GetIndex: { operands: ['int'], effect: 0, doc: 'obj/i: array or gene child; negative counts from the end' },
  SetMember: { operands: ['name'], effect: -1, doc: '[obj v] -> [v] obj/name = v' },
  SetMemberDyn: { operands: [], effect: -2, doc: '[obj key v] -> [v] obj/key = v' },
  SetIndex: { operands: ['int'], effect: -1, doc: '[obj v] -> [v] obj/i = v' },
  DestructIndex: { operands: ['int'], effect: 1, doc: '[arr] -> [arr arr/i], nil when absent' },
  DestructKey: { operands: ['name'], effect: 1, doc: '[map] -> [map map/name], nil when absent' },

  // ---- async (gene-core §7, THR-API.2) ----
  FutureOk: { operands: [], effect: 0, doc: 'wrap the top in a Future that succeeded' },
  FutureFail: { operands: [], effect: 0, doc: 'wrap the top (a thrown value) in a Future that failed' },
  Await: { operands: ['count'], effect: ([n]) => (n! < 0 ? n! : 1 - n!), doc: 'await n futures (with a timeout in ms below them when count < 0)' },

  // ---- threads (THR-API.3) ----
  SpawnThread: { operands: ['const', 'count', 'int'], effect: ([, pushed]) => 1 - pushed!, doc: 'start a thread running a compiled body with n captured values; flag 1 = return a Future' },
  SendMessage: { operands: ['int'], effect: -1, doc: '[thread payload] -> [nil | Future]; flag 1 = expect a reply' },
  ThreadJoin: { operands: ['int'], effect: ([withTimeout]) => -withTimeout!, doc: '[thread (timeout)] -> [nil]: wait until the thread has ended; flag 1 = with timeout' },

  // ---- classes (spec/language/classes.md) ----
  DefineClass: { operands: ['name', 'int'], effect: ([, hasParent]) => 1 - hasParent!, doc: '[(parent)] -> [class]: a new class; flag 1 = a parent is on the stack' },
  DefineMethod: { operands: ['name', 'int'], effect: -1, doc: '[class fn] -> [class]: add a method; flag 1 = the constructor' },
  New: { operands: ['count'], effect: ([argc]) => -argc!, doc: '[class a1..an] -> [instance]: make an instance and run its constructor' },
  NewArgs: { operands: [], effect: -2, doc: '[class args kw] -> [instance]: new with an argument array and keyword map' },
  CallSuper: { operands: ['name', 'count'], effect: ([, argc]) => -argc!, doc: "[self a1..an] -> [r]: call the defining class's parent's method" },
  CallSuperArgs: { operands: ['name'], effect: -2, doc: '[self args kw] -> [r]: super call with an argument array and keyword map' },
  CheckCallable: { operands: ['name'], effect: 0, doc: 'TypeError naming a path callee (`gene/io/read`) whose value cannot be called' },

  // ---- namespaces and modules (spec/language/modules.md) ----
  MakeNamespace: { operands: ['name'], effect: 1, doc: 'push a new, empty namespace of that name' },
  LoadNs: { operands: [], effect: 1, doc: "push $ns: the running function's module namespace" },
  LoadModule: { operands: ['const'], effect: 2, doc: '[] -> [ns body]: an imported module and the function that runs it (a no-op when loaded in this thread)' },
  ImportNames: { operands: ['const'], effect: 0, doc: "[ns] -> [nil]: bind the imported names in the running function's module" },

  // ---- type annotations (spec/language/types.md) ----
  CheckParam: { operands: ['local', 'const'], effect: 0, doc: 'check (and convert) an annotated parameter against its type' },
  CheckType: { operands: ['const'], effect: 0, doc: 'check (and convert) the top against a type: a return value, a variable' },

  ContractFail: { operands: ['const'], effect: 0, doc: 'raise ContractViolation for a false ^pre/^post condition, naming the arguments (and the result)' },

  // ---- Result and Option (spec/language/variants.md) ----
  IsVariant: { operands: ['const'], effect: 0, doc: '[v] -> [bool]: v is a variant gene named in the constant (Ok Err Some None)' },
} satisfies Record<string, InstructionSpec>;

export type OpName = keyof typeof INSTRUCTION_SET;
